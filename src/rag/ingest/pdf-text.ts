/**
 * The text of a PDF, through pdf.js (passed in: the page loads it lazily, Node tests use its
 * legacy build). Lines follow the text items' end-of-line marks, a gap of more than one and a half
 * lines starts a paragraph, and each page of a multi-page document is a "Page N" section, so a
 * passage says where it came from. Refused with words: a PDF that needs a password, one with no
 * text layer at all (a scan), one pdf.js cannot read.
 */
import { SourceError } from './source-error';

/** The part of pdf.js this module uses (pdfjs-dist's build and its legacy build both fit). */
export interface PdfJsLib {
  getDocument(params: {
    data: Uint8Array;
    isEvalSupported: boolean;
    disableFontFace: boolean;
    useSystemFonts: boolean;
    verbosity: number;
  }): { promise: Promise<PdfDocument>; destroy(): Promise<void> };
}

interface PdfDocument {
  numPages: number;
  getPage(n: number): Promise<{ getTextContent(): Promise<{ items: readonly unknown[] }> }>;
}

interface TextRun {
  str: string;
  hasEOL: boolean;
  transform: readonly number[];
  height: number;
}

function isTextRun(item: unknown): item is TextRun {
  return typeof item === 'object' && item !== null && 'str' in item && typeof item.str === 'string' && 'transform' in item;
}

/** One page's text: lines, and blank lines where the gap between lines is wide. */
function pageText(items: readonly unknown[]): string {
  let out = '';
  let lineY: number | null = null;
  let lineHeight = 0;
  let atLineStart = true;
  for (const item of items) {
    if (!isTextRun(item)) continue;
    const y = item.transform[5] ?? 0;
    const height = item.height || Math.abs(item.transform[3] ?? 0) || 10;
    if (atLineStart && lineY !== null && Math.abs(lineY - y) > 1.5 * Math.max(height, lineHeight)) out += '\n';
    if (atLineStart) {
      lineY = y;
      lineHeight = height;
    }
    out += item.str;
    atLineStart = item.hasEOL;
    if (item.hasEOL) out += '\n';
  }
  return out.replace(/[ \t]+\n/g, '\n').trim();
}

const LOAD_OPTIONS = {
  // The CSP forbids eval; pdf.js then interprets fonts instead of compiling them.
  isEvalSupported: false,
  // Only text is read: no font is installed in the page, none is looked up on the system.
  disableFontFace: true,
  useSystemFonts: false,
  // Errors only: a damaged PDF's warnings would fill the console.
  verbosity: 0,
};

/** The text of the PDF `name` (see the module comment); `warnings` lists pages without text. */
export async function pdfText(pdfjs: PdfJsLib, name: string, bytes: Uint8Array): Promise<{ text: string; warnings: string[] }> {
  // pdf.js takes the buffer over (transfers it to its worker): it gets a copy.
  const task = pdfjs.getDocument({ data: bytes.slice(), ...LOAD_OPTIONS });
  let doc: PdfDocument;
  try {
    doc = await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    const kind = error instanceof Error ? error.name : '';
    if (kind === 'PasswordException') {
      throw new SourceError(
        'encrypted-pdf',
        `${name} is protected by a password. Open it, save a copy without the password, and add that.`,
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new SourceError('unreadable', `${name} could not be read as a PDF (${reason}).`);
  }
  try {
    const pages: string[] = [];
    const empty: number[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const text = pageText((await (await doc.getPage(n)).getTextContent()).items);
      if (!text) empty.push(n);
      pages.push(doc.numPages > 1 && text ? `# Page ${n}\n\n${text}` : text);
    }
    if (empty.length === doc.numPages) {
      throw new SourceError(
        'no-text-pdf',
        `${name} has no text to read: its ${doc.numPages === 1 ? 'page is an image' : `${doc.numPages} pages are images`} (a scan?). Run it through text recognition (OCR) first, or paste its text.`,
      );
    }
    const warnings = empty.length
      ? [`${empty.length === 1 ? 'Page' : 'Pages'} ${empty.join(', ')} of ${name} had no text (images only) and were skipped.`]
      : [];
    return { text: pages.filter(Boolean).join('\n\n'), warnings };
  } finally {
    await task.destroy().catch(() => undefined);
  }
}
