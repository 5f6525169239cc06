/** A variant's files and sizes, read off a catalog entry. */
import { describe, expect, it } from 'vitest';
import { largestFileBytes, variantBytes, variantFiles } from '../../src/catalog/variants';

const model = {
  files: [
    { path: 'config.json', bytes: 10 },
    { path: 'tokenizer.json', bytes: 90 },
  ],
  variants: [
    {
      dtype: 'q4' as const,
      files: [
        { path: 'onnx/model_q4.onnx', bytes: 300 },
        { path: 'onnx/model_q4.onnx_data', bytes: 900 },
      ],
    },
    { dtype: 'fp32' as const, files: [{ path: 'onnx/model.onnx', bytes: 2000 }] },
  ],
};

describe('variant files and sizes', () => {
  it('a variant is the shared files first, then its own', () => {
    expect(variantFiles(model, 'q4').map((f) => f.path)).toEqual([
      'config.json',
      'tokenizer.json',
      'onnx/model_q4.onnx',
      'onnx/model_q4.onnx_data',
    ]);
    expect(variantFiles(model, 'q8').map((f) => f.path)).toEqual(['config.json', 'tokenizer.json']);
  });

  it('downloads the shared files plus its own: 10 + 90 + 300 + 900', () => {
    expect(variantBytes(model, 'q4')).toBe(1300);
    expect(variantBytes(model, 'fp32')).toBe(2100);
  });

  it("its largest file is the variant's own biggest, and 0 for a dtype the model lacks", () => {
    expect(largestFileBytes(model, 'q4')).toBe(900);
    expect(largestFileBytes(model, 'fp16')).toBe(0);
  });
});
