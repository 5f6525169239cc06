/**
 * Reading documents into sources, with real pdf.js (its legacy build, made for Node) and real
 * mammoth on hand-written fixtures (tests/fixtures/sources): the text of each kind, and the words
 * for each bad input. The committed fixture files must equal what their builders write.
 */
import fs from 'node:fs';
import path from 'node:path';
import mammoth from 'mammoth';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { decodeText, firstInvalidUtf8 } from '../../src/rag/ingest/decode-text';
import { htmlToText } from '../../src/rag/ingest/html-text';
import { kindOf, pastedSource, readSourceFile, type Readers, type SourceFile } from '../../src/rag/ingest/read-source';
import { MAX_SOURCE_BYTES, SourceError } from '../../src/rag/ingest/source-error';
import { fixtureFiles } from '../fixtures/sources/documents';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/sources');
const readers: Readers = { pdfjs: () => Promise.resolve(pdfjs), mammoth: () => Promise.resolve(mammoth) };

function file(name: string, bytes: Uint8Array, type = ''): SourceFile {
  return { name, size: bytes.length, type, arrayBuffer: () => Promise.resolve(bytes.slice().buffer) };
}
const fixture = (name: string, type = ''): SourceFile => file(name, new Uint8Array(fs.readFileSync(path.join(FIXTURES, name))), type);

async function problem(promise: Promise<unknown>): Promise<{ problem: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SourceError) return { problem: error.problem, message: error.message };
    throw error;
  }
  throw new Error('expected a SourceError');
}

it('the committed fixtures are what documents.ts builds', () => {
  for (const [name, bytes] of Object.entries(fixtureFiles()))
    expect(fs.readFileSync(path.join(FIXTURES, name)).equals(bytes), name).toBe(true);
});

describe('readSourceFile', () => {
  it('reads a PDF page by page, each page a section', async () => {
    const source = await readSourceFile(fixture('handbook.pdf'), readers);
    expect(source.kind).toBe('pdf');
    expect(source.text).toBe(
      '# Page 1\n\nHarbor Lantern Handbook\n\nThe Harbor Lantern is a small reading lamp for boats.\nIt runs for nine hours on one charge.\n\n' +
        '# Page 2\n\nMaintenance\n\nClean the brass lens with a dry cloth once a month.\nThe lantern battery is replaced every four years.',
    );
  });

  it('reads a Word document with its headings', async () => {
    const source = await readSourceFile(fixture('garden.docx'), readers);
    expect(source.kind).toBe('docx');
    expect(source.text).toBe(
      '# Moss Garden Guide\n\n## Watering\n\nThe moss garden is watered with rain water at dawn.\n\nTap water leaves lime on the stones.\n\n## Visiting\n\nThe garden gate opens at seven on weekdays.',
    );
  });

  it('reads HTML as text only: no script, style or title text, entities decoded', async () => {
    const source = await readSourceFile(fixture('lighthouse.html'), readers);
    expect(source.text).toBe(
      '# Lighthouse Log\n\nThe north lighthouse keeper is named Ada Quill.\n\nHer shift starts at dusk & ends at dawn.',
    );
  });

  it('refuses a password-protected PDF', async () => {
    const p = await problem(readSourceFile(fixture('locked.pdf'), readers));
    expect(p.problem).toBe('encrypted-pdf');
    expect(p.message).toMatch(/^locked\.pdf is protected by a password\. .*without the password/);
  });

  it('refuses a PDF without a text layer, naming OCR', async () => {
    const p = await problem(readSourceFile(fixture('scanned.pdf'), readers));
    expect(p.problem).toBe('no-text-pdf');
    expect(p.message).toMatch(/^scanned\.pdf has no text to read: its page is an image \(a scan\?\)\. .*OCR/);
  });

  it('refuses a .docx that is not a Word document, in its own words', async () => {
    const p = await problem(readSourceFile(fixture('not-a-docx.docx'), readers));
    expect(p.problem).toBe('unreadable');
    expect(p.message).toMatch(/^not-a-docx\.docx could not be read as a Word document \(\.docx\): the file is not a \.docx/);
    expect(p.message).not.toMatch(/https?:/);
  });

  it('refuses text that is not UTF-8, naming the byte and where it is', async () => {
    const p = await problem(readSourceFile(fixture('latin1.txt'), readers));
    expect(p.problem).toBe('not-utf8');
    expect(p.message).toMatch(/^latin1\.txt is not UTF-8 text \(byte 0xE9 at offset 3 .*Save it as UTF-8/);
  });

  it('refuses an empty file, and one with only whitespace', async () => {
    expect(await problem(readSourceFile(fixture('empty.txt'), readers))).toEqual({
      problem: 'empty',
      message: 'empty.txt is empty: there is nothing to answer from.',
    });
    expect((await problem(readSourceFile(file('blank.md', new TextEncoder().encode(' \n\t\n')), readers))).problem).toBe('empty');
  });

  it('refuses a file over 50 MB before reading any of it, naming the limit', async () => {
    const huge: SourceFile = {
      name: 'archive.txt',
      size: MAX_SOURCE_BYTES + 1,
      type: 'text/plain',
      arrayBuffer: () => Promise.reject(new Error('a file over the limit must not be read')),
    };
    const p = await problem(readSourceFile(huge, readers));
    expect(p.problem).toBe('too-large');
    expect(p.message).toBe(
      'archive.txt is too large: 50.0 MB (50,000,001 bytes), and a source can be at most 50 MB (50,000,000 bytes). Split it, or add only the part you need.',
    );
    // Exactly at the limit is allowed.
    const atLimit = { ...huge, size: MAX_SOURCE_BYTES, arrayBuffer: () => Promise.resolve(new TextEncoder().encode('fits').buffer) };
    expect((await readSourceFile(atLimit, readers)).text).toBe('fits');
  });

  it('refuses kinds it cannot read, and says what to do with an old .doc', async () => {
    expect((await problem(readSourceFile(file('photo.png', new Uint8Array([1]), 'image/png'), readers))).message).toMatch(
      /\.txt, \.md, \.html, \.pdf or \.docx/,
    );
    expect((await problem(readSourceFile(file('old.doc', new Uint8Array([1])), readers))).message).toMatch(/save it as \.docx/);
  });

  it('refuses a binary file named .txt', async () => {
    expect((await problem(readSourceFile(file('data.txt', new Uint8Array([0x41, 0, 0x42])), readers))).problem).toBe('binary');
  });
});

describe('decodeText', () => {
  it('reads UTF-8 with or without a byte-order mark, and UTF-16 with one', () => {
    expect(decodeText('a', new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9]))).toBe('hé');
    expect(decodeText('a', new Uint8Array([0xff, 0xfe, 0x68, 0, 0xe9, 0]))).toBe('hé');
    expect(decodeText('a', new Uint8Array([0xfe, 0xff, 0, 0x68, 0, 0xe9]))).toBe('hé');
    expect(decodeText('a', new TextEncoder().encode('a\r\nb\rc'))).toBe('a\nb\nc');
  });

  it('finds the first byte that is not UTF-8: stray, truncated, overlong, surrogate', () => {
    expect(firstInvalidUtf8(new TextEncoder().encode('ok 🙂 é'))).toBe(-1);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0x62, 0xe2, 0x82]))).toBe(2);
    expect(firstInvalidUtf8(new Uint8Array([0xc0, 0xaf]))).toBe(0);
    expect(firstInvalidUtf8(new Uint8Array([0xe0, 0x80, 0xaf]))).toBe(0);
    expect(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0);
  });
});

