/**
 * Renders an answer that grows while it streams, into a container it owns, at a cost that follows
 * what is new rather than the length of the answer:
 * - the text is cut into blocks (block-splitter.ts); a finished block is parsed, sanitized and
 *   inserted once, and never touched again;
 * - only the unfinished last block (bounded by the splitter's size limit) is re-rendered, at most
 *   once a frame, and less often when it is expensive (never more than a third of the time);
 * - the work runs in animation frames with a budget shared by every answer on the page, so a
 *   stored megabyte-long answer (or fifty answers at once) renders over several frames instead of
 *   freezing the page.
 * Nothing here throws on any input: a block marked cannot parse is shown as plain text, and
 * `onStatus` says so.
 */
import { BlockSplitter, type MarkdownBlock } from './block-splitter';
import { markdownBlockHtml, plainBlockHtml, type BlockHtml } from './markdown-block';
import { sanitizeToFragment } from './sanitize';

/** Rendering time per frame for all answers together; a frame is 16.7 ms at 60 Hz. */
const FRAME_BUDGET_MS = 6;
/** Text handed to the splitter per frame (a stored answer arrives whole). */
const FEED_CHARS = 16 * 1024;
/** The tail waits this many times its own last cost before it renders again. */
const TAIL_BACKOFF = 2;
/**
 * A tail whose Markdown took longer than this to render shows as plain text until its block is
 * finished (an emphasis flood makes thousands of elements per frame); the finished block then
 * renders as Markdown, once.
 */
const TAIL_MARKDOWN_MS = 6;
/**
 * Finished blocks go into chunks of about this much text, styled `content-visibility: auto` by the
 * host: off screen, the browser skips a chunk's style, layout and paint, so the cost of a frame
 * stays that of what is visible, not of the megabyte above it.
 */
const CHUNK_CHARS = 16 * 1024;

export interface RenderStatus {
  /** Some of the answer is shown as plain text because its Markdown could not be formatted. */
  plain: boolean;
  /** Everything given so far is on screen, and the answer is complete. */
  complete: boolean;
}

export interface StreamingMarkdownHooks {
  /** Adds the page's own controls (copy buttons) to freshly sanitized nodes. */
  decorate?(fragment: DocumentFragment): void;
  onStatus?(status: RenderStatus): void;
}

/** One animation-frame loop for every renderer on the page, sharing one budget. */
class FrameScheduler {
  private readonly waiting = new Set<StreamingMarkdown>();
  private frame = 0;

  request(renderer: StreamingMarkdown): void {
    this.waiting.add(renderer);
    if (!this.frame) this.frame = requestAnimationFrame(this.run);
  }

  cancel(renderer: StreamingMarkdown): void {
    this.waiting.delete(renderer);
  }

  private readonly run = (): void => {
    this.frame = 0;
    const deadline = performance.now() + FRAME_BUDGET_MS;
    const batch = [...this.waiting];
    this.waiting.clear();
    for (const renderer of batch) {
      if (renderer.work(deadline)) this.request(renderer);
    }
  };
}

const scheduler = new FrameScheduler();

function textFragment(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const p = document.createElement('p');
  p.className = 'plain-text';
  p.textContent = text;
  fragment.append(p);
  return fragment;
}

export class StreamingMarkdown {
  private splitter = new BlockSplitter();
  private target = '';
  private done = false;
  /** Characters of `target` given to the splitter. */
  private fed = 0;
  private finished = false;
  private queue: MarkdownBlock[] = [];
  private next = 0;
  private readonly tailElement: HTMLElement;
  private chunk: HTMLElement | null = null;
  private chunkChars = 0;
  /** The text the tail element shows now. */
  private tailShown = '';
  private tailNotBefore = 0;
  /** Characters of the answer in committed blocks: where the current tail starts. */
  private committedChars = 0;
  /** `committedChars` when the tail last failed to parse: that block stays plain text. */
  private plainTailAt = -1;
  /** `committedChars` when the tail was too slow as Markdown: it streams as text until finished. */
  private slowTailAt = -1;
  private plainBlocks = 0;
  private tailPlain = false;
  /** The tail shows its text unformatted because Markdown was too slow for it (see slowTailAt). */
  private tailAsText = false;
  private lastStatus: RenderStatus | null = null;

  constructor(
    readonly root: HTMLElement,
    private readonly hooks: StreamingMarkdownHooks = {},
  ) {
    this.tailElement = document.createElement('div');
    this.tailElement.className = 'md-tail';
    root.replaceChildren(this.tailElement);
  }

  /**
   * The answer's text so far; `done` once it is complete. Cheap: rendering happens in frames.
   * While an answer streams its text only grows, so only a shorter text is taken for a new one
   * (reading the text here would flatten the growing string on every token); a complete text
   * that does not extend what was shown is checked once.
   */
  set(text: string, done: boolean): void {
    if (
      text.length < this.target.length ||
      (done && !this.done && !text.startsWith(this.target)) ||
      (this.finished && text !== this.target)
    ) {
      this.reset();
    }
    this.target = text;
    this.done = done;
    this.report();
    scheduler.request(this);
  }

  dispose(): void {
    scheduler.cancel(this);
  }

