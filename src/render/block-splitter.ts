/**
 * Cuts a streamed Markdown answer into blocks that render on their own, so that a growing answer
 * is parsed once per block instead of once per frame (re-parsing the whole answer on every frame
 * is quadratic, and marked's emphasis rules are super-linear on top of that).
 *
 * A block ends where CommonMark lets nothing before it change: a blank line followed by a line
 * that is not indented and does not continue a list or a quote above it (a list item after a list
 * makes it one loose list; a `>` after a quote, one longer quote), outside fenced code and outside
 * HTML blocks that run past blank lines (`<pre>`, comments...). What follows a blank line can never reach back into a finished
 * paragraph, heading, table or list, so each block renders exactly as it would in the whole text.
 *
 * One exception: a block longer than the size limit is cut anyway, at the best place in its last
 * part (a blank line, a list item, a line break, a space, in that order). A cut inside fenced code
 * closes the fence and reopens it in the next block; a cut inside a table repeats the table's
 * header. That keeps the cost of every parse bounded whatever the model writes (an endless
 * paragraph of `*a*a*a`, a megabyte-long table), at the price of a visible seam in text that is
 * pathological anyway.
 *
 * Reference-style link definitions apply only within their own block.
 *
 * Blocks depend only on the text, never on how it arrived: the same answer streamed one
 * character at a time or given at once gives the same blocks.
 */

/** One block of Markdown. */
export interface MarkdownBlock {
  /** What to render: `source`, plus a reopened fence or a repeated table header after a cut. */
  readonly text: string;
  /** The part of the answer this block covers; all sources together are the answer. */
  readonly source: string;
}

export interface SplitterLimits {
  /**
   * Largest block of ordinary Markdown, in weight: a character counts 1, a character that opens
   * an element (`*`, `_`, `~`, `` ` ``, `[`, `<`, `|`) counts MARKUP_WEIGHT. What a block costs
   * to parse, sanitize and lay out follows the elements it makes (DOMPurify alone takes ~20 us an
   * element here), so prose gets long blocks and an emphasis flood, an element every two
   * characters, short ones.
   */
  readonly block: number;
  /** Longest block while inside fenced code, in characters: code makes no inline elements. */
  readonly code: number;
}

/** About 4 KB of prose, and at most ~500 elements (~10 ms to render) for the densest markup. */
export const DEFAULT_LIMITS: SplitterLimits = { block: 4096, code: 64 * 1024 };

export const MARKUP_WEIGHT = 8;
export const MARKUP_CHARS = '*_~`[<|';
const MARKUP = new Set(MARKUP_CHARS.split(''));

interface Fence {
  /** The opening line, reused to reopen the fence after a cut. */
  readonly opening: string;
  readonly indent: string;
  readonly marker: string;
}

/** What is open at the start of a line of the current block. */
interface LineState {
  readonly at: number;
  readonly fence: Fence | null;
  /** An HTML block that only ends at its end marker. */
  readonly html: boolean;
  /** Header and delimiter rows of the table this line belongs to. */
  readonly table: string | null;
  readonly afterBlank: boolean;
  /** The line starts a list item or a quote at column 0-3. */
  readonly container: boolean;
}

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const BLANK = /^[ \t]*$/;
const INDENTED = /^[ \t]/;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const QUOTE = /^ {0,3}>/;
const TABLE_DELIMITER = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
/** CommonMark HTML blocks 1-5: they end at their end marker, not at a blank line. */
const HTML_BLOCKS: readonly (readonly [RegExp, RegExp])[] = [
  [/^ {0,3}<(?:script|pre|style|textarea)(?=[\s>]|$)/i, /<\/(?:script|pre|style|textarea)>/i],
  [/^ {0,3}<!--/, /-->/],
  [/^ {0,3}<\?/, /\?>/],
  [/^ {0,3}<![A-Za-z]/, />/],
  [/^ {0,3}<!\[CDATA\[/, /\]\]>/],
];

function openFence(line: string): Fence | null {
  const match = FENCE_OPEN.exec(line);
  if (!match) return null;
  const [, indent = '', marker = '', info = ''] = match;
  // A backtick fence's info string cannot hold backticks (that is inline code instead).
  if (marker.startsWith('`') && info.includes('`')) return null;
  return { opening: line, indent, marker };
}

