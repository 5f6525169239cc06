/**
 * pdf.js and mammoth for the page, each loaded on first use (dynamic import: the first paint
 * never waits for them). pdf.js parses in its own worker, served by this app like every other
 * file (never a CDN): Vite copies its module into the build and gives its URL.
 */
import type { Readers } from './read-source';

export const browserReaders: Readers = {
  pdfjs: async () => {
    const [pdfjs, worker] = await Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]);
    pdfjs.GlobalWorkerOptions.workerSrc = new URL(worker.default, location.href).href;
    return pdfjs;
  },
  mammoth: async () => (await import('mammoth')).default,
};
