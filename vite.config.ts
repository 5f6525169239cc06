import { defineConfig } from 'vite';
import { DEFAULT_GATEWAY_TARGET, gatewayProxyInfo, gatewayProxyOptions } from './tools/vite/gateway-proxy.ts';
import { identityEncoding } from './tools/vite/identity-encoding.ts';
import { securityHeaders, staticHostHeaders } from './tools/vite/security-headers.ts';
import { serviceWorker } from './tools/vite/service-worker.ts';

/**
 * COOP + COEP make the page cross-origin isolated (SharedArrayBuffer: ONNX Runtime's threads and
 * the worker's instant stop flag); the CSP keeps model output and everything else from running
 * code or calling out. See tools/vite/security-headers.ts; static hosts get dist/_headers.
 */
const headers = securityHeaders();

/** Where `/gateway` forwards (Foundry Local's usual address unless GATEWAY_URL says otherwise). */
const gatewayTarget = process.env['GATEWAY_URL'] ?? DEFAULT_GATEWAY_TARGET;

export default defineConfig({
  base: './',
  plugins: [gatewayProxyInfo(gatewayTarget), identityEncoding(), staticHostHeaders(), serviceWorker()],
  server: { headers, proxy: gatewayProxyOptions(gatewayTarget) },
  preview: { headers, proxy: gatewayProxyOptions(gatewayTarget) },
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