describe('htmlToText', () => {
  it('keeps headings, lists, paragraphs and pre-formatted text; drops what is not read', () => {
    const html = `<h2>Steps</h2><ol><li>Open   the
      lid</li><li>Fill &lt;water&gt;</li></ol><pre>  indented
    code</pre><template><p>hidden</p></template><!-- note --><p>End&#33; &#x2014; &unknown;</p>`;
    expect(htmlToText(html)).toBe('## Steps\n\n- Open the lid\n- Fill <water>\n\n  indented\n    code\n\nEnd! — &unknown;');
  });

  it('skips nested skipped elements to their own end, and never loops on broken markup', () => {
    // A script's first closing tag ends it (its content is raw text); a template nests.
    expect(htmlToText('<script><script>x</script>after</script>ok')).toBe('afterok');
    expect(htmlToText('<template><template>x</template>in</template>out')).toBe('out');
    expect(htmlToText('<p a="x>y">text</p><')).toBe('text\n\n<');
    expect(htmlToText('<div'.repeat(10_000))).toBe('<div'.repeat(10_000));
    // Constructs that never end, many times over: linear, or this would not finish within the test's time.
    expect(htmlToText(`ok${'<a title="x'.repeat(50_000)}`)).toMatch(/^ok<a title="x/);
    expect(htmlToText(`ok${'<!'.repeat(100_000)}`)).toMatch(/^ok<!<!/);
    expect(htmlToText(`ok${'<!--'.repeat(100_000)}`)).toBe('ok');
  });
});

describe('kindOf and pastedSource', () => {
  it('goes by extension first, then by MIME type', () => {
    expect(kindOf('Notes.MD', '')).toBe('markdown');
    expect(kindOf('report', 'application/pdf')).toBe('pdf');
    expect(kindOf('page.htm', 'text/plain')).toBe('html');
    expect(kindOf('data.csv', 'text/csv')).toBe('text');
    expect(kindOf('image.png', 'image/png')).toBeNull();
  });

  it('names pasted text after its first line and refuses empty paste', () => {
    expect(pastedSource('# Foundry Local\n\nRuns models on your device.').name).toBe('Pasted: Foundry Local');
    expect(pastedSource('x'.repeat(60)).name).toBe(`Pasted: ${'x'.repeat(47)}…`);
    expect(() => pastedSource('   \n')).toThrow(/The pasted text contains no text/);
  });
});
