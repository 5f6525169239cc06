/**
 * Server-sent events in OpenAI's dialect: `data: <json>` events, ended by `data: [DONE]`.
 */
import type { ServerResponse } from 'node:http';

/** Writes one SSE stream; the 200 status goes out with the first event, not before. */
export class SseWriter {
  constructor(private readonly res: ServerResponse) {}

  /** True once the client has gone or the stream has ended. */
  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  get started(): boolean {
    return this.res.headersSent;
  }

  private open(): void {
    if (this.res.headersSent) return;
    // Every token is its own small write; Nagle's algorithm would hold them back and distort the
    // time-to-first-token a client measures.
    this.res.socket?.setNoDelay(true);
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      // Reverse proxies (nginx) buffer responses unless told not to.
      'X-Accel-Buffering': 'no',
    });
  }

  /** Sends one `data:` event holding `payload` as JSON. */
  send(payload: unknown): void {
    if (this.closed) return;
    this.open();
    this.res.write(`data: ${JSON.stringify(payload)}\n\n`);
  }

  /** Sends `data: [DONE]` and ends the response. */
  done(): void {
    if (this.closed) return;
    this.open();
    this.res.end('data: [DONE]\n\n');
  }

  /** Ends the response without `[DONE]` (after an error event). */
  end(): void {
    if (!this.closed) this.res.end();
  }
}
