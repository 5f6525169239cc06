/** The cache manager's grouping of stored files by model, and its "complete variant" check. */
import { describe, expect, it } from 'vitest';
import { groupCachedFiles, variantFootprint, type CachedFileInfo } from '../../src/cache/cache-groups';
import { parseModel } from '../../src/catalog/schema';

const BASE = 'http://127.0.0.1:4173/';
const HUB = 'https://huggingface.co/';

const bundled = parseModel({
  id: 'tiny',
  name: 'Tiny',
  source: { kind: 'bundled', path: 'models/tiny' },
  architecture: 'llama',
  parameters: 1,
  contextLength: 64,
  license: 'MIT',
  tasks: ['chat'],
  files: [{ path: 'config.json', bytes: 10, sha256: 'a'.repeat(64) }],
  variants: [
    { dtype: 'q4', files: [{ path: 'onnx/model_q4.onnx', bytes: 100, sha256: 'b'.repeat(64) }] },
    { dtype: 'fp32', files: [{ path: 'onnx/model.onnx', bytes: 400, sha256: 'c'.repeat(64) }] },
  ],
});
const hub = parseModel({
  id: 'hub-x',
  name: 'X',
  source: { kind: 'hub', repo: 'org/x', revision: 'abc' },
  architecture: 'qwen2',
  parameters: 1,
  contextLength: 64,
  license: 'apache-2.0',
  tasks: ['chat'],
  files: [{ path: 'config.json', bytes: 5 }],
  variants: [
    {
      dtype: 'q4f16',
      files: [
        { path: 'onnx/model_q4f16.onnx', bytes: 50 },
        { path: 'onnx/model_q4f16.onnx_data', bytes: 500 },
      ],
    },
  ],
});

const file = (url: string, bytes: number, lastUsedAt: number): CachedFileInfo => ({ url, bytes, lastUsedAt });

describe('groupCachedFiles', () => {
  it('groups by model, sums bytes, keeps the latest use, and lists only complete variants', () => {
    const groups = groupCachedFiles(
      [
        file(`${BASE}models/tiny/config.json`, 10, 5),
        file(`${BASE}models/tiny/onnx/model_q4.onnx`, 100, 7),
        file(`${HUB}org/x/resolve/abc/config.json`, 5, 9),
        file(`${HUB}org/x/resolve/abc/onnx/model_q4f16.onnx`, 50, 9),
        // the external data file is missing: the q4f16 variant is not complete
        file(`${BASE}assets/ort-wasm-simd-threaded.jsep.wasm`, 1000, 3),
      ],
      [bundled, hub],
      BASE,
      HUB,
    );
    expect(groups.map((g) => [g.key, g.bytes, g.lastUsedAt, g.completeDtypes])).toEqual([
      ['hub-x', 55, 9, []],
      ['tiny', 110, 7, ['q4']],
      [`${BASE}assets/`, 1000, 3, []],
    ]);
    expect(groups[2]?.label).toBe('ONNX Runtime (WASM)');
  });

  it('counts a hub model under the hub address it was downloaded from only', () => {
    const mirror = 'http://127.0.0.1:9000/';
    const groups = groupCachedFiles([file(`${HUB}org/x/resolve/abc/config.json`, 5, 1)], [hub], BASE, mirror);
    expect(groups.map((g) => g.model)).toEqual([null]);
  });
});

describe('variantFootprint', () => {
  const stored = [
    file(`${BASE}models/tiny/config.json`, 10, 5),
    file(`${BASE}models/tiny/onnx/model_q4.onnx`, 100, 7),
    file(`${BASE}models/tiny/onnx/model.onnx`, 400, 7),
    file(`${HUB}org/x/resolve/abc/config.json`, 5, 9),
    file(`${HUB}org/x/resolve/abc/onnx/model_q4f16.onnx`, 50, 9),
  ];

  it('counts the shared files and the variant that ran, not the other variants', () => {
    // config.json 10 + model_q4.onnx 100 = 110 (model.onnx, the fp32 variant, does not count).
    expect(variantFootprint(stored, bundled, 'q4', BASE, HUB)).toEqual({ bytes: 110, storedFiles: 2, files: 2 });
    // 10 + 400
    expect(variantFootprint(stored, bundled, 'fp32', BASE, HUB)).toEqual({ bytes: 410, storedFiles: 2, files: 2 });
  });

  it('says when only part of the variant is stored', () => {
    // config.json 5 + model_q4f16.onnx 50; its external data file is not stored: 2 of 3 files.
    expect(variantFootprint(stored, hub, 'q4f16', BASE, HUB)).toEqual({ bytes: 55, storedFiles: 2, files: 3 });
    expect(variantFootprint([], hub, 'q4f16', BASE, HUB)).toEqual({ bytes: 0, storedFiles: 0, files: 3 });
  });
});
