/**
 * The text of a Word document (.docx) through mammoth (passed in: the page loads it lazily):
 * mammoth's HTML, read as text by htmlToText, so headings stay headings and lists stay lists.
 * Images are dropped unread. A file that is not a .docx zip is refused with words.
 */
import { htmlToText } from './html-text';
import { SourceError } from './source-error';

/** The part of mammoth this module uses. */
export interface MammothLib {
  convertToHtml(
    /** mammoth's browser build reads `arrayBuffer`, its Node build `buffer`: both are given. */
    input: { arrayBuffer: ArrayBuffer; buffer: Uint8Array },
    options?: { ignoreEmptyParagraphs?: boolean; convertImage?: unknown },
  ): Promise<{ value: string; messages: readonly { type: string; message: string }[] }>;
}

/** The text of the document `name` (see the module comment). */
export async function docxText(mammoth: MammothLib, name: string, bytes: Uint8Array): Promise<{ text: string; warnings: string[] }> {
  let result: Awaited<ReturnType<MammothLib['convertToHtml']>>;
  try {
    const copy = bytes.slice();
    result = await mammoth.convertToHtml({ arrayBuffer: copy.buffer, buffer: copy });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // JSZip's words for "not a zip" end in a link to its documentation; ours say what to do.
    const why = /zip|central directory/i.test(reason)
      ? 'the file is not a .docx (a .docx is a zip archive, this is not one). Save it from your editor as a Word document (.docx)'
      : reason;
    throw new SourceError('unreadable', `${name} could not be read as a Word document (.docx): ${why}.`);
  }
  const problems = result.messages.filter((m) => m.type === 'error').map((m) => m.message);
  return {
    text: htmlToText(result.value),
    warnings: problems.length ? [`Parts of ${name} could not be read: ${problems.slice(0, 3).join('; ')}`] : [],
  };
}
