/**
 * Per-target statistics of a run, and the browser-vs-native comparison. A target is a model on a
 * backend with the dtype that actually ran: q4 and fp16 of one model are different targets.
 * Warm-up requests and failed requests are left out of every statistic (failed ones are counted).
 */
import type { BackendKind } from '../engine/engine-types';
import { LATENCY_PARTS, type LatencyParts } from '../metrics/latency-parts';
import { summarize, type Stats } from './stats';
import type { BenchSample, RunDtype } from './bench-types';

/** Statistics of one target over its measured, successful requests. */
export interface TargetSummary {
  modelId: string;
  backend: BackendKind;
  dtype: RunDtype;
  /** Measured (non-warm-up) requests that succeeded: the n behind every statistic. */
  samples: number;
  /** Measured requests that failed or were cancelled. */
  failed: number;
  ttftMs: Stats;
  prefillTokensPerSec: Stats;
  decodeTokensPerSec: Stats;
  totalMs: Stats;
  /** Mean of each part of the requests' time over those that recorded it; null when none did. */
  parts: LatencyParts | null;
}

/** Each part's mean over the samples that saw it (null where none did); null without any parts. */
function meanParts(samples: readonly BenchSample[]): LatencyParts | null {
  const withParts = samples.flatMap((s) => (s.parts ? [s.parts] : []));
  if (!withParts.length) return null;
  const out = {} as LatencyParts;
  for (const p of LATENCY_PARTS) {
    const seen = withParts.flatMap((x) => (x[p] === null ? [] : [x[p]]));
    out[p] = seen.length ? seen.reduce((a, b) => a + b, 0) / seen.length : null;
  }
  return out;
}

/** "pocket-chat-1m|wasm|q4": the grouping key of a target. */
export function targetKey(s: { modelId: string; backend: BackendKind; dtype: RunDtype }): string {
  return `${s.modelId}|${s.backend}|${s.dtype}`;
}

/** One summary per target, in the order targets first appear among the samples. */
export function summarizeTargets(samples: readonly BenchSample[]): TargetSummary[] {
  const groups = new Map<string, { ok: BenchSample[]; failed: number; first: BenchSample }>();
  for (const s of samples) {
    if (s.warmup) continue;
    const key = targetKey(s);
    const group = groups.get(key) ?? { ok: [], failed: 0, first: s };
    groups.set(key, group);
    if (s.error === null) group.ok.push(s);
    else group.failed++;
  }
  return [...groups.values()].map(({ ok, failed, first }) => ({
    modelId: first.modelId,
    backend: first.backend,
    dtype: first.dtype,
    samples: ok.length,
    failed,
    ttftMs: summarize(ok.map((s) => s.ttftMs)),
    prefillTokensPerSec: summarize(ok.map((s) => s.prefillTokensPerSec)),
    decodeTokensPerSec: summarize(ok.map((s) => s.decodeTokensPerSec)),
    totalMs: summarize(ok.map((s) => s.totalMs)),
    parts: meanParts(ok),
  }));
}

/** A browser target of a model next to the same model on the gateway. */
export interface NativeComparison {
  modelId: string;
  browser: TargetSummary;
  native: TargetSummary;
  /** browser p50 decode tok/s / gateway p50 decode tok/s; null when either is unknown or 0. */
  ratio: number | null;
}

/**
 * For every model id measured both in the browser (webgpu/wasm) and on the gateway, the ratio of
 * their median decode rates. The median, not the mean: one stalled request (GC pause, thermal
 * throttling) should not decide "browser at N% of native".
 */
export function compareToNative(summaries: readonly TargetSummary[]): NativeComparison[] {
  const out: NativeComparison[] = [];
  for (const native of summaries) {
    if (native.backend !== 'gateway') continue;
    for (const browser of summaries) {
      if (browser.backend === 'gateway' || browser.modelId !== native.modelId) continue;
      const b = browser.decodeTokensPerSec.p50;
      const n = native.decodeTokensPerSec.p50;
      out.push({ modelId: native.modelId, browser, native, ratio: b !== null && n !== null && n > 0 ? b / n : null });
    }
  }
  return out;
}

/** "browser (WebGPU q4) at 42% of native", or why there is no number. */
export function describeComparison(c: NativeComparison): string {
  const where = `browser (${c.browser.backend === 'webgpu' ? 'WebGPU' : 'WASM'} ${c.browser.dtype})`;
  if (c.ratio === null) return `${c.modelId}: ${where} vs native: no decode rate to compare`;
  return `${c.modelId}: ${where} at ${Math.round(c.ratio * 100)}% of native`;
}
