// Text PostgreSQL cannot store: a NUL character (text columns refuse 0x00, jsonb refuses \u0000)
// and lone UTF-16 surrogates (not characters at all: jsonb refuses them, text columns would get
// U+FFFD). Every text a client sends — JSON bodies, query strings, path parameters, multipart
// fields and file names, socket payloads — is checked once, at the edge, with these helpers.
import { badRequest } from './errors.js';

/** A NUL or a lone surrogate: with the `u` flag a valid pair is one code point and never matches. */
const BAD = /[\u0000\ud800-\udfff]/u;

/** True when `s` holds a NUL or a lone surrogate. */
export const hasBadText = (s: string): boolean => BAD.test(s);

/** A key as shown in a path: plain when it is a simple name, escaped (JSON) otherwise. */
function showKey(key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return `.${key}`;
  // JSON.stringify escapes NUL as \u0000 and lone surrogates as \udXXX: the path stays valid text.
  return hasBadText(key) ? `.${JSON.stringify(key).slice(1, -1)}` : `[${JSON.stringify(key)}]`;
}

/**
 * The path (`body.recipients[2].note`) of the first string — value or object key — that holds a
 * NUL or a lone surrogate, or null when there is none. Iterative (no recursion limit), each
 * object visited once; Buffers and other binary values are not text and are skipped.
 */
export function badTextPath(value: unknown, root: string): string | null {
  const stack: Array<[unknown, string]> = [[value, root]];
  const seen = new Set<object>();
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (hasBadText(v)) return path;
      continue;
    }
    if (v === null || typeof v !== 'object' || seen.has(v) || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    seen.add(v);
    const next: Array<[unknown, string]> = [];
    if (Array.isArray(v)) {
      v.forEach((item, i) => next.push([item, `${path}[${i}]`]));
    } else {
      for (const key of Object.keys(v)) {
        const p = `${path}${showKey(key)}`;
        if (hasBadText(key)) return p;
        next.push([(v as Record<string, unknown>)[key], p]);
      }
    }
    // Reverse so the first field is checked first (a stack pops the last pushed).
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  return null;
}

/** The 400 for a bad text at `path`. */
export function badTextError(path: string) {
  return badRequest(
    `${path}: chứa ký tự không hợp lệ (NUL hoặc surrogate lẻ)`,
    `${path}: contains an invalid character (NUL or lone surrogate)`,
  );
}

/** Throws the 400 when `value` (a body, a query, a socket payload …) holds a bad text anywhere. */
export function assertCleanText(value: unknown, root: string): void {
  const path = badTextPath(value, root);
  if (path !== null) throw badTextError(path);
}
