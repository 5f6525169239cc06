/**
 * The Markdown report of a run: one table row per target, then the notes a reader needs to trust
 * it (percentile method, too-few-sample flags, failed targets, browser vs native). Numbers are
 * formatted like the UI shows them (formatMs / formatRate), so the report matches the screen.
 */
import { formatMs, formatRate } from '../metrics/answer-metrics';
import { MIN_SAMPLES_P95, type Stats } from './stats';
import { compareToNative, describeComparison, summarizeTargets } from './summary';
import type { BenchRun } from './bench-types';
import { groundedMarkdown } from './grounded-markdown';
import { escapeCell } from './markdown-cell';
import { pipelineMarkdown } from './pipeline-markdown';
import { rubricMarkdown } from './rubric-markdown';

export const MARKDOWN_HEADER = '|Model|Backend|TTFT p50|TTFT p95|Decode tok/s|Total p95|Samples|';

/** Marks a p95 computed from fewer than MIN_SAMPLES_P95 samples. */
export const FEW_SAMPLES_MARK = '†';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function p95Cell(stats: Stats): string {
  const text = formatMs(stats.p95);
  return stats.p95 !== null && !stats.p95Reliable ? `${text} ${FEW_SAMPLES_MARK}` : text;
}

/** The report of a run as Markdown: heading, environment, table and notes. */
export function runToMarkdown(run: BenchRun): string {
  const summaries = summarizeTargets(run.samples);
  const env = run.environment;
  const lines = [
    `# Benchmark ${new Date(run.startedAt).toISOString()}`,
    '',
    `${escapeCell(env.userAgent)} · app ${env.appVersion}` +
      (env.adapter ? ` · GPU ${[env.adapter.vendor, env.adapter.architecture, env.adapter.device].filter(Boolean).join(' ')}` : '') +
      (env.wasmThreads !== null ? ` · WASM ${env.wasmThreads} threads` : ''),
    '',
    `${plural(run.plan.prompts.length, 'prompt')} (${escapeCell(run.plan.promptSetName)}) × ${plural(run.plan.rounds, 'round')} ` +
      `after ${run.plan.warmupRounds} warm-up, max ${run.plan.maxNewTokens} new tokens, temperature ${run.plan.temperature}`,
    '',
    MARKDOWN_HEADER,
    '|---|---|--:|--:|--:|--:|--:|',
  ];
  for (const s of summaries) {
    const samples = s.failed > 0 ? `${s.samples} (+${s.failed} failed)` : String(s.samples);
    const cells = [
      escapeCell(s.modelId),
      `${s.backend} · ${s.dtype}`,
      formatMs(s.ttftMs.p50),
      p95Cell(s.ttftMs),
      formatRate(s.decodeTokensPerSec.p50),
      p95Cell(s.totalMs),
      samples,
    ];
    lines.push(`|${cells.join('|')}|`);
  }
  lines.push(
    '',
    'Percentiles by linear interpolation between closest ranks (R-7, NumPy default); decode tok/s is the median. ' +
      'Warm-up and failed requests are not counted.',
  );
  if (summaries.some((s) => (s.ttftMs.p95 !== null && !s.ttftMs.p95Reliable) || (s.totalMs.p95 !== null && !s.totalMs.p95Reliable))) {
    lines.push(
      '',
      `${FEW_SAMPLES_MARK} fewer than ${MIN_SAMPLES_P95} samples: this p95 is close to the slowest single request, not a tail estimate.`,
    );
  }
  const problems = run.targets.filter((t) => t.status !== 'ok');
  if (problems.length) {
    lines.push('');
    for (const t of problems) {
      const what = `${escapeCell(t.target.modelId)} on ${t.target.backend}`;
      lines.push(`- ${what}: ${t.status}${t.message ? ` — ${escapeCell(t.message)}` : ''}`);
    }
  }
  const comparisons = compareToNative(summaries);
  if (comparisons.length) {
    lines.push('', ...comparisons.map((c) => `- ${escapeCell(describeComparison(c))}`));
  }
  lines.push(...groundedMarkdown(run), ...pipelineMarkdown(run), ...rubricMarkdown(run));
  return `${lines.join('\n')}\n`;
}
