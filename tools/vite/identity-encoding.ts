/**
 * Model files leave the preview server byte for byte. `vite preview` (what `npm start` serves)
 * gzips every response whose Content-Type looks like text, and it takes a file without a known
 * type for text: `.onnx` files went out gzipped, partial (206) answers too. Two things then broke:
 *
 * - A 206 whose Content-Range counts the file's bytes but whose body is the gzip of them (fewer
 *   bytes): Chromium's HTTP cache, which stitches cached ranges and network ranges into one
 *   response, assembled a 13 MB model.onnx of the right length and the wrong bytes ("protobuf
 *   parsing failed"), or failed the body mid-way ("network error").
 * - No Content-Length on the full download: transformers.js then asks for the size with a second
 *   request for the same file while the first is still streaming.
 *
 * The app survived it (its IntegrityGuard resumes a dropped download and checks the SHA-256); a
 * plain fetch, as the engine benchmark's bare loop makes, did not. Weights do not compress anyway
 * (13.7 -> 12.4 MB for fp32) and gzipping them cost this server CPU on every load.
 *
 * Node-only: used by vite.config.ts, never bundled.
 */
import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'vite';

/** Model weights and data: binary, read by range and by Content-Length. */
const MODEL_FILE = /\.(onnx|onnx_data|bin|safetensors|gguf)$/i;

/**
 * Whether a request must be answered without Content-Encoding: a range request (a compressed
 * partial answer cannot be combined with the others) or a model file.
 */
export function needsIdentityEncoding(url: string, headers: IncomingMessage['headers']): boolean {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  return headers.range !== undefined || MODEL_FILE.test(path);
}

/** Runs before the preview server's compression: such requests no longer offer to accept gzip. */
export function identityEncoding(): Plugin {
  return {
    name: 'identity-encoding',
    configurePreviewServer(server) {
      server.middlewares.use((req, _res, next) => {
        if (needsIdentityEncoding(req.url ?? '', req.headers)) delete req.headers['accept-encoding'];
        next();
      });
    },
  };
}
