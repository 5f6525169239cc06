/**
 * The streamed answer is cut into blocks that render on their own. Nothing may be lost or
 * reordered, the cut must not depend on how the text arrived, ordinary Markdown must render
 * exactly as the whole text would, and no block may outgrow the limits whatever the model writes.
 */
import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import {
  BlockSplitter,
  DEFAULT_LIMITS,
  MARKUP_CHARS,
  MARKUP_WEIGHT,
  splitBlocks,
  type MarkdownBlock,
} from '../../src/render/block-splitter';

const marked = new Marked({ gfm: true, breaks: false, async: false });

/** Typical model answers: every construct a chat model uses, with the blank lines they put in. */
const TYPICAL = [
  "# Moon facts\n\nThe Moon is **Earth's** only natural satellite.\n\nIt is about *384,400 km* away.\n",
  'Steps:\n\n1. Open the file\n2. Edit it\n\n3. Save it (a loose list)\n\n   Continued paragraph of step 3.\n\nDone.',
  '- a\n- b\n  - nested\n  - more\n\n- c\n\nAfter the list.\n\n> A quote\n>\n> over two paragraphs\n\n> and another after a blank line\n\nEnd.',
  'Here is code:\n\n```python\ndef f(x):\n\n    return x * 2\n\n\nprint(f(3))\n```\n\nAnd a table:\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 | 4 |\n\nThat is all.',
  'Setext title\n============\n\nText with `inline code` and a [link](https://example.org).\n\n---\n\n<div>\n\nhtml block\n\n</div>\n\n<pre>\nkeeps\n\nblank lines\n</pre>\n\nlast',
  '~~~\nfence with tildes\n\n```\nnot a close\n~~~\n\nindented code follows:\n\n    x = 1\n\n    y = 2\n\nplain',
  'Intro:\n1. interrupts the paragraph\n2. two\n\n3. three, still the same loose list\n\n- item\ncontinued lazily\n\n- next item\n\nEnd.',
  '1) one\n\n2) two\n\n10. ten\n\n* star item\n\n+ plus item\n\nText\n<!-- a comment\n\nspanning a blank line -->\nafter',
];

/** Model output that breaks parsers (field notes), each long enough to be cut many times. */
const PATHOLOGICAL: Record<string, string> = {
  emphasis: '*a'.repeat(100_000),
  underscores: '_a'.repeat(60_000),
  oneChar: 'a'.repeat(200_000),
  quotes: '>'.repeat(40_000),
  listMarkers: '- '.repeat(30_000),
  table: `| h1 | h2 |\n|----|----|\n${'| x | y |\n'.repeat(20_000)}`,
  links: '[link](https://example.org/page) '.repeat(20_000),
  code: `\`\`\`js\n${'console.log("loop");\n'.repeat(20_000)}\`\`\`\nafter`,
  lines: 'line\n'.repeat(50_000),
  blankLines: 'p\n\n'.repeat(50_000),
  unclosedComment: `<!--\n${'hidden line\n'.repeat(10_000)}`,
  surrogates: '🚀'.repeat(50_000),
};

function sources(blocks: readonly MarkdownBlock[]): string {
  return blocks.map((b) => b.source).join('');
}

/** Deterministic pseudo-random chunk sizes. */
function chunked(text: string, seed: number, maxChunk: number): string[] {
  const chunks: string[] = [];
  let state = seed;
  for (let i = 0; i < text.length;) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const size = 1 + (state % maxChunk);
    chunks.push(text.slice(i, i + size));
    i += size;
  }
  return chunks;
}

function streamed(chunks: readonly string[]): MarkdownBlock[] {
  const splitter = new BlockSplitter();
  const blocks: MarkdownBlock[] = [];
  for (const chunk of chunks) blocks.push(...splitter.append(chunk));
  blocks.push(...splitter.finish());
  return blocks;
}

const normalize = (html: string): string => html.replace(/>\s+</g, '><').trim();

/** A block's weight as the splitter counts it: markup characters cost more (they make elements). */
const weight = (text: string): number => {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += MARKUP_CHARS.includes(text.charAt(i)) ? MARKUP_WEIGHT : 1;
  return sum;
};

