/**
 * Which chunked writes of the weight cache are still under way, across every tab and worker of
 * the origin: each put holds a Web Lock named after its id for as long as it runs, and the browser
 * releases it when the put ends or its tab or worker dies. Chunks whose put holds no lock and that
 * no manifest claims are left over from a crash or a failed cleanup, and can be deleted.
 */

const LOCK_PREFIX = 'weight-cache-put:';

/** Without Web Locks (Node, old browsers) a put this old is taken for abandoned: none lasts a day. */
const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

function lockManager(): LockManager | undefined {
  return (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
}

/** A new put's id: its start time (base 36), then random characters so two puts never share one. */
export function newPutId(now = Date.now()): string {
  return `${now.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Runs a put while holding its lock, so sweeps elsewhere leave its chunks alone. */
export async function whileWriting<T>(putId: string, work: () => Promise<T>): Promise<T> {
  const locks = lockManager();
  return locks ? locks.request(LOCK_PREFIX + putId, work) : work();
}

/** The ids of the puts running anywhere in this origin, or null when the browser cannot tell. */
export async function putsInFlight(): Promise<ReadonlySet<string> | null> {
  const locks = lockManager();
  if (!locks) return null;
  try {
    const { held = [] } = await locks.query();
    return new Set(held.flatMap((lock) => (lock.name?.startsWith(LOCK_PREFIX) ? [lock.name.slice(LOCK_PREFIX.length)] : [])));
  } catch {
    return null;
  }
}

/** Whether the chunks of `putId` can be deleted as far as its writer goes (the caller checks manifests). */
export function isAbandoned(putId: string, inFlight: ReadonlySet<string> | null, now = Date.now()): boolean {
  if (inFlight) return !inFlight.has(putId);
  const started = parseInt(putId.split('-')[0] ?? '', 36);
  return !Number.isFinite(started) || now - started > ABANDONED_AFTER_MS;
}
