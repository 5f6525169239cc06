/**
 * The inference worker's entry point: it owns transformers.js and ONNX Runtime, and configures
 * them for the browser before exposing the worker API to the page.
 *
 * - ORT's wasm is served by this app (never a CDN): its URLs come from Vite's asset pipeline.
 * - Every model file and the wasm go through the IndexedDB weight cache, after integrity checks.
 */
import { env, LogLevel } from '@huggingface/transformers';
import { expose } from 'comlink';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { IntegrityGuard } from '../../cache/integrity';
import { describeCacheProblems } from '../../cache/cache-problems';
import { observeResources } from '../../privacy/request-log';
import { WeightCache, type CacheNotice } from '../../cache/weight-cache';
import { wasmThreadCount } from '../threads';
import { installErrorTransfer } from '../rpc';
import { createWorkerApi, type WorkerFault } from './api';

installErrorTransfer();

const guard = new IntegrityGuard(self.location.href);
// Notices of the load in progress, handed to the page with the loaded model.
let cacheNotices: CacheNotice[] = [];
const cache = new WeightCache(guard, (notice) => {
  cacheNotices.push(notice);
  console.warn(`[weight cache] ${notice.kind}: ${notice.url}: ${notice.reason}`);
});
const threads = wasmThreadCount(self.crossOriginIsolated, navigator.hardwareConcurrency || 1);

env.logLevel = LogLevel.ERROR;
env.useBrowserCache = false;
env.useCustomCache = true;
env.customCache = cache;
env.useWasmCache = true;
env.fetch = guard.wrap(fetch.bind(self));
const onnx = env.backends.onnx;
if (onnx.wasm) {
  onnx.wasm.wasmPaths = {
    wasm: new URL(ortWasmUrl, self.location.href).href,
    mjs: new URL(ortMjsUrl, self.location.href).href,
  };
  onnx.wasm.numThreads = threads;
}

let adapterName = 'WebGPU';
async function describeAdapter(): Promise<void> {
  // Typed as always present; missing in browsers without WebGPU.
  const gpu = (navigator as Partial<Pick<WorkerNavigator, 'gpu'>>).gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  if (adapter) adapterName = `WebGPU · ${[adapter.info.vendor, adapter.info.architecture].filter(Boolean).join(' · ') || 'adapter'}`;
}
void describeAdapter();

// The WebGPU device ONNX Runtime runs on, once a WebGPU model is loaded; and why it was lost.
let gpuDevice: GPUDevice | null = null;
let deviceLost: Promise<string> | null = null;
let deviceLostReason: string | null = null;
// Fault injection: lose the device of the next WebGPU load, between session creation and warm-up.
let loseDeviceOnNextLoad = false;
async function watchDevice(device: 'webgpu' | 'wasm'): Promise<void> {
  if (device !== 'webgpu' || !onnx.webgpu) return;
  const current = await onnx.webgpu.device;
  // ONNX Runtime destroys its device when the last session is released and makes a new one for
  // the next model: only the loss of the device in use counts.
  if (current !== gpuDevice) {
    gpuDevice = current;
    deviceLostReason = null;
    deviceLost = current.lost.then((info) => {
      const reason = info.message || `GPUDevice lost (${info.reason})`;
      if (gpuDevice === current) {
        deviceLostReason = reason;
        console.warn(`[inference worker] ${reason}`);
      }
      return reason;
    });
  }
  if (loseDeviceOnNextLoad) {
    loseDeviceOnNextLoad = false;
    current.destroy();
  }
}

async function lostReason(graceMs = 0): Promise<string | null> {
  if (deviceLostReason !== null || !deviceLost || graceMs <= 0) return deviceLostReason;
  return Promise.race([deviceLost, new Promise<null>((resolve) => setTimeout(() => resolve(null), graceMs))]);
}

/** The fault, now. A hang never returns; after `exit` nothing more of this worker runs. */
function triggerFault(kind: WorkerFault): void {
  if (kind === 'device-lost-next-load') loseDeviceOnNextLoad = true;
  else if (kind === 'device-lost') gpuDevice?.destroy();
  else if (kind === 'exit') stopForGood();
  else for (;;);
}

/**
 * As if the browser had killed the worker: closed, and this thread blocked for good without
 * burning CPU. close() alone would let a generation in progress run on to its end, because
 * nothing in it waits for a task the closed event loop would refuse.
 */
function stopForGood(): never {
  self.close();
  if (typeof SharedArrayBuffer === 'function') for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  for (;;);
}

function injectFault(kind: WorkerFault): Promise<void> {
  if (kind === 'device-lost' && !gpuDevice) return Promise.reject(new Error('No model runs on WebGPU in this worker: there is no device to lose.'));
  if (kind === 'hang' || kind === 'exit') {
    // After the reply has gone out, so the caller is not left waiting on a dead worker.
    setTimeout(() => triggerFault(kind), 0);
  } else {
    triggerFault(kind);
  }
  return Promise.resolve();
}

expose(
  createWorkerApi({
    now: () => performance.timeOrigin + performance.now(),
    executionDevice: (device) => device,
    describe: (device) => (device === 'webgpu' ? adapterName : `WASM · ${threads} thread${threads === 1 ? '' : 's'}`),
    servedFromCache: (url) => cache.hits.has(guard.resolve(url)),
    expectFiles: (files) => {
      cache.resetHits();
      // A rounded size (copied from a hub page) is for progress bars, not a check.
      for (const f of files) guard.expect(f.url, { ...(f.approximate ? {} : { bytes: f.bytes }), ...(f.sha256 ? { sha256: f.sha256 } : {}) });
    },
    aliasUrls: (from, to) => guard.alias(from, to),
    watchRequests: (onRequest) => {
      performance.setResourceTimingBufferSize(10_000);
      observeResources((url, at) => onRequest(url, at));
    },
    watchDevice,
    deviceLostReason: lostReason,
    injectFault,
    triggerFault,
    takeCacheProblems: () => {
      const problems = describeCacheProblems(cacheNotices);
      cacheNotices = [];
      return problems;
    },
  }),
);
