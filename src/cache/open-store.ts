/**
 * Opens an idb-keyval store without letting a missing or forbidden IndexedDB (some private
 * modes, storage blocked by policy) throw at startup: the store then rejects each operation with
 * the original error, and every caller already turns a failed read or write into a notice.
 */
import { createStore, type UseStore } from 'idb-keyval';

export function openStore(dbName: string, storeName: string): UseStore {
  try {
    return createStore(dbName, storeName);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    return () => Promise.reject(failure);
  }
}
