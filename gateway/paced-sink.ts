/**
 * `--pace N`: hands text to the client at most N pieces per second, to show how the playground
 * behaves with a slow server (a 20B model on a laptop) while running a tiny bundled model. The
 * model still generates at full speed; only delivery is spread out, and the answer's end (usage,
 * `[DONE]`) waits until every piece has been delivered.
 */
import type { CompletionSink } from './completion';

export interface PacedSink extends CompletionSink {
  /** Resolves when everything queued so far has been handed to the inner sink. */
  drained(): Promise<void>;
}

export function pacedSink(inner: CompletionSink, perSecond: number, signal: AbortSignal): PacedSink {
  const gapMs = 1000 / perSecond;
  // Answer and reasoning pieces in one queue, so they reach the client in the order they came.
  const queue: { kind: 'text' | 'reasoning'; delta: string }[] = [];
  let running: Promise<void> | null = null;
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  const drain = async (): Promise<void> => {
    while (queue.length && !signal.aborted) {
      const piece = queue.shift()!;
      if (piece.kind === 'text') inner.text(piece.delta);
      else inner.reasoning(piece.delta);
      await sleep(gapMs);
    }
    running = null;
  };
  return {
    start: () => inner.start(),
    text(delta) {
      queue.push({ kind: 'text', delta });
      running ??= drain();
    },
    reasoning(delta) {
      queue.push({ kind: 'reasoning', delta });
      running ??= drain();
    },
    drained: () => running ?? Promise.resolve(),
  };
}
