/**
 * A file or pasted text to an ExtractedSource: the kind from the name (and type), the size limit
 * checked before anything is read, the text extracted by kind, and an empty result refused. The
 * PDF and Word readers are passed in as loaders, so the page loads pdf.js and mammoth only when
 * such a file arrives (and Node tests can pass theirs).
 */
import { titleFrom } from '../../chat/conversation';
import type { ExtractedSource, SourceKind } from '../types';
import { decodeText } from './decode-text';
import { docxText, type MammothLib } from './docx-text';
import { htmlToText } from './html-text';
import { pdfText, type PdfJsLib } from './pdf-text';
import { MAX_SOURCE_BYTES, SourceError, checkSize, tooLarge } from './source-error';

/** What is read of a dropped or picked file (a DOM File fits). */
export interface SourceFile {
  name: string;
  size: number;
  type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface Readers {
  pdfjs: () => Promise<PdfJsLib>;
  mammoth: () => Promise<MammothLib>;
}

/** The file types a source can be, for the file picker's `accept`. */
export const ACCEPTED_TYPES = '.txt,.md,.markdown,.html,.htm,.pdf,.docx,text/plain,text/markdown,text/html,application/pdf';

const BY_EXTENSION: Record<string, SourceKind> = {
  txt: 'text',
  text: 'text',
  md: 'markdown',
  markdown: 'markdown',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  pdf: 'pdf',
  docx: 'docx',
};

/** The kind of a file by its extension, else its MIME type; null when it is none we read. */
export function kindOf(name: string, type: string): SourceKind | null {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (extension && extension in BY_EXTENSION) return BY_EXTENSION[extension]!;
  if (type === 'application/pdf') return 'pdf';
  if (type === 'text/html') return 'html';
  if (type === 'text/markdown') return 'markdown';
  if (type.startsWith('text/')) return 'text';
  return null;
}

function unsupported(name: string): SourceError {
  const advice = /\.doc$/i.test(name)
    ? ' Word 97-2003 documents are not read: save it as .docx.'
    : ' Sources can be .txt, .md, .html, .pdf or .docx files, or pasted text.';
  return new SourceError('unsupported', `${name} is not a kind of file that can be read.${advice}`);
}

function nonEmpty(name: string, text: string): string {
  if (!text.trim()) throw new SourceError('empty', `${name} contains no text: there is nothing to answer from.`);
  return text;
}

/** The text of a file (see the module comment). */
export async function readSourceFile(file: SourceFile, readers: Readers): Promise<ExtractedSource> {
  const kind = kindOf(file.name, file.type);
  if (!kind) throw unsupported(file.name);
  checkSize(file.name, file.size);
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text: string;
  let warnings: string[] = [];
  if (kind === 'pdf') ({ text, warnings } = await pdfText(await readers.pdfjs(), file.name, bytes));
  else if (kind === 'docx') ({ text, warnings } = await docxText(await readers.mammoth(), file.name, bytes));
  else if (kind === 'html') text = htmlToText(decodeText(file.name, bytes));
  else text = decodeText(file.name, bytes);
  return { name: file.name, kind, bytes: file.size, text: nonEmpty(file.name, text), warnings };
}

/** Pasted text as a source, named after its first line. */
export function pastedSource(text: string): ExtractedSource {
  const bytes = new TextEncoder().encode(text).length;
  const line =
    text
      .trim()
      .split('\n')[0]
      ?.replace(/^#+\s*/, '')
      .trim() ?? '';
  const name = line ? `Pasted: ${titleFrom(line)}` : 'Pasted text';
  if (bytes > MAX_SOURCE_BYTES) {
    throw new SourceError('too-large', `The pasted text is too large: ${tooLarge(bytes)}`);
  }
  return { name, kind: 'pasted', bytes, text: nonEmpty('The pasted text', text.replace(/\r\n?/g, '\n')), warnings: [] };
}
