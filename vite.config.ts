import { defineConfig } from 'vite';
import { DEFAULT_GATEWAY_TARGET, gatewayProxyInfo, gatewayProxyOptions } from './tools/vite/gateway-proxy.ts';

/**
 * Cross-origin isolation (COOP + COEP) makes SharedArrayBuffer available: ONNX Runtime needs it for
 * multi-threaded WASM, and the worker's instant stop flag uses it. Static hosts must send the same
 * headers (see README). COEP `credentialless` rather than `require-corp`: same isolation for our
 * own files, and it lets "Test connection" send a credential-less no-cors probe to tell a gateway
 * without CORS headers from one that is not running.
 */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'credentialless',
};

/** Where `/gateway` forwards (Foundry Local's usual address unless GATEWAY_URL says otherwise). */
const gatewayTarget = process.env['GATEWAY_URL'] ?? DEFAULT_GATEWAY_TARGET;

export default defineConfig({
  base: './',
  plugins: [gatewayProxyInfo(gatewayTarget)],
  server: { headers: isolation, proxy: gatewayProxyOptions(gatewayTarget) },
  preview: { headers: isolation, proxy: gatewayProxyOptions(gatewayTarget) },
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
