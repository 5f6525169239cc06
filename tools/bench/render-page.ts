/**
 * The page side of `npm run bench:render`: streams a text into the real <chat-message> element,
 * a fixed number of characters per animation frame, following it to the bottom as the chat view
 * does, and marks (User Timing) each time the answer's length crosses a power of two, so the
 * driver can attribute the main thread's work in a trace to answer lengths.
 *
 * `naive` streams into a plain element the way the playground rendered before (the whole answer
 * parsed, sanitized and assigned on every frame), for comparison.
 */
import DOMPurify from 'dompurify';
import { marked } from 'marked';
import type { Turn } from '../../src/chat/conversation';
import '../../src/ui/chat/chat-message';

export interface RenderRun {
  text: string;
  charsPerFrame: number;
  naive: boolean;
  /** Stop once a single frame took longer than this (the naive path grows without bound). */
  giveUpFrameMs: number;
}

export interface RenderResult {
  frames: number;
  /** Characters streamed before the end (all of them unless the run gave up). */
  streamed: number;
  /** Why the run stopped early: a frame over `giveUpFrameMs`, or the renderer threw. */
  gaveUp: string | null;
}

const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve));

function markLength(previous: number, now: number): void {
  for (let bound = 1024; bound <= now; bound *= 2) if (bound > previous) performance.mark(`len:${bound}`);
}

async function run(request: RenderRun): Promise<RenderResult> {
  const scroller = document.getElementById('scroller')!;
  const turns = document.getElementById('turns')!;
  turns.replaceChildren();
  const follow = new ResizeObserver(() => (scroller.scrollTop = scroller.scrollHeight));
  follow.observe(turns);
  let update: (content: string, done: boolean) => void;
  let rendered: () => boolean;
  if (request.naive) {
    const box = document.createElement('div');
    turns.append(box);
    update = (content) => (box.innerHTML = DOMPurify.sanitize(marked.parse(content, { async: false })));
    rendered = () => true;
  } else {
    const message = document.createElement('chat-message');
    const turn: Turn = { id: 'bench', role: 'assistant', content: '', createdAt: Date.now() };
    message.turn = turn;
    message.streaming = true;
    turns.append(message);
    update = (content, done) => {
      message.turn = { ...turn, content };
      message.streaming = !done;
    };
    rendered = () => message.shadowRoot?.querySelector('.md-body')?.hasAttribute('data-complete') ?? false;
  }
  performance.mark('start');
  let length = 0;
  let frames = 0;
  let last = await nextFrame();
  let gaveUp: string | null = null;
  while (length < request.text.length) {
    const next = Math.min(request.text.length, length + request.charsPerFrame);
    markLength(length, next);
    length = next;
    try {
      update(request.text.slice(0, length), length === request.text.length);
    } catch (error) {
      gaveUp = `it threw ${String(error).slice(0, 80)}`;
      break;
    }
    const now = await nextFrame();
    frames++;
    if (now - last > request.giveUpFrameMs) {
      gaveUp = `a frame took ${Math.round(now - last)} ms`;
      break;
    }
    last = now;
  }
  while (!gaveUp && !rendered()) await nextFrame();
  performance.mark('end');
  follow.disconnect();
  return { frames, streamed: length, gaveUp };
}

(window as unknown as { renderBench: { run: typeof run } }).renderBench = { run };
