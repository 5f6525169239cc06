/**
 * The weight cache's chunked storage in real IndexedDB (Chromium), with a chunk size of a few
 * hundred bytes so small files span many chunks. Contents are checked with SHA-256 from node:crypto
 * and the browser's crypto.subtle, never with the cache's own hash; what is stored is read with
 * plain IndexedDB calls beside the cache (support/weight-cache-lab.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, inject, it } from 'vitest';
import type { CacheNotice } from '../../src/cache/weight-cache';
import type * as Lab from './support/weight-cache-lab';
import { launchChromium } from './support/chromium';
import { bundleForPage, openLabPage } from './support/lab-page';

type LabWindow = Window & { weightCacheLab?: typeof Lab };

const baseUrl = inject('baseUrl');
const CHUNK = 500;
const FILE_URL = 'http://localhost/models/tiny/onnx/model_q4.onnx';
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let db: string;
let dbCount = 0;

beforeAll(async () => {
  const script = await bundleForPage(path.resolve(import.meta.dirname, 'support/weight-cache-lab.ts'), 'weightCacheLab');
  browser = await launchChromium({ webgpu: false });
  ({ context, page, errors } = await openLabPage(browser, baseUrl, 'weight-cache-lab.html', script));
});
afterAll(async () => {
  expect(errors).toEqual([]);
  await context.close();
  await browser.close();
});
beforeEach(() => {
  // A database per test: each starts from an empty store.
  db = `weight-chunks-${++dbCount}`;
});

const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const chunkKeys = (keys: unknown[]): unknown[][] => keys.filter((k): k is unknown[] => Array.isArray(k));

it('stores a file of many chunks and serves it byte for byte; storing it again replaces every chunk', async () => {
  const first = randomBytes(10 * CHUNK + 123);
  const second = randomBytes(2 * CHUNK + 1);
  const seen = await page.evaluate(
    async ({ db, url, chunk, first, second }) => {
      const lab = (window as LabWindow).weightCacheLab!;
      const cache = new lab.WeightCache(new lab.IntegrityGuard(), () => undefined, lab.createStore(db, lab.STORE), { chunkBytes: chunk });
      const put = (bytes: Uint8Array<ArrayBuffer>): Promise<void> =>
        // Pieces that do not line up with chunks, as a network delivers them.
        cache.put(
          url,
          new Response(lab.bodyOf(bytes, 333), {
            headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) },
          }),
        );
      const read = async () => {
        const hit = await cache.match(url);
        const body = hit ? await hit.arrayBuffer() : null;
        // The keys before list(): its sweep would hide chunks a replaced version left behind.
        const keys = await lab.rawKeys(db);
        return {
          sha: body && (await lab.sha256Hex(body)),
          received: body?.byteLength ?? null,
          contentLength: hit?.headers.get('content-length') ?? null,
          keys,
          list: await cache.list(),
        };
      };
      await put(lab.fromBase64(first));
      const one = await read();
      await put(lab.fromBase64(second));
      return { one, two: await read() };
    },
    { db, url: FILE_URL, chunk: CHUNK, first: first.toString('base64'), second: second.toString('base64') },
  );
  expect(seen.one).toMatchObject({ sha: sha(first), received: first.length, contentLength: String(first.length) });
  // One entry for the file, in the shape the cache manager reads (no chunk, no storage detail).
  expect(seen.one.list.map(({ storedAt, lastUsedAt, ...rest }) => ({ ...rest, times: [typeof storedAt, typeof lastUsedAt] }))).toEqual([
    { url: FILE_URL, bytes: first.length, sha256: sha(first), contentType: 'application/octet-stream', times: ['number', 'number'] },
  ]);
  // The manifest under the URL, then the chunks [url, putId, 0 … 10].
  const firstChunks = chunkKeys(seen.one.keys);
  expect(seen.one.keys.filter((k) => !Array.isArray(k))).toEqual([FILE_URL]);
  expect(firstChunks.map((k) => k[2])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(new Set(firstChunks.map((k) => JSON.stringify(k.slice(0, 2)))).size).toBe(1);

  expect(seen.two).toMatchObject({ sha: sha(second), received: second.length, contentLength: String(second.length) });
  expect(seen.two.list.map((f) => [f.url, f.bytes, f.sha256])).toEqual([[FILE_URL, second.length, sha(second)]]);
  const secondChunks = chunkKeys(seen.two.keys);
  expect(secondChunks.map((k) => k[2])).toEqual([0, 1, 2]);
  expect(secondChunks[0]![1]).not.toBe(firstChunks[0]![1]);
});

it('a body that fails after two chunks leaves no file and no chunk behind', async () => {
  const bytes = randomBytes(5 * CHUNK);
  const seen = await page.evaluate(
    async ({ db, url, chunk, bytes }) => {
      const lab = (window as LabWindow).weightCacheLab!;
      const cache = new lab.WeightCache(new lab.IntegrityGuard(), () => undefined, lab.createStore(db, lab.STORE), { chunkBytes: chunk });
      let midway: IDBValidKey[] = [];
      const body = lab.bodyOf(lab.fromBase64(bytes), chunk, async (piece) => {
        if (piece < 2) return;
        // Two chunks are stored by now: look, then drop the connection.
        midway = await lab.rawKeys(db);
        throw new Error('connection reset');
      });
      const failure = await cache.put(url, new Response(body)).then(
        () => 'stored',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      // Read at once: the sweep of a later list() would also remove chunks the put left behind.
      const keys = await lab.rawKeys(db);
      return { failure, midway, keys, hit: (await cache.match(url)) !== undefined, list: await cache.list() };
    },
    { db, url: FILE_URL, chunk: CHUNK, bytes: bytes.toString('base64') },
  );
  expect(seen.failure).toBe('connection reset');
  expect(chunkKeys(seen.midway).map((k) => k[2])).toEqual([0, 1]);
  expect(seen).toMatchObject({ hit: false, list: [], keys: [] });
});

it('a write refused halfway (storage full) is a quota notice with the file’s size, and leaves nothing', async () => {
  const bytes = randomBytes(6 * CHUNK);
  const seen = await page.evaluate(
    async ({ db, url, chunk, bytes }) => {
      const lab = (window as LabWindow).weightCacheLab!;
      const notices: CacheNotice[] = [];
      const cache = new lab.WeightCache(new lab.IntegrityGuard(), (n) => notices.push(n), lab.createStore(db, lab.STORE), {
        chunkBytes: chunk,
      });
      // A test double for a full disk (Chromium's quota cannot be lowered from a test here): the
      // third chunk is refused the way IndexedDB refuses a write for lack of space.
      const proto = IDBObjectStore.prototype;
      const put = Reflect.get(proto, 'put') as (this: IDBObjectStore, value: unknown, key?: IDBValidKey) => IDBRequest;
      Reflect.set(proto, 'put', function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
        if (Array.isArray(key) && key[2] === 2) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return put.call(this, value, key);
      });
      try {
        await cache.put(url, new Response(lab.bodyOf(lab.fromBase64(bytes), 250), { headers: { 'content-length': String(6 * chunk) } }));
      } finally {
        Reflect.set(proto, 'put', put);
      }
      const keys = await lab.rawKeys(db);
      return { notices, keys, list: await cache.list() };
    },
    { db, url: FILE_URL, chunk: CHUNK, bytes: bytes.toString('base64') },
  );
  // What is free is the browser's estimate at that moment: a number, whatever it is.
  expect(seen.notices.map((n) => (n.kind === 'quota' ? { ...n, freeBytes: typeof n.freeBytes } : n))).toEqual([
    { kind: 'quota', url: FILE_URL, reason: 'The quota has been exceeded.', neededBytes: bytes.length, freeBytes: 'number' },
  ]);
  expect(seen).toMatchObject({ list: [], keys: [] });
});

it('a file stored whole by the earlier version is still served, listed and deleted', async () => {
  const bytes = randomBytes(3 * CHUNK + 7);
  const seen = await page.evaluate(
    async ({ db, url, chunk, bytes, digest }) => {
      const lab = (window as LabWindow).weightCacheLab!;
      const data = lab.fromBase64(bytes);
      // The one-record layout written before files were chunked.
      const legacy = {
        url,
        bytes: data.byteLength,
        sha256: digest,
        contentType: 'application/octet-stream',
        storedAt: 1000,
        lastUsedAt: 2000,
      };
      await lab.rawPut(db, url, { ...legacy, blob: new Blob([data]) });
      const cache = new lab.WeightCache(new lab.IntegrityGuard(), () => undefined, lab.createStore(db, lab.STORE), { chunkBytes: chunk });
      const hit = await cache.match(url);
      const body = hit ? await hit.arrayBuffer() : null;
      const list = await cache.list();
      const deleted = await cache.delete(url);
      return {
        sha: body && (await lab.sha256Hex(body)),
        contentLength: hit?.headers.get('content-length') ?? null,
        list,
        deleted,
        keys: await lab.rawKeys(db),
        afterDelete: (await cache.match(url)) !== undefined,
      };
    },
    { db, url: FILE_URL, chunk: CHUNK, bytes: bytes.toString('base64'), digest: sha(bytes) },
  );
  expect(seen.sha).toBe(sha(bytes));
  expect(seen.contentLength).toBe(String(bytes.length));
  // The use just made may or may not be recorded yet: lastUsedAt is 2000 or later.
  expect(seen.list.map(({ lastUsedAt, ...rest }) => ({ ...rest, used: lastUsedAt >= 2000 }))).toEqual([
    { url: FILE_URL, bytes: bytes.length, sha256: sha(bytes), contentType: 'application/octet-stream', storedAt: 1000, used: true },
  ]);
  expect(seen).toMatchObject({ deleted: true, keys: [], afterDelete: false });
});

it('delete removes a file’s manifest and every one of its chunks, and nothing of another file', async () => {
  const [a, b] = [randomBytes(4 * CHUNK + 1), randomBytes(2 * CHUNK)];
  const other = 'http://localhost/models/tiny/onnx/model.onnx';
  const seen = await page.evaluate(
    async ({ db, url, other, chunk, a, b }) => {
      const lab = (window as LabWindow).weightCacheLab!;
      const cache = new lab.WeightCache(new lab.IntegrityGuard(), () => undefined, lab.createStore(db, lab.STORE), { chunkBytes: chunk });
      await cache.put(url, new Response(lab.fromBase64(a)));
      await cache.put(other, new Response(lab.fromBase64(b)));
      const before = await lab.rawKeys(db);
      const deleted = await cache.delete(url);
      const again = await cache.delete(url);
      const hit = await cache.match(other);
      return { before, deleted, again, keys: await lab.rawKeys(db), otherSha: hit && (await lab.sha256Hex(await hit.arrayBuffer())) };
    },
    { db, url: FILE_URL, other, chunk: CHUNK, a: a.toString('base64'), b: b.toString('base64') },
  );
  expect(chunkKeys(seen.before).filter((k) => k[0] === FILE_URL)).toHaveLength(5);
  expect(seen).toMatchObject({ deleted: true, again: false, otherSha: sha(b) });
  expect(seen.keys.filter((k) => !Array.isArray(k))).toEqual([other]);
  expect(chunkKeys(seen.keys).map((k) => [k[0], k[2]])).toEqual([
    [other, 0],
    [other, 1],
  ]);
});

it('a manifest whose chunk is missing or short is evicted on match, with a notice, chunks and all', async () => {
  const bytes = randomBytes(4 * CHUNK);
  const short = 'http://localhost/models/tiny/onnx/model.onnx';
  const seen = await page.evaluate(
    async ({ db, url, short, chunk, bytes }) => {
      const lab = (window as LabWindow).weightCacheLab!;
      const notices: unknown[] = [];
      const cache = new lab.WeightCache(new lab.IntegrityGuard(), (n) => notices.push(n), lab.createStore(db, lab.STORE), {
        chunkBytes: chunk,
      });
      const data = lab.fromBase64(bytes);
      await cache.put(url, new Response(data));
      await cache.put(short, new Response(data));
      const keys = await lab.rawKeys(db);
      const chunkOf = (file: string, index: number): IDBValidKey =>
        keys.find((k): k is IDBValidKey[] => Array.isArray(k) && k[0] === file && k[2] === index)!;
      await lab.rawDelete(db, chunkOf(url, 2));
      await lab.rawPut(db, chunkOf(short, 1), { blob: new Blob([data.slice(0, chunk - 1)]) });
      const hits = [(await cache.match(url)) !== undefined, (await cache.match(short)) !== undefined];
      return { hits, notices, list: await cache.list(), keys: await lab.rawKeys(db) };
    },
    { db, url: FILE_URL, short, chunk: CHUNK, bytes: bytes.toString('base64') },
  );
  expect(seen.hits).toEqual([false, false]);
  expect(seen.notices).toEqual([
    { kind: 'evicted', url: FILE_URL, reason: 'the cached copy is incomplete (1 of its 4 chunks missing); downloading it again' },
    { kind: 'evicted', url: short, reason: 'the cached copy is damaged (chunk 2 of 4 has the wrong size); downloading it again' },
  ]);
  expect(seen).toMatchObject({ list: [], keys: [] });
});

it('chunks left by a crashed put are swept, while those of a put still running in another cache are kept', async () => {
  const bytes = randomBytes(4 * CHUNK + 50);
  const running = 'http://localhost/models/tiny/onnx/model.onnx';
  const seen = await page.evaluate(
    async ({ db, url, running, chunk, bytes }) => {
      const lab = (window as LabWindow).weightCacheLab!;
      const data = lab.fromBase64(bytes);
      // A put that died after three chunks: no manifest, and no lock held for it.
      for (const index of [0, 1, 2]) await lab.rawPut(db, [url, 'crashed-put', index], { blob: new Blob([data.slice(0, chunk)]) });
      const writer = new lab.WeightCache(new lab.IntegrityGuard(), () => undefined, lab.createStore(db, lab.STORE), { chunkBytes: chunk });
      let paused!: () => void;
      const atPause = new Promise<void>((resolve) => (paused = resolve));
      let resume!: () => void;
      const resumed = new Promise<void>((resolve) => (resume = resolve));
      const body = lab.bodyOf(data, chunk, async (piece) => {
        if (piece !== 2) return;
        paused();
        await resumed;
      });
      const stored = writer.put(running, new Response(body));
      await atPause;
      // Another cache on the same store (the page's, while the worker downloads) lists and sweeps.
      const reader = new lab.WeightCache(new lab.IntegrityGuard(), () => undefined, lab.createStore(db, lab.STORE), { chunkBytes: chunk });
      const listed = await reader.list();
      const afterSweep = await lab.rawKeys(db);
      resume();
      await stored;
      const hit = await reader.match(running);
      return {
        listed,
        afterSweep,
        sha: hit && (await lab.sha256Hex(await hit.arrayBuffer())),
        list: (await reader.list()).map((f) => f.url),
      };
    },
    { db, url: FILE_URL, running, chunk: CHUNK, bytes: bytes.toString('base64') },
  );
  expect(seen.listed).toEqual([]);
  expect(chunkKeys(seen.afterSweep).map((k) => [k[0], k[2]])).toEqual([
    [running, 0],
    [running, 1],
  ]);
  expect(seen.sha).toBe(sha(bytes));
  expect(seen.list).toEqual([running]);
});

it('a put whose chunks are cleared away before it commits stores nothing and says so', async () => {
  const bytes = randomBytes(3 * CHUNK);
  const seen = await page.evaluate(
    async ({ db, url, chunk, bytes }) => {
      const lab = (window as LabWindow).weightCacheLab!;
      const notices: CacheNotice[] = [];
      const cache = new lab.WeightCache(new lab.IntegrityGuard(), (n) => notices.push(n), lab.createStore(db, lab.STORE), {
        chunkBytes: chunk,
      });
      // "Delete all" in the cache manager while the worker is still downloading this file.
      const body = lab.bodyOf(lab.fromBase64(bytes), chunk, async (piece) => {
        if (piece === 2) await cache.clear();
      });
      await cache.put(url, new Response(body));
      return { notices, keys: await lab.rawKeys(db), hit: (await cache.match(url)) !== undefined };
    },
    { db, url: FILE_URL, chunk: CHUNK, bytes: bytes.toString('base64') },
  );
  expect(seen.notices).toEqual([
    { kind: 'store-failed', url: FILE_URL, reason: 'its chunks were deleted while it was being stored (1 of 3 left)' },
  ]);
  expect(seen).toMatchObject({ keys: [], hit: false });
});
