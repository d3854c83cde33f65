// Moving past a PDF value without building it: findSignatures scans every object in the file
// but needs the contents of only a few, so for the rest it wants just where they end.
import { isRegular, PdfSyntaxError, type PdfLexer } from './lexer.js';

const MAX_DEPTH = 64;

/** Moves `lx` past one value (nesting, strings and names handled exactly); throws on what value() would not accept. */
export function skipValue(lx: PdfLexer): void {
  const b = lx.buf;
  let depth = 0;
  do {
    lx.skipWs();
    const start = lx.pos;
    const c = b[start];
    if (c === undefined) throw new PdfSyntaxError('unexpected end of file', start);
    if (c === 0x28) {
      let nest = 0;
      let p = start;
      do {
        const x = b[p++];
        if (x === undefined) throw new PdfSyntaxError('unterminated string', start);
        if (x === 0x5c) p++;
        else if (x === 0x28) nest++;
        else if (x === 0x29) nest--;
      } while (nest > 0);
      lx.pos = p;
    } else if (c === 0x3c && b[start + 1] === 0x3c) {
      depth++;
      lx.pos += 2;
    } else if (c === 0x3c) {
      const end = b.indexOf(0x3e, start + 1);
      if (end < 0) throw new PdfSyntaxError('unterminated hex string', start);
      lx.pos = end + 1;
    } else if ((c === 0x3e && b[start + 1] === 0x3e) || c === 0x5d) {
      if (--depth < 0) throw new PdfSyntaxError('unexpected token', start);
      lx.pos += c === 0x5d ? 1 : 2;
    } else if (c === 0x5b) {
      depth++;
      lx.pos++;
    } else {
      let p = c === 0x2f ? start + 1 : start;
      while (isRegular(b[p])) p++;
      if (p === start) throw new PdfSyntaxError('unexpected token', start);
      lx.pos = p;
    }
    if (depth > MAX_DEPTH) throw new PdfSyntaxError('nesting too deep', start);
  } while (depth > 0);
}
