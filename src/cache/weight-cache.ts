/**
 * The model weight cache: every model file (and ONNX Runtime's wasm) is stored in IndexedDB and
 * handed to transformers.js through its custom-cache interface (`match` / `put`).
 *
 * Only verified, complete files are stored (see integrity.ts); a cached file whose size or hash
 * no longer matches the catalog is evicted on read, so it is fetched again.
 */
import { clear, del, entries, get, set, type UseStore } from 'idb-keyval';
import { openStore } from './open-store';
import { IntegrityGuard } from './integrity';
import { errorMessage } from '../errors/error-message';

/** One cached file. The Blob is a handle: listing records does not read file contents. */
export interface CachedFile {
  url: string;
  bytes: number;
  sha256: string;
  contentType: string;
  storedAt: number;
  lastUsedAt: number;
  blob: Blob;
}

export type CacheNotice =
  | { kind: 'evicted'; url: string; reason: string }
  | { kind: 'store-failed'; url: string; reason: string }
  /** The browser refused the bytes: `neededBytes` for this file, `freeBytes` left (null: unknown). */
  | { kind: 'quota'; url: string; reason: string; neededBytes: number; freeBytes: number | null }
  /** IndexedDB cannot be used at all (some private modes, blocked storage): files live in memory. */
  | { kind: 'unavailable'; url: string; reason: string };

/** Errors that mean "no IndexedDB here", as opposed to one failed write. */
function isUnavailable(error: unknown): boolean {
  if (error instanceof ReferenceError) return true; // no indexedDB global
  return (
    error instanceof DOMException &&
    ['InvalidStateError', 'UnknownError', 'SecurityError', 'NotAllowedError', 'NotFoundError'].includes(error.name)
  );
}

/** What the browser says is left for this origin, or null when it does not say. */
async function freeStorage(): Promise<number | null> {
  try {
    const estimate = await (globalThis.navigator as { storage?: Pick<StorageManager, 'estimate'> } | undefined)?.storage?.estimate();
    return estimate?.quota !== undefined && estimate.usage !== undefined ? Math.max(0, estimate.quota - estimate.usage) : null;
  } catch {
    return null;
  }
}

function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'QuotaExceededError' || error.name === 'NS_ERROR_DOM_QUOTA_REACHED');
}

async function digestHex(blob: Blob): Promise<string> {
  const hash = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join('');
}

export class WeightCache {
  private readonly store: UseStore;
  /** Set once IndexedDB turned out to be unusable: the files of this session, kept in memory. */
  private memory: Map<string, CachedFile> | null = null;
  /** URLs served from this cache since the last `resetHits()`. */
  readonly hits = new Set<string>();

  constructor(
    private readonly guard: IntegrityGuard,
    private readonly onNotice: (notice: CacheNotice) => void = () => undefined,
    store?: UseStore,
  ) {
    this.store = store ?? openStore('playground-weights', 'files');
  }

  resetHits(): void {
    this.hits.clear();
  }

  /** Runs an IndexedDB operation, or its in-memory twin once IndexedDB is known to be unusable. */
  private async db<T>(op: () => Promise<T>, inMemory: (files: Map<string, CachedFile>) => T): Promise<T> {
    if (this.memory) return inMemory(this.memory);
    try {
      return await op();
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      this.memory = new Map();
      this.onNotice({ kind: 'unavailable', url: '', reason: errorMessage(error) });
      return inMemory(this.memory);
    }
  }

  /** transformers.js custom cache: a stored Response, or undefined to make it download. */
  async match(key: string): Promise<Response | undefined> {
    const url = this.guard.resolve(key);
    const record = await this.db(
      () => get<CachedFile>(url, this.store),
      (m) => m.get(url),
    );
    if (!record) return undefined;
    const expected = this.guard.expectation(url);
    const stale =
      (expected?.bytes !== undefined && expected.bytes !== record.bytes) ||
      (expected?.sha256 !== undefined && expected.sha256 !== record.sha256) ||
      record.blob.size !== record.bytes;
    if (stale) {
      await this.db(
        () => del(url, this.store),
        (m) => void m.delete(url),
      );
      this.onNotice({ kind: 'evicted', url, reason: 'the cached copy does not match the catalog; downloading it again' });
      return undefined;
    }
    this.hits.add(url);
    if (!this.memory) void set(url, { ...record, lastUsedAt: Date.now() }, this.store).catch(() => undefined);
    return new Response(record.blob, {
      headers: { 'content-type': record.contentType, 'content-length': String(record.bytes) },
    });
  }

  /** transformers.js custom cache: store a completed download. */
  async put(key: string, response: Response): Promise<void> {
    const url = this.guard.resolve(key);
    const blob = await response.blob();
    const declared = response.headers.get('content-length');
    if (declared !== null && Number(declared) !== blob.size) {
      this.onNotice({ kind: 'store-failed', url, reason: `incomplete body (${blob.size} of ${declared} bytes)` });
      return;
    }
    const verified = this.guard.takeVerified(url);
    const sha256 = verified?.sha256 ?? (await digestHex(blob));
    const record: CachedFile = {
      url,
      bytes: blob.size,
      sha256,
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      storedAt: Date.now(),
      lastUsedAt: Date.now(),
      blob,
    };
    try {
      await this.db(
        () => set(url, record, this.store),
        (m) => void m.set(url, record),
      );
    } catch (error) {
      // Quota errors must not fail the load: the model still runs from memory this time. A
      // record is written whole or not at all, so nothing half-written stays behind.
      const reason = errorMessage(error);
      if (isQuotaError(error)) this.onNotice({ kind: 'quota', url, reason, neededBytes: blob.size, freeBytes: await freeStorage() });
      else this.onNotice({ kind: 'store-failed', url, reason });
    }
  }

  async delete(key: string): Promise<boolean> {
    const url = this.guard.resolve(key);
    const had =
      (await this.db(
        () => get<CachedFile>(url, this.store),
        (m) => m.get(url),
      )) !== undefined;
    await this.db(
      () => del(url, this.store),
      (m) => void m.delete(url),
    );
    return had;
  }

  /** Deletes every stored file. */
  async clear(): Promise<void> {
    await this.db(
      () => clear(this.store),
      (m) => m.clear(),
    );
  }

  async list(): Promise<Omit<CachedFile, 'blob'>[]> {
    const all = await this.db(
      () => entries<string, CachedFile>(this.store),
      (m) => [...m.entries()],
    );
    return all.map(([, { blob: _blob, ...meta }]) => meta);
  }
}
