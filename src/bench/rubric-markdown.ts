/** The rubric section of a run's Markdown report: the 1–5 grades of each target's answers, and who gave them. */
import type { BenchRun } from './bench-types';
import { targetLabel } from './chart-data';
import { escapeCell } from './markdown-cell';
import { formatScore } from './quality';
import { formatGrade, formatScorers, hasRubric, summarizeRubric } from './rubric-summary';
import { summarizeTargets, targetKey } from './summary';

/** The note that says what the rubric's figures are; shared by the run and selection reports. */
export const RUBRIC_NOTE =
  'Rubric: each answer graded 1–5 on coherence, factuality and concision, by hand in the Benchmark tab or by a judge model ' +
  '(temperature 0, seed 0); means over the graded answers, each round counting. The rubric score maps the mean of the three ' +
  'means onto 0–100% ((mean − 1) / 4); it is shown beside the automatic quality, never mixed into it. Unscored: a judge’s ' +
  'reply gave no usable grades (the reply and the reason are in the JSON and CSV exports).';

/** Lines to append to the report, or none when no answer of the run is graded. */
export function rubricMarkdown(run: Pick<BenchRun, 'samples'>): string[] {
  if (!hasRubric(run)) return [];
  const lines = [
    '',
    '## Rubric (1–5)',
    '',
    '|Target|Coherence|Factuality|Concision|Rubric score|Graded|Unscored|Graded by|',
    '|---|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const t of summarizeTargets(run.samples)) {
    const r = summarizeRubric(run.samples.filter((s) => targetKey(s) === targetKey(t)));
    const cells = [
      targetLabel(t),
      formatGrade(r.means.coherence),
      formatGrade(r.means.factuality),
      formatGrade(r.means.concision),
      formatScore(r.score),
      String(r.graded),
      String(r.unscored),
      formatScorers(r.by),
    ];
    lines.push(`|${cells.map(escapeCell).join('|')}|`);
  }
  lines.push('', RUBRIC_NOTE);
  return lines;
}
