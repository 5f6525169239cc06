/** localStorage where it exists (not in Node, and access can throw in some sandboxed frames). */
export function defaultStorage(): Storage | null {
  try {
    return (globalThis as { localStorage?: Storage }).localStorage ?? null;
  } catch {
    return null;
  }
}
