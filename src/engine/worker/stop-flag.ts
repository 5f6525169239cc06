/**
 * A stop request that reaches a busy worker immediately.
 *
 * While ONNX Runtime's WASM backend computes, the worker's event loop may not run between tokens,
 * so a "stop" postMessage could wait until the whole answer is done. A SharedArrayBuffer (the page
 * is cross-origin isolated) is read synchronously at every token instead: the page writes the id
 * of the request to stop; the worker's stopping criterion compares it with the running request.
 */
export class StopFlag {
  readonly view: Int32Array;

  constructor(buffer?: SharedArrayBuffer | ArrayBuffer) {
    this.view = new Int32Array(buffer ?? StopFlag.allocate());
  }

  static allocate(): SharedArrayBuffer | ArrayBuffer {
    // Without cross-origin isolation SharedArrayBuffer does not exist; a plain buffer still works
    // for the message-based fallback (the worker sets it itself when the stop message arrives).
    return typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(4) : new ArrayBuffer(4);
  }

  get shared(): boolean {
    return typeof SharedArrayBuffer === 'function' && this.view.buffer instanceof SharedArrayBuffer;
  }

  request(requestId: number): void {
    if (this.shared) Atomics.store(this.view, 0, requestId);
    else this.view[0] = requestId;
  }

  isRequested(requestId: number): boolean {
    const value = this.shared ? Atomics.load(this.view, 0) : this.view[0];
    return value === requestId;
  }
}
