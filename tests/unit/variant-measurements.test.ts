/**
 * Whose measurement is whose: device fingerprints, catalog revisions, and the store that keeps
 * measurements across visits. Storage is a Map behind the Storage interface (Node has no
 * localStorage); the e2e test of measuring reloads a real page to see it kept in the real one.
 */
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json';
import { deviceFingerprint, modelRevision, type VariantMeasurement } from '../../src/app/measurement-record';
import { VariantMeasurements, parseMeasurements } from '../../src/app/variant-measurements';
import type { Capabilities, WebGpuInfo } from '../../src/placement/snapshot';
import { capabilities, catalog } from './app-fixtures';

class MemoryStorage {
  readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
}

const gpu = (overrides: Partial<WebGpuInfo> = {}): WebGpuInfo => ({
  name: 'acme · gpu9',
  vendor: 'acme',
  architecture: 'gpu9',
  description: 'Acme GPU 9',
  shaderF16: true,
  isFallbackAdapter: false,
  maxBufferSize: 2 ** 30,
  maxStorageBufferBindingSize: 2 ** 30,
  ...overrides,
});
const pocket = catalog.find((m) => m.id === 'pocket-chat-1m')!;
const pocket3m = catalog.find((m) => m.id === 'pocket-chat-3m')!;
const qwen = catalog.find((m) => m.id === 'qwen2.5-0.5b-instruct')!;

function record(overrides: Partial<VariantMeasurement> = {}): VariantMeasurement {
  return {
    modelId: pocket.id,
    revision: modelRevision(pocket),
    device: 'wasm',
    fingerprint: deviceFingerprint(capabilities, 'wasm')!,
    measuredAt: 1000,
    results: [
      { dtype: 'fp32', decodeTokensPerSec: 899, tokens: 24, error: null },
      { dtype: 'q8', decodeTokensPerSec: 506, tokens: 24, error: null },
      { dtype: 'q4', decodeTokensPerSec: null, tokens: 0, error: 'the load failed' },
    ],
    ...overrides,
  };
}

describe('device fingerprint', () => {
  it('tells CPUs apart by WASM threads and cores, and GPUs by adapter, and names the ONNX Runtime build', () => {
    const caps = (o: Partial<Capabilities>) => ({ ...capabilities, ...o });
    const wasm = deviceFingerprint(caps({ wasmThreads: 3, hardwareConcurrency: 4 }), 'wasm')!;
    expect(wasm).toContain(pkg.dependencies['onnxruntime-web']);
    expect(deviceFingerprint(caps({ wasmThreads: 1, hardwareConcurrency: 4 }), 'wasm')).not.toBe(wasm);
    expect(deviceFingerprint(caps({ wasmThreads: 3, hardwareConcurrency: 8 }), 'wasm')).not.toBe(wasm);
    // The GPU does not change what WASM runs on.
    expect(deviceFingerprint(caps({ wasmThreads: 3, hardwareConcurrency: 4, webgpu: gpu() }), 'wasm')).toBe(wasm);

    const a = deviceFingerprint(caps({ webgpu: gpu() }), 'webgpu')!;
    expect(a).toContain('Acme GPU 9');
    expect(deviceFingerprint(caps({ webgpu: gpu({ description: 'Acme GPU 10' }) }), 'webgpu')).not.toBe(a);
    expect(deviceFingerprint(caps({ webgpu: gpu({ isFallbackAdapter: true }) }), 'webgpu')).not.toBe(a);
    expect(deviceFingerprint(caps({ webgpu: null }), 'webgpu')).toBeNull();
  });
});

describe('catalog revision', () => {
  it('is the repository and revision of a hub model, and a digest of the files of the others', () => {
    expect(modelRevision(qwen)).toBe(`onnx-community/Qwen2.5-0.5B-Instruct@${qwen.source.kind === 'hub' ? qwen.source.revision : ''}`);
    expect(modelRevision(pocket)).toMatch(/^files:[0-9a-f]{8}$/);
    expect(modelRevision(pocket)).toBe(modelRevision({ ...pocket }));
    expect(modelRevision(pocket3m)).not.toBe(modelRevision(pocket));
    // Rebuilt weights: one file's hash changes, and the old measurement no longer applies.
    const rebuilt = {
      ...pocket,
      variants: pocket.variants.map((v) =>
        v.dtype === 'q8' ? { ...v, files: v.files.map((f) => ({ ...f, sha256: '0'.repeat(64) })) } : v,
      ),
    };
    expect(modelRevision(rebuilt)).not.toBe(modelRevision(pocket));
  });
});

