/**
 * The ONNX Runtime wasm builds a benchmark worker can run on, and the factory it loads them with.
 *
 * transformers.js imports `onnxruntime-web/webgpu`, whose default binary is the asyncify build
 * (`ort-wasm-simd-threaded.asyncify.wasm`, 27 MB), and the app serves that one
 * (src/engine/worker/transformers-env.ts) for WebGPU and WASM alike. The same JavaScript front end
 * also runs the plain build (`ort-wasm-simd-threaded.wasm`, 14 MB: no async instrumentation, so no
 * WebGPU) and the JSPI build (`…jspi.wasm`, 17 MB: WebGPU through JS Promise Integration, which
 * not every browser has) when `env.backends.onnx.wasm.wasmPaths` points at them, so the three can
 * be measured side by side on the same model.
 *
 * The factory: each build's own `.mjs`, wrapped so that every `_OrtRun` (the wasm call that runs
 * the graph) reports its duration to KERNEL_HOOK. Emscripten's module object is what the factory
 * resolves to and what ORT calls `_OrtRun` on, so replacing the property there is seen by every
 * run (the asyncify build wraps it once more at init, around ours). It adds two clock reads a step.
 */
import asyncifyWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import asyncifyMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import plainWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import plainMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import jspiWasm from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.wasm?url';
import jspiMjs from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.mjs?url';
import { KERNEL_HOOK } from './step-profile';

/** 'asyncify' is the app's build. */
export type OrtBuild = 'asyncify' | 'plain' | 'jspi';

const BUILDS: Record<OrtBuild, { wasm: string; mjs: string }> = {
  asyncify: { wasm: asyncifyWasm, mjs: asyncifyMjs },
  plain: { wasm: plainWasm, mjs: plainMjs },
  jspi: { wasm: jspiWasm, mjs: jspiMjs },
};

/** A module that re-exports the build's factory with `_OrtRun` timed (see the header). */
function profiledFactory(mjsUrl: string): string {
  const hook = JSON.stringify(KERNEL_HOOK.description);
  const source = `import factory from ${JSON.stringify(mjsUrl)};
export default async (options) => {
  const module = await factory(options);
  const run = module._OrtRun;
  module._OrtRun = (...args) => {
    const start = performance.now();
    const done = (code) => { globalThis[Symbol.for(${hook})]?.(performance.now() - start); return code; };
    const result = run(...args);
    return result instanceof Promise ? result.then(done) : done(result);
  };
  return module;
};
`;
  return URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
}

/** `env.backends.onnx.wasm.wasmPaths` for a build, with the profiled factory. */
export function ortWasmPaths(build: OrtBuild, base: string): { wasm: string; mjs: string } {
  const urls = BUILDS[build];
  return { wasm: new URL(urls.wasm, base).href, mjs: profiledFactory(new URL(urls.mjs, base).href) };
}