function closesFence(line: string, fence: Fence): boolean {
  const trimmed = line.replace(/^ {0,3}/, '');
  const char = fence.marker.charAt(0);
  let run = 0;
  while (trimmed.charAt(run) === char) run++;
  return run >= fence.marker.length && BLANK.test(trimmed.slice(run));
}

/** The end marker of an HTML block opened on `line`, or null when none stays open. */
function openHtml(line: string): RegExp | null {
  for (const [start, end] of HTML_BLOCKS) {
    const match = start.exec(line);
    if (match) return end.test(line.slice(match[0].length)) ? null : end;
  }
  return null;
}

/** Incremental splitter: feed text as it streams, take finished blocks as they complete. */
export class BlockSplitter {
  private buffer = '';
  /** Start of the current (unfinished) block in `buffer`. */
  private start = 0;
  /** Start of the first line not yet looked at. */
  private pos = 0;
  /** Length of a reopened fence or repeated header at the start of the current block. */
  private carried = 0;
  private lines: LineState[] = [];
  private fence: Fence | null = null;
  private html: RegExp | null = null;
  private table: string | null = null;
  private previous: string | null = null;
  private blank = false;
  /** Weight of the current block's text up to `weighed`. */
  private weight = 0;
  private weighed = 0;
  /** The next character would take the block past its weight limit. */
  private full = false;
  /** What the last unindented line belongs to: a list, a quote, or anything else. */
  private kind: 'list' | 'quote' | 'other' = 'other';

  constructor(private readonly limits: SplitterLimits = DEFAULT_LIMITS) {}

  /** The unfinished last block, as it should render now. */
  get tail(): string {
    return this.buffer.slice(this.start);
  }

  /** Adds streamed text; returns the blocks it finished, in order. */
  append(text: string): MarkdownBlock[] {
    this.buffer += text;
    return this.scan(false);
  }

  /** The answer is complete: returns the remaining blocks (the last one included). */
  finish(): MarkdownBlock[] {
    const blocks = this.scan(true);
    if (this.buffer.length > this.start) blocks.push(this.take(this.buffer.length, ''));
    this.reset();
    return blocks;
  }

  private reset(): void {
    this.buffer = '';
    this.start = this.pos = this.carried = this.weight = this.weighed = 0;
    this.full = false;
    this.lines = [];
    this.fence = null;
    this.html = null;
    this.table = this.previous = null;
    this.blank = false;
    this.kind = 'other';
  }

  private scan(final: boolean): MarkdownBlock[] {
    const blocks: MarkdownBlock[] = [];
    for (;;) {
      const newline = this.buffer.indexOf('\n', this.pos);
      const lineEnd = newline >= 0 ? newline : final && this.pos < this.buffer.length ? this.buffer.length : -1;
      const windowEnd = this.fence ? this.start + this.limits.code : this.weightEnd(lineEnd >= 0 ? lineEnd : this.buffer.length);
      if (lineEnd < 0 || lineEnd > windowEnd) {
        // Cut only once the text past the window is there: the choice then depends on the
        // window alone, not on how the text arrived.
        if (this.buffer.length > windowEnd) {
          blocks.push(this.cut(windowEnd));
          continue;
        }
        break;
      }
      const lineStart = this.pos;
      this.pos = newline >= 0 ? newline + 1 : lineEnd;
      if (this.look(this.buffer.slice(lineStart, lineEnd), lineStart) && lineStart > this.start) {
        blocks.push(this.take(lineStart, ''));
      }
    }
    this.compact();
    return blocks;
  }

  /** Where the current block reaches its weight limit, if it does before `reach`. */
  private weightEnd(reach: number): number {
    while (!this.full && this.weighed < reach) {
      const weight = MARKUP.has(this.buffer.charAt(this.weighed)) ? MARKUP_WEIGHT : 1;
      if (this.weight + weight > this.limits.block) this.full = true;
      else {
        this.weight += weight;
        this.weighed++;
      }
    }
    return this.full ? this.weighed : Number.MAX_SAFE_INTEGER;
  }

