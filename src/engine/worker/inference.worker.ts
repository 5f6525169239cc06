/**
 * The inference worker's entry point: it owns transformers.js and ONNX Runtime. It configures
 * them once for the browser (transformers-env.ts), then exposes the worker API (api.ts) around the
 * app's ModelRunner, with the browser's runner hooks (browser-hooks.ts), the privacy meter's
 * request log, and fault injection (fault-injection.ts) for recovery tests. Download failures that
 * transformers.js leaves unhandled are not reported twice (reported-rejections.ts).
 */
import { env } from '@huggingface/transformers';
import { expose } from 'comlink';
import { IntegrityGuard } from '../../cache/integrity';
import { observeResources } from '../../privacy/request-log';
import { wasmThreadCount } from '../threads';
import { installErrorTransfer } from '../rpc';
import { createWorkerApi } from './api';
import { browserRunnerHooks } from './browser-hooks';
import { DeviceWatch } from './device-watch';
import { faultHooks } from './fault-injection';
import { installGpuBufferMeter } from './gpu-buffer-meter';
import { ModelRunner } from './model-runner';
import { configureTransformers } from './transformers-env';
import { dropReportedDownloadRejections } from './reported-rejections';

installErrorTransfer();
dropReportedDownloadRejections(self);
// Before ONNX Runtime makes its WebGPU device, so every buffer of it is counted.
const gpuBuffers = installGpuBufferMeter(self);

const guard = new IntegrityGuard(self.location.href);
const threads = wasmThreadCount(self.crossOriginIsolated, navigator.hardwareConcurrency || 1);
const cache = configureTransformers(guard, threads);
const devices = new DeviceWatch(() => env.backends.onnx.webgpu);
const hooks = browserRunnerHooks({ guard, cache, devices, threads });

expose(
  createWorkerApi((flag, tokenBatchMs) => new ModelRunner(hooks, flag, tokenBatchMs), {
    watchRequests: (onRequest) => {
      performance.setResourceTimingBufferSize(10_000);
      observeResources((url, at) => onRequest(url, at));
    },
    ...faultHooks(devices),
    gpuBuffers,
  }),
);
