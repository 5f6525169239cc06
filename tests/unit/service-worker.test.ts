/**
 * What the service worker precaches: the shell, and of each bundled model the weights of the
 * variant each device tries first without a measurement, nothing else heavy.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogModel, Dtype } from '../../src/catalog/schema';
import { onnxFileForDtype } from '../../src/catalog/dtypes';
import { firstVariantFiles, shouldPrecache } from '../../tools/vite/service-worker';
import { readCatalog } from '../support/paths';

const weights = firstVariantFiles(readCatalog().models);

/** A bundled model with one ONNX file per dtype of the given size. */
function bundled(path: string, sizes: Partial<Record<Dtype, number>>): CatalogModel {
  const [model] = readCatalog().models.filter((m) => m.source.kind === 'bundled');
  return {
    ...model!,
    source: { kind: 'bundled', path },
    files: [],
    variants: Object.entries(sizes).map(([dtype, bytes]) => ({
      dtype: dtype as Dtype,
      files: [{ path: onnxFileForDtype(dtype as Dtype), bytes }],
    })),
  };
}

describe('shouldPrecache', () => {
  it("keeps the shell, the catalog and the bundled models' JSON files, and their q4 (WebGPU) and fp32 (WASM) weights", () => {
    for (const f of [
      'index.html',
      'assets/index-abc.js',
      'assets/index-abc.css',
      'manifest.webmanifest',
      'models/models.json',
      'models/pocket-chat-1m/tokenizer.json',
      'models/pocket-chat-3m/onnx/model_q4.onnx',
      'models/pocket-chat-1m/onnx/model_q4.onnx',
      'models/pocket-chat-3m/onnx/model.onnx',
      'models/pocket-chat-1m/onnx/model.onnx',
    ]) {
      expect(shouldPrecache(f, weights), f).toBe(true);
    }
  });

  it('leaves out other variants, external weights, wasm, itself and host configuration', () => {
    for (const f of [
      'models/pocket-chat-1m/onnx/model_quantized.onnx',
      'models/pocket-chat-3m/onnx/model_quantized.onnx',
      'models/x/onnx/model_q4.onnx',
      'models/x/onnx/model_q4.onnx_data',
      'models/x/onnx/model_q4f16.onnx',
      'assets/ort-wasm-simd-threaded.asyncify-x.wasm',
      'sw.js',
      '_headers',
      'models/a/b/onnx/model_q4.onnx',
    ]) {
      expect(shouldPrecache(f, weights), f).toBe(false);
    }
  });
});

describe('firstVariantFiles', () => {
  it('takes q8 for WASM once fp32 is too big to go first there, and q4 for WebGPU', () => {
    const files = firstVariantFiles([bundled('models/big', { fp32: 400e6, q8: 100e6, q4: 70e6 })]);
    expect([...files].sort()).toEqual(['models/big/onnx/model_q4.onnx', 'models/big/onnx/model_quantized.onnx']);
  });

  it('takes one file for both devices when they start with the same variant, and nothing of hub models', () => {
    const hub = { ...bundled('models/hub', { q8: 1e6 }), source: { kind: 'hub' as const, repo: 'a/b', revision: 'main' } };
    expect([...firstVariantFiles([bundled('models/one', { q8: 1e6 }), hub])]).toEqual(['models/one/onnx/model_quantized.onnx']);
  });
});
