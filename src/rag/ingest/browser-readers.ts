/**
 * pdf.js and mammoth for the page, off its main thread: pdf.js parses in its own worker, loaded on
 * first use (dynamic import: the first paint never waits for it) and served by this app like every
 * other file (never a CDN: Vite copies its module into the build and gives its URL); a Word
 * document is unzipped and converted by mammoth in the retrieval worker, which the page hands the
 * file's bytes to.
 */
import type { DocxHtml } from '../retrieval-types';
import type { Readers } from './read-source';

export function browserReaders(retrieval: { docxToHtml(bytes: ArrayBuffer): Promise<DocxHtml> }): Readers {
  return {
    pdfjs: async () => {
      const [pdfjs, worker] = await Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]);
      pdfjs.GlobalWorkerOptions.workerSrc = new URL(worker.default, location.href).href;
      return pdfjs;
    },
    mammoth: () => Promise.resolve({ convertToHtml: (input) => retrieval.docxToHtml(input.arrayBuffer) }),
  };
}
