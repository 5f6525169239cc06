/**
 * How many WASM threads ONNX Runtime gets. One core is left to the page: while tokens stream, its
 * main thread wakes on every token, and on a 2-core machine a thread pool spread over both cores
 * stalls each time the page takes one (measured with `npm run bench:engine`: two threads decoded
 * slower than one there). Capped at 4: small models gain nothing beyond. Without cross-origin
 * isolation there is no SharedArrayBuffer, hence one thread.
 */
export function wasmThreadCount(isolated: boolean, cores: number): number {
  return isolated ? Math.max(1, Math.min(4, cores - 1)) : 1;
}
