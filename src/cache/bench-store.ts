/**
 * Benchmark runs in IndexedDB. Records are validated on read: one that does not parse (an older
 * format, a half-written record) is skipped and reported with its first problem, never allowed to
 * hide the other runs. The validation is a pure function so it is tested in Node; the IndexedDB
 * part is a thin wrapper around idb-keyval.
 */
import { del, entries, set, type UseStore } from 'idb-keyval';
import { openStore } from './open-store';
import { benchRunSchema, describeIssues, type BenchRun } from '../bench/bench-types';

/** A stored record that could not be read, and why. */
export interface SkippedRun {
  key: string;
  problem: string;
}

export interface LoadedRuns {
  /** Readable runs, newest first. */
  runs: BenchRun[];
  skipped: SkippedRun[];
}

function keyName(key: IDBValidKey): string {
  return typeof key === 'string' || typeof key === 'number' ? String(key) : 'unnamed record';
}

/** Validates raw IndexedDB entries: good runs newest first, bad ones named with their first issue. */
export function readRunRecords(records: readonly (readonly [IDBValidKey, unknown])[]): LoadedRuns {
  const runs: BenchRun[] = [];
  const skipped: SkippedRun[] = [];
  for (const [key, value] of records) {
    const parsed = benchRunSchema.safeParse(value);
    if (parsed.success) runs.push(parsed.data);
    else skipped.push({ key: keyName(key), problem: describeIssues(parsed.error)[0] ?? 'unreadable' });
  }
  runs.sort((a, b) => b.startedAt - a.startedAt);
  return { runs, skipped };
}

export class BenchStore {
  private readonly store: UseStore;

  constructor(store?: UseStore) {
    this.store = store ?? openStore('playground-bench', 'runs');
  }

  /** All readable runs, newest first, and the records that were skipped. */
  async list(): Promise<LoadedRuns> {
    return readRunRecords(await entries<IDBValidKey, unknown>(this.store));
  }

  async save(run: BenchRun): Promise<void> {
    await set(run.id, run, this.store);
  }

  async delete(id: string): Promise<void> {
    await del(id, this.store);
  }
}
