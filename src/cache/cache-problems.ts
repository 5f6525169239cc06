/**
 * The weight cache's notices turned into what the user reads after a load: one sentence for a
 * full storage (how much was needed, how much is free, what to do), one per other failure.
 */
import type { CacheNotice } from './weight-cache';

function mb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.max(0.1, bytes / 1e6).toFixed(1)} MB`;
}

function fileName(url: string): string {
  return url.split('?')[0]?.split('/').pop() ?? url;
}

export function describeCacheProblems(notices: readonly CacheNotice[]): string[] {
  const quota = notices.flatMap((n) => (n.kind === 'quota' ? [n] : []));
  const out: string[] = [];
  if (quota.length) {
    const needed = quota.reduce((sum, n) => sum + n.neededBytes, 0);
    const free = quota.flatMap((n) => (n.freeBytes === null ? [] : [n.freeBytes]))[0];
    const files = quota.length === 1 ? fileName(quota[0]!.url) : `${quota.length} files`;
    out.push(
      `Storage is full: ${files} (${mb(needed)}) could not be kept in this browser` +
        `${free !== undefined ? `, ${mb(free)} free` : ''}. The model runs now but will download again next time; ` +
        'free space under Settings → Models on this device, or allow the site more storage.',
    );
  }
  if (notices.some((n) => n.kind === 'unavailable')) {
    out.push(
      'This browser does not let the app store files (IndexedDB is unavailable, e.g. in a private window): ' +
        'models are kept in memory for this session and download again next time.',
    );
  }
  for (const n of notices) {
    if (n.kind === 'store-failed') out.push(`${fileName(n.url)} could not be kept in this browser: ${n.reason}`);
    if (n.kind === 'evicted') out.push(`${fileName(n.url)}: ${n.reason}`);
  }
  return out;
}

/** Why an imported file could not be stored; an import has no copy elsewhere, so it is all or nothing. */
export function describeImportFailure(notice: CacheNotice): string {
  const name = fileName(notice.url);
  if (notice.kind === 'quota') {
    const free = notice.freeBytes === null ? '' : `, ${mb(notice.freeBytes)} free`;
    return `Storage is full: ${name} needs ${mb(notice.neededBytes)}${free}. Nothing was imported; free space under Settings → Models on this device and try again.`;
  }
  return `Could not store ${name} in this browser (${notice.reason}). Nothing was imported.`;
}