  /** Updates the open constructs with one line; true when a new block starts at it. */
  private look(line: string, at: number): boolean {
    const state: LineState = {
      at,
      fence: this.fence,
      html: this.html !== null,
      table: this.table,
      afterBlank: this.blank,
      container: !this.fence && (LIST_ITEM.test(line) || QUOTE.test(line)),
    };
    if (this.fence) {
      if (closesFence(line, this.fence)) this.fence = null;
      this.lines.push(state);
      return false;
    }
    if (this.html) {
      if (this.html.test(line)) this.html = null;
      this.lines.push(state);
      return false;
    }
    if (BLANK.test(line)) {
      this.blank = true;
      this.table = this.previous = null;
      this.lines.push(state);
      return false;
    }
    const kind = INDENTED.test(line)
      ? this.kind
      : LIST_ITEM.test(line)
        ? 'list'
        : QUOTE.test(line)
          ? 'quote'
          : this.blank
            ? 'other'
            : this.kind;
    // After a blank line only an indented line, or more of the list or quote above, continues.
    const starts = this.blank && !INDENTED.test(line) && (kind === 'other' || kind !== this.kind);
    this.kind = kind;
    this.lines.push(state);
    this.blank = false;
    this.fence = openFence(line);
    if (!this.fence) this.html = openHtml(line);
    if (!this.table && this.previous?.includes('|') && line.includes('|') && TABLE_DELIMITER.test(line)) {
      this.table = `${this.previous}\n${line}`;
    }
    this.previous = line;
    return starts;
  }

  /** Ends the current block at `end`, appending `suffix` (a closing fence) to what renders. */
  private take(end: number, suffix: string): MarkdownBlock {
    const text = this.buffer.slice(this.start, end);
    const block = { text: text + suffix, source: text.slice(this.carried) };
    this.start = this.weighed = end;
    this.weight = 0;
    this.full = false;
    this.carried = 0;
    this.lines = this.lines.filter((l) => l.at >= end);
    return block;
  }

  /** Cuts a block that has outgrown the window ending at `windowEnd`. */
  private cut(windowEnd: number): MarkdownBlock {
    const min = this.start + Math.floor((windowEnd - this.start) / 4);
    const inWindow = this.lines.filter((l) => l.at > this.start && l.at >= min && l.at <= windowEnd);
    const best =
      findLast(inWindow, (l) => l.afterBlank && !l.fence && !l.html) ??
      findLast(inWindow, (l) => l.container && !l.fence && !l.table && !l.html) ??
      findLast(inWindow, () => true);
    if (best) return this.cutAt(best.at, best.fence, best.table);
    // One line longer than the window: cut at its last space, else anywhere but inside a pair.
    const at = this.lineCut(Math.max(min, this.pos), windowEnd);
    return this.cutAt(at, this.fence, this.table);
  }

  private lineCut(from: number, to: number): number {
    const space = from < to ? this.buffer.slice(from, to).lastIndexOf(' ') : -1;
    if (space >= 0) return from + space + 1;
    const code = this.buffer.charCodeAt(to - 1);
    return code >= 0xd800 && code <= 0xdbff ? to - 1 : to;
  }

  private cutAt(at: number, fence: Fence | null, table: string | null): MarkdownBlock {
    const before = this.buffer.slice(this.start, at);
    const closing = fence ? `${before.endsWith('\n') ? '' : '\n'}${fence.indent}${fence.marker}\n` : '';
    const block = this.take(at, closing);
    const carry = fence ? `${fence.opening}\n` : table ? `${table}\n` : '';
    if (carry) {
      // The next block starts with the reopened fence or the repeated header.
      const shift = carry.length - at;
      this.buffer = carry + this.buffer.slice(at);
      this.start = this.weighed = this.weight = 0;
      this.full = false;
      this.pos += shift;
      this.carried = carry.length;
      this.lines = this.lines.map((l) => ({ ...l, at: l.at + shift }));
    }
    return block;
  }

  /** Drops finished text from the buffer once it is most of it. */
  private compact(): void {
    if (this.start < 4096 || this.start < this.buffer.length / 2) return;
    const shift = this.start;
    this.buffer = this.buffer.slice(shift);
    this.start = 0;
    this.pos -= shift;
    this.weighed -= shift;
    this.lines = this.lines.map((l) => ({ ...l, at: l.at - shift }));
  }
}

function findLast<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return items[i];
  return undefined;
}

/** Splits a whole text at once (what the streamed splitter yields for the same text). */
export function splitBlocks(text: string, limits: SplitterLimits = DEFAULT_LIMITS): MarkdownBlock[] {
  const splitter = new BlockSplitter(limits);
  return [...splitter.append(text), ...splitter.finish()];
}
