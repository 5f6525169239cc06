/** The grounded section of a run's Markdown report: what retrieval did for each target. */
import { formatMs } from '../metrics/answer-metrics';
import { formatScore } from './quality';
import { formatShare, groundedByTarget } from './grounded-summary';
import type { BenchRun } from './bench-types';
import { escapeCell } from './markdown-cell';
import { targetLabel } from './chart-data';

/** Lines to append to the report, or none when the run asked no grounded prompt. */
export function groundedMarkdown(run: Pick<BenchRun, 'samples' | 'plan'>): string[] {
  const rows = groundedByTarget(run);
  if (!rows.size) return [];
  const lines = [
    '',
    `## Grounded answers (${run.plan.documents.length} document(s))`,
    '',
    '|Target|Hit@1|Hit@3|Cites the source|Score RAG on|Score RAG off|Retrieval mean|',
    '|---|--:|--:|--:|--:|--:|--:|',
  ];
  for (const g of rows.values()) {
    const cells = [
      escapeCell(targetLabel(g)),
      formatShare(g.hitAt1),
      formatShare(g.hitAt3),
      formatShare(g.citedRight),
      formatScore(g.scoreOn),
      formatScore(g.scoreOff),
      formatMs(g.retrievalMs),
    ];
    lines.push(`|${cells.join('|')}|`);
  }
  lines.push(
    '',
    'Each grounded prompt is asked with passages retrieved from the documents (RAG on) and without them (RAG off, the control). ' +
      'Hit@k: the document that holds the answer among the first k passages retrieved; cites the source: the answer marks it. ' +
      'Scores are the prompts’ checks (facets, length); a question no document answers expects the answer to say so.',
  );
  return lines;
}
