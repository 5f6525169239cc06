/**
 * Native memory bandwidth, for onnxruntime-node's ceiling: `Buffer.indexOf` of a byte the buffer
 * does not hold is libc's `memchr` over all of it, a vectorised read loop (AVX2 on x86-64) like
 * MLAS's kernels. One buffer per thread, all threads at once: onnxruntime-node runs its intra-op
 * pool on every core by default, so its ceiling is what all cores read together.
 *
 * Node-only; never bundled.
 */
import { Worker } from 'node:worker_threads';
import type { BandwidthSample } from './bandwidth-wasm';

// Runs in each thread: fill (fresh pages are one shared zero page until written), one untimed
// pass, then `passes` timed passes, all threads starting together on a shared flag.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { bytes, passes, start } = workerData;
const buf = Buffer.alloc(bytes, 2);
buf.indexOf(1);
const flag = new Int32Array(start);
Atomics.add(flag, 1, 1);
Atomics.wait(flag, 0, 0);
const times = [];
for (let p = 0; p < passes; p++) {
  const t = performance.now();
  if (buf.indexOf(1) !== -1) throw new Error('the buffer holds the byte searched for');
  times.push(performance.now() - t);
}
parentPort.postMessage(times);
`;

/**
 * Bandwidth of `threads` threads reading a `bytes` buffer each at once: per pass, the sum of the
 * threads' rates in that pass (they run their passes in step); the best pass counts.
 */
export async function measureNativeBandwidth(bytes: number, threads: number, passes = 5): Promise<BandwidthSample> {
  const start = new SharedArrayBuffer(8);
  const flag = new Int32Array(start);
  const workers = Array.from({ length: threads }, () => new Worker(THREAD, { eval: true, workerData: { bytes, passes, start } }));
  // Set from a worker's error event, while the loop below waits for the threads to be ready.
  const failed: { error?: Error } = {};
  const results = workers.map(
    (w) =>
      new Promise<number[]>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', (error: Error) => {
          failed.error = error;
          reject(error);
        });
      }),
  );
  try {
    while (Atomics.load(flag, 1) < threads) {
      if (failed.error) throw failed.error;
      await new Promise((r) => setTimeout(r, 10));
    }
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    const times = await Promise.all(results);
    let bytesPerSecond = 0;
    for (let p = 0; p < passes; p++)
      bytesPerSecond = Math.max(
        bytesPerSecond,
        times.reduce((sum, t) => sum + (bytes / t[p]!) * 1000, 0),
      );
    return { bytesPerSecond, bufferBytes: bytes, passes };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
