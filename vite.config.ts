import { defineConfig } from 'vite';

/**
 * Cross-origin isolation (COOP + COEP) makes SharedArrayBuffer available: ONNX Runtime needs it for
 * multi-threaded WASM, and the worker's instant stop flag uses it. Static hosts must send the same
 * headers (see README).
 */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // ORT's wasm is ~27 MB by design; everything else should stay small.
    chunkSizeWarningLimit: 1200,
  },
  optimizeDeps: {
    // Pre-bundling would move ORT's files away from the wasm they load.
    exclude: ['onnxruntime-web', '@huggingface/transformers'],
  },
});
