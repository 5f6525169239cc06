/**
 * The response headers the app is served with: cross-origin isolation (COOP/COEP) and a
 * Content-Security-Policy suited to a WASM/WebGPU app. The dev and preview servers send them, and
 * the build writes them to `dist/_headers` (Netlify, Cloudflare Pages) so a static host does too.
 *
 * Node-only: used by vite.config.ts, never bundled.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

/**
 * Where the page may connect besides itself: the Hugging Face hub (its files redirect to its CDN
 * hosts) and local services on any port (Foundry Local, the bundled gateway, Ollama, LM Studio, a
 * local hub mirror). `CSP_CONNECT_EXTRA` adds more (a remote gateway or mirror), space-separated.
 */
export function connectSources(extra = process.env['CSP_CONNECT_EXTRA'] ?? ''): string[] {
  return [
    "'self'",
    'https://huggingface.co',
    'https://*.huggingface.co',
    'https://*.hf.co',
    'http://localhost:*',
    'http://127.0.0.1:*',
    ...extra.split(/\s+/).filter(Boolean),
  ];
}

/**
 * - script-src: our own modules; 'wasm-unsafe-eval' to compile ONNX Runtime's WebAssembly; blob:
 *   because transformers.js loads ORT's cached factory (.mjs) from a blob URL it creates itself.
 * - worker-src: the inference worker, and ORT's thread workers (blob URLs from that factory).
 * - style-src 'unsafe-inline': Vite's dev server injects <style> tags; styles cannot run code.
 * - img-src data: for the favicon; model output never renders images (the sanitizer drops them).
 */
export function contentSecurityPolicy(connect: readonly string[] = connectSources()): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval' blob:",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * COEP `credentialless` rather than `require-corp`: same isolation for our own files, and it lets
 * "Test connection" send a credential-less no-cors probe to tell a gateway without CORS headers
 * from one that is not running.
 */
export function securityHeaders(): Record<string, string> {
  return {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'credentialless',
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

/** Writes `dist/_headers` (the Netlify / Cloudflare Pages format) with the same headers. */
export function staticHostHeaders(): Plugin {
  let outDir = 'dist';
  return {
    name: 'static-host-headers',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const lines = Object.entries(securityHeaders()).map(([name, value]) => `  ${name}: ${value}`);
      fs.writeFileSync(path.join(outDir, '_headers'), `/*\n${lines.join('\n')}\n`);
    },
  };
}
