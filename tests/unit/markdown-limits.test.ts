/**
 * The renderer's limits: nesting is capped before marked sees it, a block marked cannot parse
 * becomes escaped text (and says so), and nothing throws. The sanitizing half runs in the browser
 * (tests/e2e/hostile-output.test.ts, pathological-output.test.ts): DOMPurify needs a real DOM.
 */
import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { splitBlocks } from '../../src/render/block-splitter';
import { markdownBlockHtml } from '../../src/render/markdown-block';
import { MAX_NESTING, capNesting } from '../../src/render/nesting-cap';

const marked = new Marked({ gfm: true, async: false });

const depth = (html: string, tag: string): number => {
  let deepest = 0;
  let open = 0;
  for (const match of html.matchAll(new RegExp(`<(/?)${tag}(?:\\s[^>]*)?>`, 'g'))) {
    open += match[1] ? -1 : 1;
    deepest = Math.max(deepest, open);
  }
  return deepest;
};

describe('capNesting', () => {
  it('leaves ordinary Markdown alone, nested lists and quotes included', () => {
    const text = '> quote\n> > nested quote\n\n- a\n  - b\n    - c\n\n1. one\n   1. one.one\n\n- [ ] task\n\n**bold** - not a list';
    expect(capNesting(text)).toBe(text);
  });

  it('holds 2,000 quote markers on one line to the cap, keeping the rest as text', () => {
    const text = `${'>'.repeat(2000)} deep`;
    expect(() => marked.parse(text)).toThrow(RangeError);
    const html = marked.parse(capNesting(text)) as string;
    expect(depth(html, 'blockquote')).toBe(MAX_NESTING);
    expect(html).toContain(`${'&gt;'.repeat(2000 - MAX_NESTING)} deep`);
  });

  it('caps list markers of every kind, and mixed quotes and lists', () => {
    for (const marker of ['- ', '* ', '+ ', '1. ', '2) ', '> - ']) {
      const html = marked.parse(capNesting(`${marker.repeat(1000)}x`)) as string;
      const levels = depth(html, 'ul') + depth(html, 'ol') + depth(html, 'blockquote');
      expect(levels, marker).toBeLessThanOrEqual(MAX_NESTING);
      expect(levels, marker).toBeGreaterThanOrEqual(MAX_NESTING - 1);
      expect(html, marker).toContain('x');
    }
  });

  it('does not touch fenced code', () => {
    const text = `\`\`\`\n${'> '.repeat(100)}\n\`\`\`\n${'> '.repeat(100)}after`;
    const capped = capNesting(text);
    expect(capped.split('\n')[1]).toBe('> '.repeat(100));
    expect(capped.split('\n')[3]).not.toBe(`${'> '.repeat(100)}after`);
  });
});

describe('markdownBlockHtml', () => {
  it('renders Markdown', () => {
    expect(markdownBlockHtml('**bold** and `code`')).toEqual({
      html: '<p><strong>bold</strong> and <code>code</code></p>\n',
      plain: false,
    });
  });

  it('shows a block whose emphasis nests too deeply for marked as escaped text, and says so', () => {
    const text = `<b>${'**'.repeat(4000)}deep${'**'.repeat(4000)}`;
    expect(() => marked.parse(text)).toThrow(RangeError);
    const block = markdownBlockHtml(text);
    expect(block.plain).toBe(true);
    expect(block.html.startsWith('<p class="plain-text">&lt;b&gt;****')).toBe(true);
    expect(block.html).not.toContain('<b>');
  });

  it('never throws on the blocks of pathological answers', () => {
    const answers = [
      '>'.repeat(40_000),
      '- '.repeat(30_000),
      '*a'.repeat(50_000),
      '['.repeat(20_000) + ']'.repeat(20_000),
      '**'.repeat(20_000) + 'x' + '**'.repeat(20_000),
      '<div>'.repeat(10_000),
      '`'.repeat(30_000),
      Array.from({ length: 300 }, (_, i) => `${' '.repeat(2 * i)}- level ${i}`).join('\n'),
    ];
    for (const answer of answers) {
      for (const block of splitBlocks(answer)) expect(() => markdownBlockHtml(block.text)).not.toThrow();
    }
  });
});
