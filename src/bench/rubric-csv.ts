/**
 * The rubric's columns in the run CSV (one row per request, report.ts): one column per criterion
 * (1–5, empty when not graded), who graded ("hand" or "judge"), the judge's model id, why the
 * judge's reply gave no grades, and that reply as it came. All empty for an ungraded answer; a
 * CSV written before rubrics existed has none of them, and re-imports without rubrics.
 */
import { CRITERIA, type Rubric } from './rubric-types';

export const RUBRIC_CSV_HEADER = [
  ...CRITERIA.map((c) => `rubric_${c}`),
  'rubric_by',
  'rubric_judge',
  'rubric_problem',
  'rubric_reply',
] as const;

/** The cells of a sample's rubric, in RUBRIC_CSV_HEADER's order. */
export function rubricCells(rubric: Rubric | undefined): string[] {
  if (!rubric) return RUBRIC_CSV_HEADER.map(() => '');
  return [
    ...CRITERIA.map((c) => (rubric[c] === null ? '' : String(rubric[c]))),
    rubric.by,
    rubric.judge ?? '',
    rubric.problem ?? '',
    rubric.reply ?? '',
  ];
}

/** A grade cell as a number; anything else as written, for the schema to reject by name. */
function grade(text: string): number | string | null {
  if (text.trim() === '') return null;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : text;
}

/**
 * The rubric a row's cells describe, for the sample schema to check; undefined when `rubric_by`
 * is empty or absent (an ungraded answer). A judge's empty reply stays an empty reply.
 */
export function rubricFromCells(cell: (column: (typeof RUBRIC_CSV_HEADER)[number]) => string | undefined): unknown {
  const by = cell('rubric_by') ?? '';
  if (by === '') return undefined;
  const text = (column: (typeof RUBRIC_CSV_HEADER)[number]): string | null => {
    const v = cell(column) ?? '';
    return v === '' ? null : v;
  };
  return {
    coherence: grade(cell('rubric_coherence') ?? ''),
    factuality: grade(cell('rubric_factuality') ?? ''),
    concision: grade(cell('rubric_concision') ?? ''),
    by,
    judge: text('rubric_judge'),
    problem: text('rubric_problem'),
    reply: by === 'judge' ? (cell('rubric_reply') ?? '') : text('rubric_reply'),
  };
}
