/**
 * The external data chunk count the runner hands transformers.js, read off a variant's catalog
 * files. The names are transformers.js 4.3's (`getExternalDataChunkNames` in
 * src/utils/model-loader.js: `<file>.onnx_data`, then `<file>.onnx_data_1`, `_2`...), and the
 * repositories' (onnx-community/Phi-4-mini-instruct-ONNX-GQA ships `onnx/model_q4f16.onnx_data`
 * and `onnx/model_q4f16.onnx_data_1`).
 */
import { describe, expect, it } from 'vitest';
import { ExternalDataListError, externalDataFormat } from '../../src/engine/worker/external-data';

const root = [{ path: 'config.json' }, { path: 'tokenizer.json' }, { path: 'tokenizer_config.json' }];
const files = (...paths: string[]): { path: string }[] => [...root, ...paths.map((path) => ({ path }))];

describe('externalDataFormat', () => {
  it('is undefined for weights inside the .onnx file, so config.json still decides', () => {
    expect(externalDataFormat(files('onnx/model_q4.onnx'), 'q4')).toBeUndefined();
  });

  it("counts Phi-4-mini's two q4f16 chunks, keyed by the ONNX file's name", () => {
    const phi = files('onnx/model_q4f16.onnx', 'onnx/model_q4f16.onnx_data', 'onnx/model_q4f16.onnx_data_1');
    expect(externalDataFormat(phi, 'q4f16')).toEqual({ 'model_q4f16.onnx': 2 });
  });

  it('counts one chunk for an fp32 export with a single model.onnx_data', () => {
    expect(externalDataFormat(files('onnx/model.onnx', 'onnx/model.onnx_data'), 'fp32')).toEqual({ 'model.onnx': 1 });
  });

  it('counts eleven chunks in any order (_data_10 is the eleventh, not the second)', () => {
    const paths = ['onnx/model_q4f16.onnx_data', ...Array.from({ length: 10 }, (_, i) => `onnx/model_q4f16.onnx_data_${10 - i}`)];
    expect(externalDataFormat(files('onnx/model_q4f16.onnx', ...paths), 'q4f16')).toEqual({ 'model_q4f16.onnx': 11 });
  });

  it("ignores other variants' chunks: q4's file name is a prefix of q4f16's", () => {
    const both = files('onnx/model_q4.onnx', 'onnx/model_q4f16.onnx', 'onnx/model_q4f16.onnx_data', 'onnx/model_q4f16.onnx_data_1');
    expect(externalDataFormat(both, 'q4')).toBeUndefined();
    expect(externalDataFormat([...both, { path: 'onnx/model_q4.onnx_data' }], 'q4')).toEqual({ 'model_q4.onnx': 1 });
  });

  it('refuses a list with a gap, naming the missing chunk, instead of loading a model with a hole in its weights', () => {
    const gap = files('onnx/model_q4f16.onnx', 'onnx/model_q4f16.onnx_data', 'onnx/model_q4f16.onnx_data_2');
    const error = (() => {
      try {
        return externalDataFormat(gap, 'q4f16');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ExternalDataListError);
    expect((error as Error).message).toMatch(/files list onnx\/model_q4f16\.onnx_data_2 but not onnx\/model_q4f16\.onnx_data_1/);
  });
});
