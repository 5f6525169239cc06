/**
 * The 1–5 rubric of one answer (coherence, factuality, concision), as a zod schema: scored by hand
 * in the Benchmark tab or by a judge model, stored on the answer's sample. A judge whose reply
 * gives no usable scores leaves the criteria null, keeps its reply and says why (`problem`), so
 * the user sees what the judge said instead of a number it did not give.
 */
import { z } from 'zod';

/** The rubric's criteria, in the order they are asked for, shown and exported. */
export const CRITERIA = ['coherence', 'factuality', 'concision'] as const;
export type Criterion = (typeof CRITERIA)[number];

/** The lowest and highest grade of a criterion. */
export const GRADE_MIN = 1;
export const GRADE_MAX = 5;

const grade = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(GRADE_MIN, `must be ${GRADE_MIN} to ${GRADE_MAX}`)
  .max(GRADE_MAX, `must be ${GRADE_MIN} to ${GRADE_MAX}`)
  .nullable();

/** One grade per criterion; null when it is not (or could not be) scored. */
export type RubricGrades = Record<Criterion, number | null>;

export const rubricSchema = z
  .strictObject({
    coherence: grade,
    factuality: grade,
    concision: grade,
    /** Who scored: a person in the Benchmark tab, or a judge model. */
    by: z.enum(['hand', 'judge']),
    /** The judge's model id; null when scored by hand. */
    judge: z.string().min(1, 'must not be empty (use null)').nullable(),
    /** The judge's reply as it came (untrusted text); null when scored by hand. */
    reply: z.string().nullable(),
    /** Why the judge's reply gave no scores; null when it gave them. */
    problem: z.string().min(1, 'must not be empty (use null)').nullable(),
  })
  .refine((r) => (r.by === 'judge') === (r.judge !== null), {
    message: 'a judge score names its judge, a hand score none',
    path: ['judge'],
  });

export type Rubric = z.infer<typeof rubricSchema>;

/** Whether every criterion has a grade. */
export function isComplete(r: RubricGrades): boolean {
  return CRITERIA.every((c) => r[c] !== null);
}
