/**
 * A catalog entry checked against the hub's listing (src/hub/reconcile.ts) and the tree API's
 * entries read (src/hub/hub-listing.ts). The listings are written here in the tree API's shape,
 * with the layouts and sizes of real repositories as sources outside this project quote them
 * (Phi-4-mini-instruct-ONNX-GQA's two q4f16 chunks, SmolLM2's 908-byte config.json).
 */
import { describe, expect, it } from 'vitest';
import { parseModel, type CatalogModel } from '../../src/catalog/schema';
import { chunkIndex } from '../../src/catalog/dtypes';
import { externalDataChunks, treeEntry, type HubListing, type HubTreeEntry } from '../../src/hub/hub-listing';
import { reconcileWithHub } from '../../src/hub/reconcile';

const SHA = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const HEX = (c: string): string => c.repeat(64);

function entry(path: string, size: number, sha256?: string): HubTreeEntry {
  return { type: 'file', path, size, lfs: sha256 ? { oid: sha256, size } : undefined };
}

function hubModel(files: { path: string; bytes: number; approximate?: true }[], variants: CatalogModel['variants']): CatalogModel {
  return parseModel({
    id: 'phi-4-mini-instruct',
    name: 'Phi-4 mini instruct',
    source: { kind: 'hub', repo: 'onnx-community/Phi-4-mini-instruct-ONNX-GQA', revision: 'main' },
    architecture: 'phi3',
    parameters: 3_840_000_000,
    contextLength: 131072,
    license: 'mit',
    tasks: ['chat'],
    files,
    variants,
  });
}

const ROOT = [
  { path: 'config.json', bytes: 2520, approximate: true as const },
  { path: 'tokenizer.json', bytes: 15_500_000, approximate: true as const },
  { path: 'tokenizer_config.json', bytes: 2960, approximate: true as const },
];
const HUB_ROOT = [entry('config.json', 2504), entry('tokenizer.json', 15_524_095), entry('tokenizer_config.json', 2983)];
const listing = (files: HubTreeEntry[]): HubListing => ({
  repo: 'onnx-community/Phi-4-mini-instruct-ONNX-GQA',
  revision: 'main',
  sha: SHA,
  files,
});

describe('reconcileWithHub', () => {
  it('downloads every external data chunk the hub has, with its exact size and SHA-256, and says the catalog listed fewer', () => {
    const model = hubModel(ROOT, [
      {
        dtype: 'q4f16',
        files: [
          { path: 'onnx/model_q4f16.onnx', bytes: 1_320_000, approximate: true },
          { path: 'onnx/model_q4f16.onnx_data', bytes: 2_090_000_000, approximate: true },
        ],
      },
    ]);
    const hub = listing([
      ...HUB_ROOT,
      entry('onnx/model_q4f16.onnx', 1_254_871, HEX('a')),
      entry('onnx/model_q4f16.onnx_data', 1_895_825_408, HEX('b')),
      entry('onnx/model_q4f16.onnx_data_1', 492_044_288, HEX('c')),
      // Another variant's chunks, and a file whose name only starts like a chunk's, are not this one's.
      entry('onnx/model_q4.onnx_data', 3_000_000_000, HEX('d')),
      entry('onnx/model_q4f16.onnx_data_backup', 10, HEX('e')),
    ]);
    const { model: checked, disagreements } = reconcileWithHub(model, hub);
    expect(checked.source).toEqual({ kind: 'hub', repo: 'onnx-community/Phi-4-mini-instruct-ONNX-GQA', revision: SHA });
    expect(checked.variants).toEqual([
      {
        dtype: 'q4f16',
        files: [
          { path: 'onnx/model_q4f16.onnx', bytes: 1_254_871, sha256: HEX('a') },
          { path: 'onnx/model_q4f16.onnx_data', bytes: 1_895_825_408, sha256: HEX('b') },
          { path: 'onnx/model_q4f16.onnx_data_1', bytes: 492_044_288, sha256: HEX('c') },
        ],
      },
    ]);
    expect(checked.files.map((f) => [f.path, f.bytes, f.approximate])).toEqual([
      ['config.json', 2504, undefined],
      ['tokenizer.json', 15_524_095, undefined],
      ['tokenizer_config.json', 2983, undefined],
    ]);
    // Estimates within 10% (the root files, the graph) are not worth a word; the chunk count and
    // a first chunk estimated at the size of both are.
    expect(disagreements).toEqual([
      'onnx/model_q4f16.onnx: the hub keeps its weights in 2 external data files, the catalog lists 1; all 2 are downloaded.',
      'onnx/model_q4f16.onnx_data: the catalog estimates 2,090 MB, the hub has 1,896 MB.',
    ]);
  });

  it('names an exact size the hub contradicts, and an estimate that is far off', () => {
    const model = hubModel(
      [
        { path: 'config.json', bytes: 792 },
        { path: 'tokenizer.json', bytes: 2_100_000, approximate: true },
        { path: 'tokenizer_config.json', bytes: 3590, approximate: true },
      ],
      [{ dtype: 'q4', files: [{ path: 'onnx/model_q4.onnx', bytes: 1_410_000_000, approximate: true }] }],
    );
    const hub = listing([
      entry('config.json', 908),
      entry('tokenizer.json', 3_522_000),
      entry('tokenizer_config.json', 3700),
      entry('onnx/model_q4.onnx', 1_450_000_000, HEX('f')),
    ]);
    expect(reconcileWithHub(model, hub).disagreements).toEqual([
      'config.json: the catalog says 792 bytes, the hub has 908 bytes.',
      'tokenizer.json: the catalog estimates 2,100 KB, the hub has 3,522 KB.',
    ]);
  });

  it('drops a variant the hub does not have, adds root files the catalog forgot, and skips optional ones the hub lacks', () => {
    const model = hubModel(
      [...ROOT.slice(0, 2), { path: 'generation_config.json', bytes: 174 }],
      [
        { dtype: 'q4f16', files: [{ path: 'onnx/model_q4f16.onnx', bytes: 1_254_871 }] },
        { dtype: 'q8', files: [{ path: 'onnx/model_quantized.onnx', bytes: 4_000_000_000, approximate: true }] },
      ],
    );
    const hub = listing([...HUB_ROOT, entry('onnx/model_q4f16.onnx', 1_254_871, HEX('a'))]);
    const { model: checked, disagreements } = reconcileWithHub(model, hub);
    expect(checked.variants.map((v) => v.dtype)).toEqual(['q4f16']);
    expect(checked.files.map((f) => f.path)).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json']);
    expect(disagreements).toEqual([
      'generation_config.json is in the catalog but not on the hub; it is skipped.',
      'tokenizer_config.json is on the hub but not in the catalog; it is downloaded and checked too.',
      'onnx/model_quantized.onnx is not on the hub, so q8 is not offered.',
    ]);
  });

  it('refuses, in words, an entry with nothing to download or without its tokenizer', () => {
    const model = hubModel(ROOT, [{ dtype: 'q4f16', files: [{ path: 'onnx/model_q4f16.onnx', bytes: 1 }] }]);
    expect(() => reconcileWithHub(model, listing([entry('config.json', 2504), entry('tokenizer_config.json', 2983)]))).toThrow(
      `Phi-4 mini instruct cannot be downloaded from onnx-community/Phi-4-mini-instruct-ONNX-GQA at ${SHA.slice(0, 12)}: ` +
        "tokenizer.json is missing; none of the catalog's variants (q4f16) is there. The catalog entry needs updating.",
    );
  });

  it("names a SHA-256 that is not the hub's", () => {
    const model = hubModel(ROOT, [{ dtype: 'q4f16', files: [{ path: 'onnx/model_q4f16.onnx', bytes: 1_254_871, sha256: HEX('1') }] }]);
    const hub = listing([...HUB_ROOT, entry('onnx/model_q4f16.onnx', 1_254_871, HEX('2'))]);
    expect(reconcileWithHub(model, hub).disagreements).toEqual([
      "onnx/model_q4f16.onnx: the catalog's SHA-256 (111111111111…) is not the hub's (222222222222…).",
    ]);
  });
});

