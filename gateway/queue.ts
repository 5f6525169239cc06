/**
 * Runs generations one at a time, first come first served, with a bounded waiting line.
 *
 * One at a time across the whole gateway, not just per model: transformers.js samples from one
 * process-wide PRNG (seeded per request), so two interleaved generations would make `seed`
 * meaningless; and on a CPU two generations only split the same cores while both get slower.
 */
import { ApiError } from './api-error';

interface Waiter {
  start: () => void;
}

/** A FIFO mutex; callers beyond `maxWaiting` get 429 at once instead of an unbounded wait. */
export class GenerationQueue {
  private running = false;
  private readonly waiting: Waiter[] = [];

  /** @param onWait called each time a request joins the line (GatewayHooks.onQueued). */
  constructor(
    private readonly maxWaiting: number,
    private readonly onWait: () => void = () => undefined,
  ) {}

  /** Requests waiting for their turn (not counting the running one). */
  get pending(): number {
    return this.waiting.length;
  }

  /**
   * Runs `task` when its turn comes. If `signal` aborts while waiting, the request leaves the
   * line and the promise rejects with the signal's reason; once started, `task` handles aborts.
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    // The turn passes straight from the finishing task to the next waiter, so a newcomer
    // arriving in between cannot jump the line.
    if (this.running) await this.wait(signal);
    else this.running = true;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next.start();
      else this.running = false;
    }
  }

  private wait(signal?: AbortSignal): Promise<void> {
    if (this.waiting.length >= this.maxWaiting) {
      throw new ApiError(
        429,
        `The gateway is busy: one answer is being generated and ${this.waiting.length} more are waiting. Retry shortly.`,
        { code: 'queue_full', headers: { 'Retry-After': '1' } },
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
      this.onWait();
    });
  }
}
