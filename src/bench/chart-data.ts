/**
 * What the benchmark charts plot, derived from a run in one pure place, so a test can compare the
 * chart against the stored samples without reading pixels.
 */
import { summarizeTargets, targetKey, type TargetSummary } from './summary';
import type { BenchRun } from './bench-types';

/** "pocket-chat-1m · WASM q4": the name of a target in legends and axes. */
export function targetLabel(s: Pick<TargetSummary, 'modelId' | 'backend' | 'dtype'>): string {
  const where = s.backend === 'webgpu' ? 'WebGPU' : s.backend === 'wasm' ? 'WASM' : 'gateway';
  // A gateway does not say what it runs: "server" would only look like a dtype.
  return s.dtype === 'server' ? `${s.modelId} · ${where}` : `${s.modelId} · ${where} ${s.dtype}`;
}

export interface BenchChartData {
  labels: string[];
  ttftP50: (number | null)[];
  ttftP95: (number | null)[];
  decodeP50: (number | null)[];
  decodeP95: (number | null)[];
  /** One line per target: the inter-token gaps (ms) of its first measured, successful answer. */
  gaps: { label: string; values: number[] }[];
}

/** The data of every chart of a run. */
export function benchChartData(run: BenchRun): BenchChartData {
  const summaries = summarizeTargets(run.samples);
  return {
    labels: summaries.map(targetLabel),
    ttftP50: summaries.map((s) => s.ttftMs.p50),
    ttftP95: summaries.map((s) => s.ttftMs.p95),
    decodeP50: summaries.map((s) => s.decodeTokensPerSec.p50),
    decodeP95: summaries.map((s) => s.decodeTokensPerSec.p95),
    gaps: summaries.map((s) => {
      const sample = run.samples.find((x) => !x.warmup && x.error === null && targetKey(x) === targetKey(s));
      return { label: targetLabel(s), values: sample?.interTokenMs ?? [] };
    }),
  };
}

export interface HistoryChartData {
  /** One label per run, oldest first. */
  labels: string[];
  /** One line per target: its median decode tok/s in each run, null where it did not run. */
  series: { label: string; values: (number | null)[] }[];
}

/** Median decode rate of every target across runs, oldest run first, for the history chart. */
export function historyChartData(runs: readonly BenchRun[], label: (run: BenchRun) => string): HistoryChartData {
  const ordered = [...runs].sort((a, b) => a.startedAt - b.startedAt);
  const byRun = ordered.map((run) => new Map(summarizeTargets(run.samples).map((s) => [targetKey(s), s])));
  const keys = [...new Set(byRun.flatMap((m) => [...m.keys()]))];
  return {
    labels: ordered.map(label),
    series: keys.map((key) => {
      const first = byRun.find((m) => m.has(key))!.get(key)!;
      return { label: targetLabel(first), values: byRun.map((m) => m.get(key)?.decodeTokensPerSec.p50 ?? null) };
    }),
  };
}
