/**
 * How the weight cache lays files out in its one object store (one store per database), and the
 * transactions that read and change them.
 *
 * - A **manifest**, under the file's URL (a string key): what the file is and which chunks hold it.
 *   It is written last, in a transaction that first counts the chunks: the commit point. A put that
 *   fails, or a tab that dies halfway, leaves chunks but never a readable part of a file.
 * - A **chunk**, under `[url, putId, index]` (an array key): `{ blob }`, `chunkBytes` of the file
 *   (the last one shorter). Array keys sort after every string, so the manifests and the chunks
 *   are two key ranges of one store, and a put's chunks one range of those.
 * - A **legacy record**, under the file's URL: the whole file as one `{ ...meta, blob }`, as
 *   stored before files were chunked. They are read, listed and deleted as they are and never
 *   migrated: they were stored whole, and reading one is a disk-backed Blob, not an ArrayBuffer,
 *   so rewriting them would only cost time and, for a while, twice their space. They go away when
 *   their file is stored again (a new revision, an eviction) or deleted.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { chunkCount, chunkSize } from './chunked-body';

/** What is known of a stored file, whatever its layout. */
export interface FileMeta {
  url: string;
  bytes: number;
  sha256: string;
  contentType: string;
  storedAt: number;
  lastUsedAt: number;
}

/** A chunked file: its chunks are `[url, putId, 0 … chunks - 1]`. */
export interface Manifest extends FileMeta {
  putId: string;
  chunkBytes: number;
  chunks: number;
}

/** A file in one record: the layout of earlier versions, and of the in-memory fallback. */
export interface WholeFile extends FileMeta {
  blob: Blob;
}

export type FileRecord = Manifest | WholeFile;

export interface ChunkRecord {
  blob: Blob;
}

export type ChunkKey = [url: string, putId: string, index: number];

/** The put that wrote some chunks. */
export interface ChunkOwner {
  url: string;
  putId: string;
}

/** A manifest that does not add up: its chunks are missing or not the size they must be. */
export class IncompleteFileError extends Error {
  override name = 'IncompleteFileError';
}

// Ranges are made when used: IDBKeyRange is missing where IndexedDB is (Node, some private modes).
/** Every string key: the manifests and legacy records (strings sort before arrays). */
const fileKeys = (): IDBKeyRange => IDBKeyRange.bound('', [], false, true);
/** Every array key: the chunks. */
const chunkKeys = (): IDBKeyRange => IDBKeyRange.lowerBound([]);

/** All chunks of one put, whatever their index (a number sorts before an array). */
function putRange(owner: ChunkOwner): IDBKeyRange {
  return IDBKeyRange.bound([owner.url, owner.putId], [owner.url, owner.putId, []]);
}

/** Exactly the chunks a manifest names. */
function manifestRange(m: Manifest): IDBKeyRange {
  return IDBKeyRange.bound([m.url, m.putId, 0], [m.url, m.putId, m.chunks - 1]);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** A stored value as a file record, or null when it is neither layout (then it is treated as damaged). */
export function asFileRecord(value: unknown): FileRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  const meta =
    typeof r['url'] === 'string' &&
    isNumber(r['bytes']) &&
    typeof r['sha256'] === 'string' &&
    typeof r['contentType'] === 'string' &&
    isNumber(r['storedAt']) &&
    isNumber(r['lastUsedAt']);
  if (!meta) return null;
  if (r['blob'] instanceof Blob) return value as WholeFile;
  const chunked =
    typeof r['putId'] === 'string' &&
    Number.isSafeInteger(r['chunkBytes']) &&
    Number(r['chunkBytes']) > 0 &&
    r['chunks'] === chunkCount(Number(r['bytes']), Number(r['chunkBytes']));
  return chunked ? (value as Manifest) : null;
}

export function isManifest(record: FileRecord): record is Manifest {
  return !('blob' in record);
}

/** The same stored version of a file: a put of it since then, or a delete, makes it another. */
function sameVersion(a: FileRecord, b: FileRecord): boolean {
  return isManifest(a) && isManifest(b) ? a.putId === b.putId : !isManifest(a) && !isManifest(b) && a.storedAt === b.storedAt;
}

/** Only what a file is, without how it is stored. */
export function fileMeta(r: FileMeta): FileMeta {
  return { url: r.url, bytes: r.bytes, sha256: r.sha256, contentType: r.contentType, storedAt: r.storedAt, lastUsedAt: r.lastUsedAt };
}

/** A stored file: its record (null when damaged) and the Blobs that hold its bytes, in order. */
export interface StoredFile {
  record: FileRecord | null;
  blobs: Blob[];
}

/** Why a stored file cannot be served, or null when it can. */
export function whyUnusable(file: StoredFile, expected: { bytes?: number; sha256?: string } | undefined): string | null {
  const { record, blobs } = file;
  if (!record) return 'the cached record cannot be read; downloading it again';
  if (
    (expected?.bytes !== undefined && expected.bytes !== record.bytes) ||
    (expected?.sha256 !== undefined && expected.sha256 !== record.sha256)
  )
    return 'the cached copy does not match the catalog; downloading it again';
  if (!isManifest(record)) return blobs[0]?.size === record.bytes ? null : 'the cached copy is incomplete; downloading it again';
  const missing = record.chunks - blobs.length;
  if (missing > 0) return `the cached copy is incomplete (${missing} of its ${record.chunks} chunks missing); downloading it again`;
  const wrong = blobs.findIndex((b, i) => b.size !== chunkSize(record.bytes, record.chunkBytes, i));
  return wrong < 0 ? null : `the cached copy is damaged (chunk ${wrong + 1} of ${record.chunks} has the wrong size); downloading it again`;
}

