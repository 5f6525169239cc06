/**
 * What the weight-cache test page holds: the real WeightCache, bundled for the browser (see
 * lab-page.ts), and helpers that reach the object store with plain IndexedDB calls, beside the
 * cache's own code, so a test sees what is really stored.
 */
import { createStore } from 'idb-keyval';
import { IntegrityGuard } from '../../../src/cache/integrity';
import { WeightCache } from '../../../src/cache/weight-cache';

export { createStore, IntegrityGuard, WeightCache };

/** The object store name the weight cache uses in its database. */
export const STORE = 'files';

function open(db: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(db);
    // Created here when the test touches the database first; the same schema the cache makes.
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(String(request.error)));
  });
}

async function inStore<T>(db: string, mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const database = await open(db);
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = database.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(new Error(String(tx.error)));
      tx.onabort = () => reject(new Error(String(tx.error)));
    });
  } finally {
    database.close();
  }
}

/** Every key in the store, in key order (file URLs first, then chunk keys). */
export function rawKeys(db: string): Promise<IDBValidKey[]> {
  return inStore(db, 'readonly', (s) => s.getAllKeys());
}

export function rawGet(db: string, key: IDBValidKey): Promise<unknown> {
  return inStore(db, 'readonly', (s) => s.get(key));
}

export async function rawPut(db: string, key: IDBValidKey, value: unknown): Promise<void> {
  await inStore(db, 'readwrite', (s) => s.put(value, key));
}

export async function rawDelete(db: string, key: IDBValidKey): Promise<void> {
  await inStore(db, 'readwrite', (s) => s.delete(key));
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** SHA-256 by the browser's own implementation, not the cache's. */
export async function sha256Hex(data: BufferSource): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A body that hands out `bytes` in pieces of `pieceBytes`, one per read and only when read.
 * `beforePiece(i)` runs before piece i goes out: it may wait (a slow network), or throw to fail
 * the stream there (a dropped connection).
 */
export function bodyOf(
  bytes: Uint8Array<ArrayBuffer>,
  pieceBytes: number,
  beforePiece?: (index: number) => Promise<void> | void,
): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const at = index * pieceBytes;
        if (at >= bytes.byteLength) {
          controller.close();
          return;
        }
        try {
          await beforePiece?.(index);
        } catch (error) {
          controller.error(error);
          return;
        }
        controller.enqueue(bytes.slice(at, at + pieceBytes));
        index++;
      },
    },
    { highWaterMark: 0 },
  );
}
