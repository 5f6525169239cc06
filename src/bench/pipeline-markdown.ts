/** The draft -> refine section of a run's Markdown report. */
import { formatMs } from '../metrics/answer-metrics';
import type { BenchRun } from './bench-types';
import { escapeCell } from './markdown-cell';
import { summarizePipelines } from './pipeline-summary';
import { formatScore } from './quality';

/** Lines to append to the report, or none when the run had no pipeline. */
export function pipelineMarkdown(run: Pick<BenchRun, 'samples' | 'plan' | 'pipelines'>): string[] {
  const rows = summarizePipelines(run);
  if (!rows.length) return [];
  const lines = [
    '',
    '## Draft → refine',
    '',
    '|Pipeline|Refines|Escalated|Combined mean|Combined p95|Draft alone mean|Refine alone mean|Quality: pipeline / draft / refine|',
    '|---|---|--:|--:|--:|--:|--:|--:|',
  ];
  for (const p of rows) {
    const rate = p.escalationRate === null ? '–' : `${p.escalated}/${p.drafts} (${Math.round(p.escalationRate * 100)}%)`;
    const cells = [
      escapeCell(p.label),
      escapeCell(p.rule),
      rate,
      formatMs(p.combinedMs.mean),
      formatMs(p.combinedMs.p95),
      formatMs(p.draftAloneMs.mean),
      formatMs(p.refineAloneMs.mean),
      [p.quality.pipeline, p.quality.draft, p.quality.refine].map(formatScore).join(' / '),
    ];
    lines.push(`|${cells.join('|')}|`);
  }
  lines.push(
    '',
    'Each measured answer of the draft model goes through the rule; the escalated ones are refined by the refine model ' +
      '(its instruction, the question and the draft). Combined: the draft’s time plus the refine request’s when it escalated. ' +
      '“Alone”: each model’s own answers to the prompts in this run.',
  );
  for (const p of rows)
    if (p.status !== 'ok') lines.push(`- ${escapeCell(p.label)}: ${p.status}${p.message ? ` — ${escapeCell(p.message)}` : ''}`);
  return lines;
}
