/**
 * The model weight cache: every model file (and ONNX Runtime's wasm) is stored in IndexedDB and
 * handed to transformers.js through its custom-cache interface (`match` / `put`).
 *
 * Files are stored in chunks as they stream in (see weight-records.ts for the layout), so a file
 * of any size is never one Blob or ArrayBuffer in this code; a file becomes visible only once all
 * of it is stored. Only verified, complete files are stored (see integrity.ts); a cached file whose
 * size or hash no longer matches the catalog, or whose chunks are missing, is evicted on read, so
 * it is fetched again.
 */
import { clear, type UseStore } from 'idb-keyval';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { openStore } from './open-store';
import { IntegrityGuard } from './integrity';
import { checkChunkBytes, DEFAULT_CHUNK_BYTES, readInChunks } from './chunked-body';
import { isAbandoned, newPutId, putsInFlight, whileWriting } from './put-locks';
import {
  commitManifest,
  fileMeta,
  listFiles,
  readFile,
  removeChunks,
  removeFile,
  removeUnclaimedChunks,
  touchFile,
  unclaimedChunkOwners,
  whyUnusable,
  writeChunk,
  type FileMeta,
  type FileRecord,
  type Manifest,
  type StoredFile,
  type WholeFile,
} from './weight-records';
import { errorMessage } from '../errors/error-message';

/** One cached file in one record (the in-memory fallback, and records of earlier versions). */
export type CachedFile = WholeFile;

export type CacheNotice =
  | { kind: 'evicted'; url: string; reason: string }
  | { kind: 'store-failed'; url: string; reason: string }
  /** The browser refused the bytes: `neededBytes` for this file, `freeBytes` left (null: unknown). */
  | { kind: 'quota'; url: string; reason: string; neededBytes: number; freeBytes: number | null }
  /** IndexedDB cannot be used at all (some private modes, blocked storage): files live in memory. */
  | { kind: 'unavailable'; url: string; reason: string };

export interface WeightCacheOptions {
  /** Bytes per stored chunk (default 64 MiB, see DEFAULT_CHUNK_BYTES); tests use a few bytes. */
  chunkBytes?: number;
}

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

export class WeightCache {
  private readonly store: UseStore;
  private readonly chunkBytes: number;
  /** Set once IndexedDB turned out to be unusable: the files of this session, kept in memory. */
  private memory: Map<string, CachedFile> | null = null;
  /** The sweep for leftover chunks made when this cache is first used. */
  private firstSweep: Promise<void> | null = null;
  /** URLs served from this cache since the last `resetHits()`. */
  readonly hits = new Set<string>();

