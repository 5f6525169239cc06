/**
 * A full storage while caching. Node has no IndexedDB, and Chromium's quota cannot be lowered
 * from a test here (the DevTools override has no effect in Playwright's contexts), so the store
 * below is a double that refuses writes the way IndexedDB does: with a QuotaExceededError. The
 * chunked layout in real IndexedDB is tested in Chromium (tests/e2e/weight-chunks.test.ts).
 */
import { createHash } from 'node:crypto';
import type { UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { describeCacheProblems, describeImportFailure } from '../../src/cache/cache-problems';
import { IntegrityGuard } from '../../src/cache/integrity';
import { WeightCache, type CacheNotice } from '../../src/cache/weight-cache';

const URL_Q4 = 'http://localhost/models/tiny/onnx/model_q4.onnx';

/** A store that reads as empty and refuses every write for lack of space. */
const fullStore: UseStore = (mode) => {
  if (mode === 'readwrite') return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
  return Promise.resolve(undefined) as never;
};

describe('WeightCache when storage is full', () => {
  it('reports a quota notice with the bytes it needed, and does not throw', async () => {
    const notices: CacheNotice[] = [];
    const cache = new WeightCache(new IntegrityGuard(), (n) => notices.push(n), fullStore);
    await cache.put(URL_Q4, new Response(new Uint8Array(1234)));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: 'quota', url: URL_Q4, reason: 'The quota has been exceeded.', neededBytes: 1234 });
  });
});

describe('describeCacheProblems', () => {
  it('sums refused files into one sentence with what was needed, what is free, and what to do', () => {
    const problems = describeCacheProblems([
      { kind: 'quota', url: 'http://h/a/model_q4.onnx', reason: 'x', neededBytes: 786_000_000, freeBytes: 120_000_000 },
      { kind: 'quota', url: 'http://h/ort.wasm', reason: 'x', neededBytes: 27_000_000, freeBytes: 120_000_000 },
      { kind: 'store-failed', url: 'http://h/a/config.json', reason: 'UnknownError' },
    ]);
    expect(problems).toEqual([
      'Storage is full: 2 files (813.0 MB) could not be kept in this browser, 120.0 MB free. The model runs now but will download again next time; free space under Settings → Models on this device, or allow the site more storage.',
      'config.json could not be kept in this browser: UnknownError',
    ]);
    expect(describeCacheProblems([])).toEqual([]);
  });

  it('tells an import that nothing was kept', () => {
    expect(
      describeImportFailure({
        kind: 'quota',
        url: 'http://h/local-models/m/onnx/model.onnx',
        reason: 'x',
        neededBytes: 3_800_000,
        freeBytes: null,
      }),
    ).toBe(
      'Storage is full: model.onnx needs 3.8 MB. Nothing was imported; free space under Settings → Models on this device and try again.',
    );
  });
});

describe('WeightCache without IndexedDB', () => {
  /** A store that fails the way IndexedDB does when a browser mode forbids it. */
  const noIndexedDb: UseStore = () => Promise.reject(new DOMException('IndexedDB is not available in this mode.', 'InvalidStateError'));

  it('keeps files in memory for the session, says so once, and still serves them', async () => {
    const notices: CacheNotice[] = [];
    const cache = new WeightCache(new IntegrityGuard(), (n) => notices.push(n), noIndexedDb);
    expect(await cache.match(URL_Q4)).toBeUndefined();
    await cache.put(URL_Q4, new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-type': 'application/octet-stream' } }));
    const hit = await cache.match(URL_Q4);
    expect(hit && new Uint8Array(await hit.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    expect((await cache.list()).map((f) => f.url)).toEqual([URL_Q4]);
    expect(notices.map((n) => n.kind)).toEqual(['unavailable']);
    expect(describeCacheProblems(notices)[0]).toMatch(/IndexedDB is unavailable.*kept in memory for this session/);
  });
});

describe('WeightCache in memory, in chunks', () => {
  const noIndexedDb: UseStore = () => Promise.reject(new DOMException('IndexedDB is not available in this mode.', 'InvalidStateError'));

  it('serves a file stored in many chunks byte for byte, and keeps nothing of a body that fails', async () => {
    const cache = new WeightCache(new IntegrityGuard(), () => undefined, noIndexedDb, { chunkBytes: 4 });
    const bytes = Uint8Array.from({ length: 23 }, (_, i) => (i * 37) % 256);
    await cache.put(URL_Q4, new Response(bytes));
    const hit = await cache.match(URL_Q4);
    expect(hit?.headers.get('content-length')).toBe('23');
    expect(hit && new Uint8Array(await hit.arrayBuffer())).toEqual(bytes);
    expect(await cache.list()).toMatchObject([{ url: URL_Q4, bytes: 23, sha256: createHash('sha256').update(bytes).digest('hex') }]);

    const other = 'http://localhost/models/tiny/onnx/model.onnx';
    let sent = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 3) controller.enqueue(new Uint8Array(5));
        else controller.error(new Error('connection reset'));
      },
    });
    await expect(cache.put(other, new Response(failing))).rejects.toThrow('connection reset');
    expect(await cache.match(other)).toBeUndefined();
    expect((await cache.list()).map((f) => f.url)).toEqual([URL_Q4]);
  });
});
