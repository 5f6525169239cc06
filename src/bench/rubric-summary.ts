/**
 * A target's rubric over a run: the mean grade per criterion over its graded answers (each sample
 * counts, as for the automatic scores), how many answers were graded, how many a judge left
 * unscored, and who graded them. The rubric's one number, `score`, is the mean of the three
 * criterion means mapped from 1–5 onto 0–1 ((mean − 1) / 4), so it reads on the same scale as the
 * automatic quality beside it, without being mixed into it.
 */
import type { BenchRun, BenchSample } from './bench-types';
import { isGradable } from './rubric-answers';
import { CRITERIA, GRADE_MAX, GRADE_MIN, isComplete, type Criterion } from './rubric-types';
import { targetKey } from './summary';

export interface RubricSummary {
  /** Mean grade per criterion, 1–5; null when no answer has that grade. */
  means: Record<Criterion, number | null>;
  /** Answers with every criterion graded. */
  graded: number;
  /** Answers a judge replied to without usable grades. */
  unscored: number;
  /** Who graded: "hand" and/or the judges' model ids, in the order first seen. */
  by: string[];
  /** The criterion means' mean mapped onto 0–1; null unless every criterion has a mean. */
  score: number | null;
}

export const NO_RUBRIC: RubricSummary = Object.freeze({
  means: Object.freeze({ coherence: null, factuality: null, concision: null }),
  graded: 0,
  unscored: 0,
  by: [],
  score: null,
});

/** 1–5 onto 0–1. */
export function gradeToUnit(grade: number): number {
  return (grade - GRADE_MIN) / (GRADE_MAX - GRADE_MIN);
}

/** The rubric of these samples' gradable answers. */
export function summarizeRubric(samples: readonly BenchSample[]): RubricSummary {
  const sums: Record<Criterion, { sum: number; n: number }> = {
    coherence: { sum: 0, n: 0 },
    factuality: { sum: 0, n: 0 },
    concision: { sum: 0, n: 0 },
  };
  let graded = 0;
  let unscored = 0;
  const by: string[] = [];
  for (const s of samples) {
    const r = s.rubric;
    if (!r || !isGradable(s)) continue;
    const who = r.by === 'hand' ? 'hand' : r.judge!;
    if (!by.includes(who)) by.push(who);
    if (r.problem !== null) unscored++;
    if (isComplete(r)) graded++;
    for (const c of CRITERIA) {
      const g = r[c];
      if (g !== null) sums[c] = { sum: sums[c].sum + g, n: sums[c].n + 1 };
    }
  }
  const means = Object.fromEntries(CRITERIA.map((c) => [c, sums[c].n ? sums[c].sum / sums[c].n : null])) as Record<
    Criterion,
    number | null
  >;
  const all = CRITERIA.map((c) => means[c]);
  const score = all.every((m): m is number => m !== null) ? gradeToUnit(all.reduce((a, b) => a + b, 0) / all.length) : null;
  return { means, graded, unscored, by, score };
}

/** The rubric per target (targetKey). */
export function rubricByTarget(run: Pick<BenchRun, 'samples'>): Map<string, RubricSummary> {
  const groups = new Map<string, BenchSample[]>();
  for (const s of run.samples) groups.set(targetKey(s), [...(groups.get(targetKey(s)) ?? []), s]);
  return new Map([...groups].map(([key, samples]) => [key, summarizeRubric(samples)]));
}

/** Whether any answer of the run carries a rubric. */
export function hasRubric(run: Pick<BenchRun, 'samples'>): boolean {
  return run.samples.some((s) => s.rubric !== undefined);
}

/** "4.3" of a mean grade, "–" without one. */
export function formatGrade(mean: number | null): string {
  return mean === null ? '–' : mean.toFixed(1);
}

/** "hand", "judge pocket-chat-1m", "hand + judge pocket-chat-1m", or "–". */
export function formatScorers(by: readonly string[]): string {
  return by.length ? by.map((b) => (b === 'hand' ? 'hand' : `judge ${b}`)).join(' + ') : '–';
}