  constructor(
    private readonly guard: IntegrityGuard,
    private readonly onNotice: (notice: CacheNotice) => void = () => undefined,
    store?: UseStore,
    options: WeightCacheOptions = {},
  ) {
    this.store = store ?? openStore('playground-weights', 'files');
    this.chunkBytes = checkChunkBytes(options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  }

  resetHits(): void {
    this.hits.clear();
  }

  private fallBackToMemory(error: unknown): Map<string, CachedFile> {
    if (!this.memory) {
      this.memory = new Map();
      this.onNotice({ kind: 'unavailable', url: '', reason: errorMessage(error) });
    }
    return this.memory;
  }

  /** Runs an IndexedDB operation, or its in-memory twin once IndexedDB is known to be unusable. */
  private async db<T>(op: () => Promise<T>, inMemory: (files: Map<string, CachedFile>) => T): Promise<T> {
    if (this.memory) return inMemory(this.memory);
    try {
      return await op();
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      return inMemory(this.fallBackToMemory(error));
    }
  }

  /**
   * Deletes the chunks of puts that will never commit (a crash, a failed cleanup): those no manifest
   * claims and no running put (in any tab or worker) holds. Housekeeping: a failure changes nothing.
   */
  private async sweep(): Promise<void> {
    if (this.memory) return;
    try {
      const unclaimed = await unclaimedChunkOwners(this.store);
      if (!unclaimed.length) return;
      const inFlight = await putsInFlight();
      const abandoned = unclaimed.filter((o) => isAbandoned(o.putId, inFlight));
      if (abandoned.length) await removeUnclaimedChunks(this.store, abandoned);
    } catch {
      // The next sweep tries again; reads and writes report their own failures.
    }
  }

  private sweepOnce(): void {
    this.firstSweep ??= this.sweep();
  }

  /** transformers.js custom cache: a stored Response, or undefined to make it download. */
  async match(key: string): Promise<Response | undefined> {
    const url = this.guard.resolve(key);
    this.sweepOnce();
    const file = await this.db(
      () => readFile(this.store, url),
      (m): StoredFile | undefined => {
        const record = m.get(url);
        return record && { record, blobs: [record.blob] };
      },
    );
    if (!file) return undefined;
    const stale = whyUnusable(file, this.guard.expectation(url));
    if (stale) {
      await this.db(
        () => removeFile(this.store, url, file.record),
        (m) => m.delete(url),
      );
      this.onNotice({ kind: 'evicted', url, reason: stale });
      return undefined;
    }
    const record = file.record!;
    this.hits.add(url);
    if (!this.memory) void touchFile(this.store, record, Date.now()).catch(() => undefined);
    // Blob composition: the chunks stay where the browser keeps them; nothing is copied here.
    return new Response(new Blob(file.blobs, { type: record.contentType }), {
      headers: { 'content-type': record.contentType, 'content-length': String(record.bytes) },
    });
  }

  /**
   * transformers.js custom cache: stores a completed download, chunk by chunk as its body streams.
   * A refused write (storage full...) is a notice, not an error: the load goes on without the
   * cache. A body that fails to stream rejects with its error. Either way nothing of it stays.
   */
  async put(key: string, response: Response): Promise<void> {
    const url = this.guard.resolve(key);
    this.sweepOnce();
    const putId = newPutId();
    await whileWriting(putId, () => this.write(url, putId, response));
  }

  private async write(url: string, putId: string, response: Response): Promise<void> {
    // A download through the guard was hashed as it streamed; anything else is hashed here.
    const verified = this.guard.takeVerified(url);
    const hash = verified ? null : sha256.create();
    const header = response.headers.get('content-length');
    const declared = header === null ? null : Number(header);
    const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
    // In memory (no IndexedDB) the chunks are kept as Blobs and become one file at the end.
    let inMemory: Blob[] | null = this.memory ? [] : null;
    let bytes = 0;
    let chunks = 0;
    let refused: { error: unknown } | null = null;
    const discard = async (): Promise<void> => {
      if (chunks > 0 && !inMemory) await removeChunks(this.store, { url, putId }).catch(() => undefined);
    };
    try {
      for await (const pieces of readInChunks(response.body, this.chunkBytes)) {
        for (const piece of pieces) {
          hash?.update(piece);
          bytes += piece.byteLength;
        }
        const blob = new Blob(pieces);
        if (!inMemory) {
          try {
            await writeChunk(this.store, [url, putId, chunks], blob);
          } catch (error) {
            // IndexedDB unusable from the start: this file, and the next ones, live in memory.
            if (chunks === 0 && isUnavailable(error)) {
              this.fallBackToMemory(error);
              inMemory = [];
            } else {
              refused = { error };
              break;
            }
          }
        }
        inMemory?.push(blob);
        chunks++;
      }
    } catch (error) {
      await discard();
      throw error;
    }
    if (refused) {
      await discard();
      const reason = errorMessage(refused.error);
      if (isQuotaError(refused.error)) {
        const neededBytes = this.guard.expectation(url)?.bytes ?? declared ?? bytes;
        this.onNotice({ kind: 'quota', url, reason, neededBytes, freeBytes: await freeStorage() });
      } else this.onNotice({ kind: 'store-failed', url, reason });
      return;
    }
    const mismatch =
      declared !== null && declared !== bytes
        ? `incomplete body (${bytes} of ${declared} bytes)`
        : verified && verified.bytes !== bytes
          ? `the body (${bytes} bytes) is not the download that was verified (${verified.bytes} bytes)`
          : null;
    if (mismatch) {
      await discard();
      this.onNotice({ kind: 'store-failed', url, reason: mismatch });
      return;
    }
    const now = Date.now();
    const meta: FileMeta = {
      url,
      bytes,
      sha256: verified?.sha256 ?? bytesToHex(hash!.digest()),
      contentType,
      storedAt: now,
      lastUsedAt: now,
    };
    if (inMemory) {
      this.memory?.set(url, { ...meta, blob: new Blob(inMemory, { type: contentType }) });
      return;
    }
    const manifest: Manifest = { ...meta, putId, chunkBytes: this.chunkBytes, chunks };
    try {
      await commitManifest(this.store, manifest);
    } catch (error) {
      await discard();
      const reason = errorMessage(error);
      if (isQuotaError(error)) this.onNotice({ kind: 'quota', url, reason, neededBytes: bytes, freeBytes: await freeStorage() });
      else this.onNotice({ kind: 'store-failed', url, reason });
    }
  }

  /** Deletes a file (all its chunks); says whether there was one. */
  async delete(key: string): Promise<boolean> {
    const url = this.guard.resolve(key);
    return this.db(
      () => removeFile(this.store, url),
      (m) => m.delete(url),
    );
  }

  /** Deletes every stored file. */
  async clear(): Promise<void> {
    await this.db(
      () => clear(this.store),
      (m) => m.clear(),
    );
  }

  /** One entry per stored file (never per chunk); leftover chunks of failed puts are swept first. */
  async list(): Promise<Omit<CachedFile, 'blob'>[]> {
    await this.sweep();
    const files = await this.db<FileRecord[]>(
      () => listFiles(this.store),
      (m) => [...m.values()],
    );
    return files.map(fileMeta);
  }
}