describe('BlockSplitter', () => {
  it('splits typical answers into blocks that render exactly like the whole answer', () => {
    for (const text of TYPICAL) {
      const blocks = splitBlocks(text);
      expect(sources(blocks)).toBe(text);
      expect(blocks.length, text).toBeGreaterThan(1);
      const apart = blocks.map((b) => marked.parse(b.text) as string).join('');
      expect(normalize(apart), text).toBe(normalize(marked.parse(text) as string));
    }
  });

  it('keeps loose lists, quotes, fenced code and HTML blocks with blank lines in one block', () => {
    const texts = splitBlocks(TYPICAL.join('\n\n')).map((b) => b.text);
    expect(texts).toContain('1. Open the file\n2. Edit it\n\n3. Save it (a loose list)\n\n   Continued paragraph of step 3.\n\n');
    expect(texts.some((t) => t.startsWith('```python\ndef f(x):\n\n    return x * 2\n\n\nprint(f(3))\n```'))).toBe(true);
    expect(texts.some((t) => t.startsWith('<pre>\nkeeps\n\nblank lines\n</pre>'))).toBe(true);
    expect(texts.some((t) => t.startsWith('> A quote\n>\n> over two paragraphs\n\n> and another'))).toBe(true);
  });

  it('gives the same blocks however the text arrives', () => {
    const texts = [...TYPICAL, ...Object.values(PATHOLOGICAL).map((t) => t.slice(0, 60_000))];
    for (const [i, text] of texts.entries()) {
      const whole = splitBlocks(text);
      for (const maxChunk of [1, 7, 300, 20_000]) {
        // One character at a time is slow on 60 KB; every other size covers the same code paths.
        if (maxChunk === 1 && text.length > 5_000) continue;
        expect(streamed(chunked(text, i + maxChunk, maxChunk)), `text ${i}, chunks up to ${maxChunk}`).toEqual(whole);
      }
    }
  });

  it('loses nothing and keeps every block within its limit, whatever the text', () => {
    for (const [name, text] of Object.entries(PATHOLOGICAL)) {
      const blocks = splitBlocks(text);
      expect(sources(blocks), name).toBe(text);
      // Fenced code is limited in characters, the rest in weight (a cut block may also carry a
      // reopened fence or a repeated table header: two short lines).
      const largest = Math.max(...blocks.map((b) => (name === 'code' ? b.source.length : weight(b.source))));
      expect(largest, name).toBeLessThanOrEqual(name === 'code' ? DEFAULT_LIMITS.code : DEFAULT_LIMITS.block);
      expect(blocks.length, name).toBeGreaterThan(text.length / DEFAULT_LIMITS.code);
    }
  });

  it('cuts a long table at row boundaries and repeats its header in every part', () => {
    const blocks = splitBlocks(PATHOLOGICAL['table']!);
    expect(blocks.length).toBeGreaterThan(10);
    for (const block of blocks) {
      expect(block.text.startsWith('| h1 | h2 |\n|----|----|\n')).toBe(true);
      expect(block.text.endsWith('|\n')).toBe(true);
      const html = marked.parse(block.text) as string;
      expect(html.startsWith('<table>')).toBe(true);
    }
  });

  it('cuts long fenced code into complete fences, each reopened with its info string', () => {
    const blocks = splitBlocks(PATHOLOGICAL['code']!);
    const code = blocks.slice(0, -1);
    expect(code.length).toBeGreaterThan(3);
    for (const block of code) {
      expect(block.text.startsWith('```js\n')).toBe(true);
      expect(block.text.endsWith('```\n')).toBe(true);
      expect((marked.parse(block.text) as string).match(/<pre>/g)).toHaveLength(1);
    }
    expect(blocks.at(-1)!.source.endsWith('after')).toBe(true);
  });

  it('cuts a line without spaces anywhere but inside a surrogate pair', () => {
    for (const block of splitBlocks(PATHOLOGICAL['surrogates']!)) {
      expect(block.source.length % 2).toBe(0);
      expect(block.source.startsWith('🚀')).toBe(true);
    }
  });

  it('cuts long prose at spaces, not inside words', () => {
    const blocks = splitBlocks(PATHOLOGICAL['links']!);
    for (const block of blocks.slice(0, -1)) expect(block.source.endsWith(' ')).toBe(true);
  });

  it('shows the unfinished block as the tail', () => {
    const splitter = new BlockSplitter();
    expect(splitter.append('First paragraph.\n\nSecond')).toEqual([]);
    expect(splitter.tail).toBe('First paragraph.\n\nSecond');
    // A block ends only once the next line is complete: "Third" might still become "Third\n===".
    const done = splitter.append(' paragraph.\n\nThird');
    expect(done.map((b) => b.source)).toEqual(['First paragraph.\n\n']);
    expect(splitter.tail).toBe('Second paragraph.\n\nThird');
    expect(splitter.finish().map((b) => b.source)).toEqual(['Second paragraph.\n\n', 'Third']);
    expect(splitter.tail).toBe('');
  });
});
