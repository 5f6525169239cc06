/**
 * What the hub says a repository holds at one commit: the file list its tree API returns, with
 * each file's size and, for LFS and Xet files, its SHA-256. Downloads are checked against it, and
 * it is kept (src/cache/hub-listing-store.ts) so a model downloaded once loads offline with the
 * same checks.
 */
import { chunkIndex } from '../catalog/dtypes';

/** One entry of the hub's tree listing (`/api/models/{repo}/tree/{revision}?recursive=true`). */
export interface HubTreeEntry {
  type: string;
  path: string;
  size: number;
  /** Present for LFS (and Xet) files: the file's SHA-256. */
  lfs?: { oid: string; size: number } | undefined;
}

export interface HubListing {
  repo: string;
  /** The revision asked for (a branch, tag or commit, as the catalog names it). */
  revision: string;
  /** The commit that revision pointed to when the listing was read: files are fetched at it. */
  sha: string;
  files: readonly HubTreeEntry[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One tree API entry as the catalog needs it, or null for anything that is not a file with a
 * size. `lfs.oid` is the SHA-256 of the content (the entry's own `oid` is a git object id, not a
 * content hash); Xet-backed files carry the same `lfs` block.
 */
export function treeEntry(entry: unknown): HubTreeEntry | null {
  if (!isRecord(entry)) return null;
  const { type, path, size, lfs } = entry;
  if (type !== 'file' || typeof path !== 'string' || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return null;
  const sha = isRecord(lfs) && typeof lfs['oid'] === 'string' && /^[0-9a-f]{64}$/.test(lfs['oid']) ? lfs['oid'] : null;
  const lfsSize = isRecord(lfs) && typeof lfs['size'] === 'number' ? lfs['size'] : size;
  return { type, path, size, lfs: sha ? { oid: sha, size: lfsSize } : undefined };
}

/** The external-data files of `main` in the listing, in chunk order (…_data, …_data_1, …_data_2, …, …_data_10). */
export function externalDataChunks(main: string, files: readonly HubTreeEntry[]): HubTreeEntry[] {
  return files
    .flatMap((f) => {
      const index = chunkIndex(main, f.path);
      return index === null ? [] : [{ f, index }];
    })
    .sort((a, b) => a.index - b.index)
    .map(({ f }) => f);
}
