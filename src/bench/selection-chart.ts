/**
 * The quality / latency scatter of a selection report: one point per model and backend, quality
 * (all scored prompts, %) against its mean answer time. Derived here, in one pure place, so a test
 * can compare the chart with the report without reading pixels.
 */
import type { SelectionReport } from './selection';

export interface ScatterPoint {
  label: string;
  /** Mean answer time, ms. */
  x: number;
  /** Quality, percent. */
  y: number;
}

export interface QualityScatter {
  points: ScatterPoint[];
  /** Targets with no point: no scored answer, or no timed one. */
  unplotted: string[];
}

export function qualityScatter(report: SelectionReport): QualityScatter {
  const points: ScatterPoint[] = [];
  const unplotted: string[] = [];
  for (const row of report.rows) {
    const x = row.summary.totalMs.mean;
    const q = row.quality.score;
    if (x === null || q === null) unplotted.push(row.label);
    else points.push({ label: row.label, x, y: q * 100 });
  }
  return { points, unplotted };
}
