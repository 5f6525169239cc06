/**
 * Coalesces a generation's events into batches for the page. A fast model makes hundreds of
 * tokens a second, and a message per token wakes the page (and clones an object) for each one,
 * though the page paints at most once a frame: measured as time taken from the decoding worker.
 *
 * The first token, every other kind of event, and any token `intervalMs` or more after the last
 * batch go out at once; other tokens wait for the next batch, so a token is never held longer
 * than the gap to the next one. There is no timer: a WASM generation never yields to the worker's
 * event loop, so a timer would not fire before the answer ended.
 */
export class EventBatcher<E extends { type: string }> {
  private pending: E[] = [];
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private tokens = 0;

  constructor(
    private readonly post: (batch: E[]) => void,
    private readonly now: () => number,
    private readonly intervalMs = 16,
  ) {}

  push(event: E): void {
    this.pending.push(event);
    const token = event.type === 'token';
    if (token) this.tokens++;
    if (!token || this.tokens === 1 || this.now() - this.lastFlushAt >= this.intervalMs) this.flush();
  }

  /** Sends whatever waits (before a fault, or at the end). */
  flush(): void {
    if (this.pending.length) {
      this.post(this.pending);
      this.pending = [];
    }
    this.lastFlushAt = this.now();
  }
}