  private reset(): void {
    this.splitter = new BlockSplitter();
    this.target = '';
    this.fed = 0;
    this.finished = false;
    this.queue = [];
    this.next = 0;
    this.tailShown = '';
    this.chunk = null;
    this.chunkChars = 0;
    this.committedChars = 0;
    this.plainTailAt = -1;
    this.slowTailAt = -1;
    this.plainBlocks = 0;
    this.tailPlain = false;
    this.root.replaceChildren(this.tailElement);
    this.tailElement.replaceChildren();
  }

  /** One frame's share of the work; true when more remains. Called by the scheduler. */
  work(deadline: number): boolean {
    this.feed();
    this.commit(deadline);
    const more = this.renderTail();
    this.report();
    return more || this.next < this.queue.length || this.fed < this.target.length || (this.done && !this.finished);
  }

  private feed(): void {
    if (this.fed < this.target.length) {
      const end = Math.min(this.target.length, this.fed + FEED_CHARS);
      for (const block of this.splitter.append(this.target.slice(this.fed, end))) this.queue.push(block);
      this.fed = end;
    }
    if (this.done && !this.finished && this.fed === this.target.length) {
      for (const block of this.splitter.finish()) this.queue.push(block);
      this.finished = true;
    }
  }

  /** Inserts finished blocks until the frame's budget is spent (at least one, to progress). */
  private commit(deadline: number): void {
    let first = true;
    while (this.next < this.queue.length && (first || performance.now() < deadline)) {
      const block = this.queue[this.next++]!;
      first = false;
      const chunk = this.chunkFor(block.text.length);
      if (this.tailShown !== '' && block.text === this.tailShown && !this.tailAsText) {
        // The block is exactly what the tail shows as Markdown (the answer just ended): keep those nodes.
        chunk.append(this.takeTail());
      } else {
        // The tail showed the start of this block: it renders again once the queue is empty.
        this.clearTail();
        const { fragment, plain } = this.render(block.text, this.plainTailAt === this.committedChars);
        if (plain) this.plainBlocks++;
        chunk.append(fragment);
      }
      this.committedChars += block.source.length;
    }
    if (this.next === this.queue.length) {
      this.queue = [];
      this.next = 0;
    }
  }

  /** The chunk the next finished block goes into; a new one when the current one is full. */
  private chunkFor(chars: number): HTMLElement {
    if (!this.chunk || this.chunkChars >= CHUNK_CHARS) {
      this.chunk?.classList.remove('md-last');
      this.chunk = document.createElement('div');
      this.chunk.className = 'md-chunk';
      this.root.insertBefore(this.chunk, this.tailElement);
      this.chunkChars = 0;
    }
    this.chunkChars += chars;
    return this.chunk;
  }

  /** Re-renders the unfinished block; true when it still needs to, later. */
  private renderTail(): boolean {
    if (this.queue.length > 0 || this.fed < this.target.length) return false;
    const tail = this.finished ? '' : this.splitter.tail;
    if (tail === this.tailShown) return false;
    if (tail === '') {
      this.clearTail();
      return false;
    }
    const now = performance.now();
    if (now < this.tailNotBefore) return true;
    if (this.slowTailAt === this.committedChars) {
      this.tailElement.replaceChildren(textFragment(tail));
      this.tailPlain = false;
      this.tailAsText = true;
    } else {
      const { fragment, plain } = this.render(tail, this.plainTailAt === this.committedChars);
      if (plain) this.plainTailAt = this.committedChars;
      this.tailPlain = plain;
      this.tailAsText = false;
      this.tailElement.replaceChildren(fragment);
    }
    this.tailShown = tail;
    const end = performance.now();
    if (end - now > TAIL_MARKDOWN_MS) this.slowTailAt = this.committedChars;
    this.tailNotBefore = end + TAIL_BACKOFF * (end - now);
    return false;
  }

  private takeTail(): DocumentFragment {
    const fragment = document.createDocumentFragment();
    fragment.append(...this.tailElement.childNodes);
    if (this.tailPlain) this.plainBlocks++;
    this.tailShown = '';
    this.tailPlain = false;
    return fragment;
  }

  private clearTail(): void {
    if (this.tailShown === '') return;
    this.tailElement.replaceChildren();
    this.tailShown = '';
    this.tailPlain = false;
  }

  private render(text: string, knownPlain: boolean): { fragment: DocumentFragment; plain: boolean } {
    const block: BlockHtml = knownPlain ? plainBlockHtml(text) : markdownBlockHtml(text);
    let fragment: DocumentFragment;
    let plain = block.plain;
    try {
      fragment = sanitizeToFragment(block.html);
    } catch {
      fragment = textFragment(text);
      plain = true;
    }
    this.hooks.decorate?.(fragment);
    return { fragment, plain };
  }

  private report(): void {
    const complete = this.done && this.finished && this.queue.length === 0 && this.tailShown === '';
    // The last chunk's last margin would only push the answer's footer down.
    this.chunk?.classList.toggle('md-last', complete);
    const status: RenderStatus = { plain: this.plainBlocks > 0 || this.tailPlain, complete };
    this.root.toggleAttribute('data-complete', complete);
    if (this.lastStatus?.plain === status.plain && this.lastStatus.complete === status.complete) return;
    this.lastStatus = status;
    this.hooks.onStatus?.(status);
  }
}