describe('external data chunks', () => {
  it('orders chunks by number, not by name (…_data_10 after …_data_9)', () => {
    const files = [10, 2, 0, 1, 9].map((i) => entry(`onnx/model_q4f16.onnx_data${i === 0 ? '' : `_${i}`}`, 1));
    expect(externalDataChunks('onnx/model_q4f16.onnx', files).map((f) => f.path.split('.onnx')[1])).toEqual([
      '_data',
      '_data_1',
      '_data_2',
      '_data_9',
      '_data_10',
    ]);
    expect(chunkIndex('onnx/model.onnx', 'onnx/model.onnx_data_01')).toBeNull();
    expect(chunkIndex('onnx/model.onnx', 'onnx/model.onnx_data_x')).toBeNull();
    expect(chunkIndex('onnx/model.onnx', 'onnx/model_q4.onnx_data')).toBeNull();
  });
});

describe('treeEntry', () => {
  it("reads the tree API's file entries: size, and lfs.oid as the SHA-256; the git oid is not one", () => {
    expect(
      treeEntry({
        type: 'file',
        oid: 'b2f1c1f2f0d8a7a1e2a3b4c5d6e7f8091a2b3c4d',
        size: 1_895_825_408,
        path: 'onnx/model_q4f16.onnx_data',
        lfs: { oid: HEX('9'), size: 1_895_825_408, pointerSize: 135 },
        xetHash: 'abc',
      }),
    ).toEqual({ type: 'file', path: 'onnx/model_q4f16.onnx_data', size: 1_895_825_408, lfs: { oid: HEX('9'), size: 1_895_825_408 } });
    expect(treeEntry({ type: 'file', oid: 'b2f1c1f2f0d8a7a1e2a3b4c5d6e7f8091a2b3c4d', size: 908, path: 'config.json' })).toEqual({
      type: 'file',
      path: 'config.json',
      size: 908,
      lfs: undefined,
    });
  });

  it('skips folders and malformed entries', () => {
    expect(treeEntry({ type: 'directory', oid: 'x', size: 0, path: 'onnx' })).toBeNull();
    expect(treeEntry({ type: 'file', path: 'a', size: -1 })).toBeNull();
    expect(treeEntry({ type: 'file', path: 'a', size: '12' })).toBeNull();
    expect(treeEntry(null)).toBeNull();
    expect(treeEntry({ type: 'file', path: 'a', size: 3, lfs: { oid: 'not-a-sha' } })).toEqual({
      type: 'file',
      path: 'a',
      size: 3,
      lfs: undefined,
    });
  });
});
