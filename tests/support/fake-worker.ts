/**
 * A stand-in for the inference Web Worker in Node, where a module Web Worker cannot run: a real
 * MessageChannel whose far end serves the real worker API (createWorkerApi, comlink) in this
 * thread. `terminate()` cuts the channel, as killing a worker does; `crash()` raises the `error`
 * event a browser raises when a worker dies of an uncaught error.
 */
import { expose } from 'comlink';
import type { WorkerApi } from '../../src/engine/worker/api';
import type { WorkerEndpoint } from '../../src/engine/worker-connection';

/** A worker endpoint for BrowserEngine's `createWorker`, serving `api`. */
export class FakeWorker implements WorkerEndpoint {
  terminated = false;
  private readonly page: MessagePort;
  private readonly far: MessagePort;
  private readonly errors = new EventTarget();

  constructor(api: WorkerApi) {
    const { port1, port2 } = new MessageChannel();
    expose(api, port1);
    this.far = port1;
    this.page = port2;
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (!this.terminated) this.page.postMessage(message, transfer);
  }

  addEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    if (type === 'error') this.errors.addEventListener(type, listener);
    else this.page.addEventListener(type, listener);
  }

  removeEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    if (type === 'error') this.errors.removeEventListener(type, listener);
    else this.page.removeEventListener(type, listener);
  }

  start(): void {
    this.page.start();
  }

  terminate(): void {
    this.terminated = true;
    this.page.close();
    this.far.close();
  }

  /** The worker dies of an uncaught error with this message. */
  crash(message: string): void {
    this.errors.dispatchEvent(Object.assign(new Event('error'), { message }));
  }
}