/** Reads a file's record and its chunks in one transaction, so a concurrent put cannot mix two versions. */
export function readFile(store: UseStore, url: string): Promise<StoredFile | undefined> {
  return store('readonly', async (s) => {
    const value = await promisifyRequest<unknown>(s.get(url));
    if (value === undefined) return undefined;
    const record = asFileRecord(value);
    if (!record) return { record, blobs: [] };
    if (!isManifest(record)) return { record, blobs: [record.blob] };
    if (record.chunks === 0) return { record, blobs: [] };
    const chunks = await promisifyRequest<unknown[]>(s.getAll(manifestRange(record)));
    return {
      record,
      blobs: chunks.flatMap((c) => (typeof c === 'object' && c !== null && 'blob' in c && c.blob instanceof Blob ? [c.blob] : [])),
    };
  });
}

export function writeChunk(store: UseStore, key: ChunkKey, blob: Blob): Promise<void> {
  const value: ChunkRecord = { blob };
  return store('readwrite', (s) => {
    s.put(value, key);
    return promisifyRequest(s.transaction);
  });
}

/**
 * The commit point of a put: writes its manifest if all its chunks are there (a concurrent clear
 * may have removed them), and removes the chunks of the version it replaces, all in one transaction.
 */
export function commitManifest(store: UseStore, manifest: Manifest): Promise<void> {
  return store('readwrite', async (s) => {
    const present = manifest.chunks === 0 ? 0 : await promisifyRequest(s.count(manifestRange(manifest)));
    if (present !== manifest.chunks) {
      s.transaction.abort();
      throw new IncompleteFileError(`its chunks were deleted while it was being stored (${present} of ${manifest.chunks} left)`);
    }
    const previous = asFileRecord(await promisifyRequest<unknown>(s.get(manifest.url)));
    s.put(manifest, manifest.url);
    if (previous && isManifest(previous) && previous.putId !== manifest.putId) s.delete(putRange(previous));
    await promisifyRequest(s.transaction);
  });
}

/**
 * Deletes a file and its chunks. With `version`, only if that version is still the stored one
 * (an eviction must not delete a file another tab has just stored again). Says whether it deleted.
 */
export function removeFile(store: UseStore, url: string, version?: FileRecord | null): Promise<boolean> {
  return store('readwrite', async (s) => {
    const value = await promisifyRequest<unknown>(s.get(url));
    if (value === undefined) return false;
    const current = asFileRecord(value);
    if (version && (!current || !sameVersion(current, version))) return false;
    s.delete(url);
    if (current && isManifest(current)) s.delete(putRange(current));
    await promisifyRequest(s.transaction);
    return true;
  });
}

/** Records a use, unless the file was replaced or deleted since it was read. */
export function touchFile(store: UseStore, version: FileRecord, at: number): Promise<void> {
  return store('readwrite', async (s) => {
    const current = asFileRecord(await promisifyRequest<unknown>(s.get(version.url)));
    if (current && sameVersion(current, version)) s.put({ ...current, lastUsedAt: at }, version.url);
    await promisifyRequest(s.transaction);
  });
}

/** Removes the chunks a put wrote (it failed, or was abandoned), whatever their index. */
export function removeChunks(store: UseStore, owner: ChunkOwner): Promise<void> {
  return store('readwrite', (s) => {
    s.delete(putRange(owner));
    return promisifyRequest(s.transaction);
  });
}

/** Every readable file record (manifests and legacy records); damaged ones are left out. */
export function listFiles(store: UseStore): Promise<FileRecord[]> {
  return store('readonly', async (s) => {
    const values = await promisifyRequest<unknown[]>(s.getAll(fileKeys()));
    return values.flatMap((v) => {
      const record = asFileRecord(v);
      return record ? [record] : [];
    });
  });
}

/** The puts whose chunks no manifest claims: under way elsewhere, failed, or cut short by a crash. */
export function unclaimedChunkOwners(store: UseStore): Promise<ChunkOwner[]> {
  return store('readonly', async (s) => {
    const [keys, files] = await Promise.all([
      promisifyRequest(s.getAllKeys(chunkKeys())),
      promisifyRequest<unknown[]>(s.getAll(fileKeys())),
    ]);
    const claimed = new Set(
      files.flatMap((v) => {
        const r = asFileRecord(v);
        return r && isManifest(r) ? [JSON.stringify([r.url, r.putId])] : [];
      }),
    );
    const owners = new Map<string, ChunkOwner>();
    for (const key of keys) {
      if (!Array.isArray(key) || typeof key[0] !== 'string' || typeof key[1] !== 'string') continue;
      const id = JSON.stringify([key[0], key[1]]);
      if (!claimed.has(id)) owners.set(id, { url: key[0], putId: key[1] });
    }
    return [...owners.values()];
  });
}

/**
 * Deletes the chunks of abandoned puts, in one transaction that checks again that no manifest
 * claims them: a put that committed since they were found keeps its chunks.
 */
export function removeUnclaimedChunks(store: UseStore, owners: readonly ChunkOwner[]): Promise<void> {
  return store('readwrite', async (s) => {
    for (const owner of owners) {
      const current = asFileRecord(await promisifyRequest<unknown>(s.get(owner.url)));
      if (current && isManifest(current) && current.putId === owner.putId) continue;
      s.delete(putRange(owner));
    }
    await promisifyRequest(s.transaction);
  });
}
