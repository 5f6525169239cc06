/**
 * The time a draft -> refine answer cost the user: the draft's parts plus, when it escalated, the
 * refiner's, part by part (so "prefill" is both prefills), and each stage's own total. Totals are
 * sums of the seen parts: question sent -> last token of each stage, which is what the user waits.
 */
import { LATENCY_PARTS, partsTotal, type LatencyParts } from '../metrics/latency-parts';

export interface PipelineLatency {
  draftMs: number;
  /** Null when the draft was kept. */
  refineMs: number | null;
  totalMs: number;
  parts: LatencyParts;
}

export function pipelineLatency(draft: LatencyParts, refined: LatencyParts | null): PipelineLatency {
  const draftMs = partsTotal(draft);
  const refineMs = refined ? partsTotal(refined) : null;
  const parts = Object.fromEntries(
    LATENCY_PARTS.map((p) => {
      const a = draft[p];
      const b = refined?.[p] ?? null;
      return [p, a === null && b === null ? null : (a ?? 0) + (b ?? 0)];
    }),
  ) as LatencyParts;
  return { draftMs, refineMs, totalMs: draftMs + (refineMs ?? 0), parts };
}
