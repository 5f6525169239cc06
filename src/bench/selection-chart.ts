/**
 * The quality / latency scatter of a selection report: per model and backend, its automatic
 * quality (all scored prompts, %) against its mean answer time, and beside it, where its answers
 * are graded, its rubric score (the 1–5 means mapped onto 0–100%, rubric-summary.ts) at the same
 * time, drawn as a second marker. The two stay apart: a prompt set may have references and no
 * rubric, or a rubric and no references, and a mix of both would explain neither. Derived here,
 * in one pure place, so a test can compare the chart with the report without reading pixels.
 */
import type { SelectionReport } from './selection';

export interface ScatterPoint {
  label: string;
  /** Mean answer time, ms. */
  x: number;
  /** Quality or rubric score, percent. */
  y: number;
}

export interface QualityScatter {
  /** Automatic quality, one per target with a scored and timed answer. */
  points: ScatterPoint[];
  /** Rubric score, one per target whose answers are graded on every criterion. */
  rubricPoints: ScatterPoint[];
  /** Targets with no point: no scored or graded answer, or no timed one. */
  unplotted: string[];
}

export function qualityScatter(report: SelectionReport): QualityScatter {
  const points: ScatterPoint[] = [];
  const rubricPoints: ScatterPoint[] = [];
  const unplotted: string[] = [];
  for (const row of report.rows) {
    const x = row.summary.totalMs.mean;
    const q = row.quality.score;
    const r = row.rubric.score;
    if (x !== null && q !== null) points.push({ label: row.label, x, y: q * 100 });
    if (x !== null && r !== null) rubricPoints.push({ label: row.label, x, y: r * 100 });
    if (x === null || (q === null && r === null)) unplotted.push(row.label);
  }
  return { points, rubricPoints, unplotted };
}