describe('VariantMeasurements', () => {
  it('keeps a measurement across visits, and gives placement only the speeds that were measured', () => {
    const storage = new MemoryStorage();
    new VariantMeasurements(capabilities, storage).save(record());
    const later = new VariantMeasurements(capabilities, storage);
    expect(later.get(pocket, 'wasm')).toEqual(record());
    expect(later.speedsFor(pocket)).toEqual({
      wasm: [
        { dtype: 'fp32', decodeTokensPerSec: 899 },
        { dtype: 'q8', decodeTokensPerSec: 506 },
      ],
    });
    expect(later.speedsFor(pocket3m)).toEqual({});
    expect(later.get(pocket, 'webgpu')).toBeNull();
  });

  it('finds nothing on another device or for other files', () => {
    const storage = new MemoryStorage();
    new VariantMeasurements(capabilities, storage).save(record());
    expect(new VariantMeasurements({ ...capabilities, wasmThreads: 4, hardwareConcurrency: 8 }, storage).get(pocket, 'wasm')).toBeNull();
    const rebuilt = { ...pocket, variants: pocket.variants.filter((v) => v.dtype !== 'q4') };
    expect(new VariantMeasurements(capabilities, storage).get(rebuilt, 'wasm')).toBeNull();
  });

  it('replaces the earlier measurement of the same model and device, forgets on request, and announces both', () => {
    const storage = new MemoryStorage();
    const store = new VariantMeasurements(capabilities, storage);
    let changes = 0;
    store.addEventListener('change', () => changes++);
    store.save(record());
    store.save(record({ measuredAt: 2000 }));
    store.save(record({ modelId: pocket3m.id, revision: modelRevision(pocket3m) }));
    expect(parseMeasurements(storage.getItem('playground.variant-measurements.v1')).map((r) => [r.modelId, r.measuredAt])).toEqual([
      ['pocket-chat-3m', 1000],
      ['pocket-chat-1m', 2000],
    ]);
    store.forget(pocket, 'wasm');
    expect(store.get(pocket, 'wasm')).toBeNull();
    expect(new VariantMeasurements(capabilities, storage).get(pocket3m, 'wasm')).not.toBeNull();
    expect(changes).toBe(4);
  });

  it('keeps the newest 200', () => {
    const store = new VariantMeasurements(capabilities, new MemoryStorage());
    for (let i = 0; i < 205; i++) store.save(record({ modelId: `m${i}`, measuredAt: i }));
    expect(store.get({ ...pocket, id: 'm4' }, 'wasm')).toBeNull();
    expect(store.get({ ...pocket, id: 'm5' }, 'wasm')?.measuredAt).toBe(5);
    expect(store.get({ ...pocket, id: 'm204' }, 'wasm')?.measuredAt).toBe(204);
  });

  it('drops a damaged record and keeps the others; damaged storage or none at all is an empty store', () => {
    const good = record();
    const raw = JSON.stringify([
      { ...good, results: [{ dtype: 'q3', decodeTokensPerSec: 1, tokens: 1, error: null }] },
      { ...good, results: [{ dtype: 'q8', decodeTokensPerSec: -5, tokens: 1, error: null }] },
      { ...good, device: 'cuda' },
      good,
    ]);
    expect(parseMeasurements(raw)).toEqual([good]);
    for (const bad of ['{not json', 'null', '{}', '"text"', '']) expect(parseMeasurements(bad), bad).toEqual([]);
    const hostile = {
      getItem(): string | null {
        throw new Error('SecurityError: storage disabled');
      },
      setItem(): void {
        throw new Error('QuotaExceededError');
      },
    };
    const store = new VariantMeasurements(capabilities, hostile);
    expect(() => store.save(good)).not.toThrow();
    // Refused by storage, it still counts for this session.
    expect(store.get(pocket, 'wasm')).toEqual(good);
    expect(new VariantMeasurements(capabilities, null).get(pocket, 'wasm')).toBeNull();
  });
});
