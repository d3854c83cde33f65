// pdf.js (pdfjs-dist's legacy build) for a worker thread that reads PDFs: plain JavaScript, loaded
// without the TypeScript loader (pdf.js is 3.5 MB of JavaScript that the loader would transform
// again in every process). Its "fake worker" runs in the importing thread. Any reader of ours may
// import it (the text job's text-worker.mjs, the signer's text-layer-worker.mjs).

if (!Promise.withResolvers) {
  // Node 20 lacks it; pdf.js 5+ needs it.
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new Promise((a, b) => { resolve = a; reject = b; });
    return { promise, resolve, reject };
  };
}

// pdf.js warns at load that it cannot polyfill DOMMatrix/Path2D (rendering only; text does not need them).
const warn = console.warn;
console.warn = () => {};
export const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
// Hand pdf.js its worker module rather than let it import one.
globalThis.pdfjsWorker = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
console.warn = warn;

/** A loading task for `data` (a Uint8Array, handed over): no font faces, no eval, no XFA, errors tolerated. */
export function openPdf(data) {
  return pdfjs.getDocument({
    data,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    enableXfa: false,
    stopAtErrors: false,
    isEvalSupported: false,
    verbosity: 0,
  });
}
