/** Download progress of a model load, per file and in total, from transformers.js' reports. */
import type { ProgressInfo } from '@huggingface/transformers';
import type { LoadProgress } from '../engine-types';

/** Sums per-file progress into totals; expected sizes come from the catalog when known. */
export class ProgressAggregator {
  private readonly files = new Map<string, { loaded: number; total: number }>();

  constructor(
    expected: readonly { path: string; bytes: number }[],
    private readonly onProgress: (p: LoadProgress) => void,
    private readonly servedFromCache?: (file: string) => boolean,
  ) {
    for (const f of expected) this.files.set(f.path, { loaded: 0, total: f.bytes });
  }

  update(info: ProgressInfo): void {
    if (info.status !== 'progress' && info.status !== 'done') return;
    const entry = this.files.get(info.file) ?? { loaded: 0, total: 0 };
    if (info.status === 'progress') {
      entry.total = Math.max(entry.total, info.total);
      entry.loaded = Math.max(entry.loaded, info.loaded);
    } else {
      entry.loaded = Math.max(entry.loaded, entry.total);
    }
    this.files.set(info.file, entry);
    let loaded = 0;
    let total = 0;
    for (const f of this.files.values()) {
      loaded += Math.min(f.loaded, f.total || f.loaded);
      total += f.total;
    }
    this.onProgress({
      phase: 'download',
      file: info.file,
      fileLoaded: entry.loaded,
      fileTotal: entry.total,
      loaded,
      total: Math.max(total, loaded),
      fromCache: this.servedFromCache?.(info.file) ?? false,
    });
  }
}
