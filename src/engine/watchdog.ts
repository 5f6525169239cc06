/**
 * The one watchdog of the browser engine: it fires when an operation on the worker has shown no
 * sign of life for too long. A load counts progress reports (download bytes, a phase change) as
 * signs of life, an answer counts its events; each has a timeout of its own (see
 * BrowserEngineOptions). A hung worker or a dead download looks the same from the page: silence.
 */
export class Watchdog {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  /**
   * `timeoutMs` is read each time the countdown restarts, so a changed setting applies from the
   * next sign of life. `onStall` gets the timeout that ran out, once.
   */
  constructor(
    private readonly timeoutMs: () => number,
    private readonly onStall: (timeoutMs: number) => void,
  ) {}

  /** A sign of life: the countdown starts again (starts it the first time). No-op once stopped. */
  touch(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const timeout = this.timeoutMs();
    this.timer = setTimeout(() => {
      this.stopped = true;
      this.onStall(timeout);
    }, timeout);
  }

  /** For good: the operation ended, or something else now decides when to give up on it. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
