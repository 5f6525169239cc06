/** What the service worker precaches: the shell and the bundled q4 weights, nothing else heavy. */
import { describe, expect, it } from 'vitest';
import { shouldPrecache } from '../../tools/vite/service-worker';

describe('shouldPrecache', () => {
  it("keeps the shell, the catalog and the bundled models' JSON files and q4 weights", () => {
    for (const f of [
      'index.html',
      'assets/index-abc.js',
      'assets/index-abc.css',
      'manifest.webmanifest',
      'models/models.json',
      'models/pocket-chat-1m/tokenizer.json',
      'models/pocket-chat-3m/onnx/model_q4.onnx',
    ]) {
      expect(shouldPrecache(f), f).toBe(true);
    }
  });

  it('leaves out other variants, external weights, wasm, itself and host configuration', () => {
    for (const f of [
      'models/pocket-chat-1m/onnx/model.onnx',
      'models/pocket-chat-1m/onnx/model_quantized.onnx',
      'models/x/onnx/model_q4.onnx_data',
      'models/x/onnx/model_q4f16.onnx',
      'assets/ort-wasm-simd-threaded.asyncify-x.wasm',
      'sw.js',
      '_headers',
      'models/a/b/onnx/model_q4.onnx',
    ]) {
      expect(shouldPrecache(f), f).toBe(false);
    }
  });
});
