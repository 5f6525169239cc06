/**
 * Grading an answer by hand. Changing one criterion makes the answer's rubric the user's: the
 * other criteria keep the grades shown (a judge's included, which the user then stands behind),
 * and the judge's reply is dropped with its authorship. Clearing every criterion removes the rubric.
 */
import type { BenchRun } from './bench-types';
import { gradedAnswers, withRubric } from './rubric-answers';
import { CRITERIA, type Criterion, type Rubric } from './rubric-types';

/** Thrown for a grade that cannot be set; says why. */
export class HandGradeError extends Error {
  override readonly name = 'HandGradeError';
}

/** The run with `criterion` of answer `key` graded `grade` by hand (null clears it). */
export function gradeByHand<R extends Pick<BenchRun, 'samples' | 'plan'>>(
  run: R,
  key: string,
  criterion: Criterion,
  grade: number | null,
): R {
  const answer = gradedAnswers(run).find((a) => a.key === key);
  if (!answer) throw new HandGradeError('That answer is not in this run any more: reopen the run and grade it again.');
  const before = answer.rubric;
  const rubric: Rubric = {
    coherence: before?.coherence ?? null,
    factuality: before?.factuality ?? null,
    concision: before?.concision ?? null,
    [criterion]: grade,
    by: 'hand',
    judge: null,
    reply: null,
    problem: null,
  };
  return withRubric(run, key, CRITERIA.some((c) => rubric[c] !== null) ? rubric : null);
}
