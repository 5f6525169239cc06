/**
 * The selection report as Markdown: what is recommended here per task and why, one table row per
 * model and backend, then what each column rests on. Cost and energy columns appear only when a
 * reference price or a device power is set, and the notes say which one each figure used.
 */
import { escapeCell } from './markdown-cell';
import { formatMs, formatRate } from '../metrics/answer-metrics';
import { formatBytes } from '../ui/shared/format';
import { formatEnergy, formatUsd } from './estimates';
import { FEW_SAMPLES_MARK } from './markdown';
import { formatScore } from './quality';
import { MIN_SAMPLES_P95, type Stats } from './stats';
import { fewSamples, rowMemoryBytes, type SelectionReport, type SelectionRow } from './selection';
import type { BenchRun } from './bench-types';
import { RUBRIC_NOTE } from './rubric-markdown';
import { formatGrade, formatScorers } from './rubric-summary';

const cell = escapeCell;

const p95 = (stats: Stats): string => (fewSamples(stats) ? `${formatMs(stats.p95)} ${FEW_SAMPLES_MARK}` : formatMs(stats.p95));

function memory(row: SelectionRow): string {
  const bytes = rowMemoryBytes(row);
  if (bytes === null) return '–';
  if (row.resources?.pageMemoryBytes === null) return `${formatBytes(bytes)} (gateway)`;
  const gpu = row.resources?.gpuBufferBytes ?? null;
  return gpu === null ? formatBytes(bytes) : `${formatBytes(bytes)} + GPU ${formatBytes(gpu)}`;
}

function disk(row: SelectionRow): string {
  const bytes = row.resources?.diskBytes ?? null;
  return bytes === null ? '–' : formatBytes(bytes);
}

/** The header and the cells of one row, in the same order. */
export function selectionColumns(report: SelectionReport): { header: string[]; cells: (row: SelectionRow) => string[] } {
  const { prices, deviceWatts } = report.estimates;
  // Several tasks: a quality per task, since each task's recommendation weighs only its own.
  const perTask = report.scoredTasks.length > 1;
  const header = [
    'Model',
    'Backend',
    ...(perTask ? report.scoredTasks.map((t) => `Quality (${t})`) : ['Quality']),
    ...(report.rubric ? ['Coherence', 'Factuality', 'Concision', 'Rubric', 'Graded by'] : []),
    'Latency mean',
    'Latency p95',
    'TTFT mean',
    'TTFT p95',
    'Decode tok/s',
    'Memory',
    'Disk',
    'Licence',
    ...prices.map((p) => `Cost /1k answers (${p.name})`),
    ...(deviceWatts === null ? [] : ['Energy /answer', 'Energy /1k tokens']),
  ];
  const cells = (row: SelectionRow): string[] => {
    const s = row.summary;
    return [
      s.modelId,
      `${s.backend} · ${s.dtype}`,
      ...(perTask ? row.taskQuality.map((q) => formatScore(q.score)) : [formatScore(row.quality.score)]),
      ...(report.rubric
        ? [
            formatGrade(row.rubric.means.coherence),
            formatGrade(row.rubric.means.factuality),
            formatGrade(row.rubric.means.concision),
            formatScore(row.rubric.score),
            formatScorers(row.rubric.by),
          ]
        : []),
      formatMs(s.totalMs.mean),
      p95(s.totalMs),
      formatMs(s.ttftMs.mean),
      p95(s.ttftMs),
      formatRate(s.decodeTokensPerSec.p50),
      memory(row),
      disk(row),
      row.licence ?? 'unknown',
      ...row.costs.map((c) => formatUsd(c?.per1kAnswersUsd ?? null)),
      ...(deviceWatts === null ? [] : [formatEnergy(row.energy?.perAnswerJ ?? null), formatEnergy(row.energy?.per1kTokensJ ?? null)]),
    ];
  };
  return { header, cells };
}

function recommendationLines(report: SelectionReport): string[] {
  return report.recommendations.flatMap((r) => {
    const head = `- Recommended here for **${r.task}**: ${r.pick ? `**${cell(r.pick.label)}**` : 'none'}. ${cell(r.reason)}`;
    const left = r.pick && r.excluded.length ? [`  Left out: ${r.excluded.map((e) => `${cell(e.label)} ${cell(e.why)}`).join('; ')}.`] : [];
    return [head, ...left];
  });
}

function noteLines(run: BenchRun, report: SelectionReport): string[] {
  const { prices, deviceWatts } = report.estimates;
  const lines = [
    `- Quality: per answer, the mean of the checks its prompt asks for (exact match with the reference ignoring case and spacing, the share of facets present, length within limits), averaged over its scored answers; "–" where no prompt is scored.`,
    ...(report.rubric ? [`- ${RUBRIC_NOTE}`] : []),
    '- Latency is the total time of an answer, TTFT the time to its first token: means, and p95 by linear interpolation (R-7), over measured, successful requests. Decode tok/s is the median.',
    "- Memory: the page's memory, workers included, while the model answered (performance.measureUserAgentSpecificMemory); for a gateway target the gateway process's resident memory. Disk: the bytes of the variant that ran in this browser's weight cache.",
  ];
  if (report.rows.some((r) => fewSamples(r.summary.totalMs) || fewSamples(r.summary.ttftMs))) {
    lines.push(
      `- ${FEW_SAMPLES_MARK} fewer than ${MIN_SAMPLES_P95} samples: this p95 is close to the slowest single request, not a tail estimate.`,
    );
  }
  if (prices.length) {
    const list = prices
      .map((p) => `${cell(p.name)}: ${formatUsd(p.inputPerMTok)} input and ${formatUsd(p.outputPerMTok)} output per million tokens`)
      .join('; ');
    lines.push(
      `- Cost is an estimate: each answer's prompt and generated tokens at reference prices entered by the user (${list}). They are not any vendor's current price.`,
    );
  } else lines.push('- Cost: no reference price is set, so there is no cost estimate.');
  if (deviceWatts !== null) {
    lines.push(
      `- Energy is an estimate: a device power of ${deviceWatts} W, as entered by the user, times each answer's total time; per 1,000 generated tokens. Nothing was measured at the socket.`,
    );
  } else lines.push('- Energy: no device power is set, so there is no energy estimate.');
  lines.push(
    run.plan.temperature === 0
      ? '- Deterministic: greedy decoding (temperature 0, seed 0), so the same model gives the same answers, and scores, on every run.'
      : `- Sampled at temperature ${run.plan.temperature} (seed 0): answers, and their scores, can differ between runs and backends.`,
  );
  for (const t of run.targets.filter((x) => x.status !== 'ok')) {
    lines.push(`- ${cell(t.target.modelId)} on ${t.target.backend}: ${t.status}${t.message ? ` — ${cell(t.message)}` : ''}`);
  }
  for (const row of report.rows) for (const note of row.resources?.notes ?? []) lines.push(`- ${cell(row.label)}: ${cell(note)}`);
  return lines;
}

/** The report as Markdown. */
export function selectionToMarkdown(run: BenchRun, report: SelectionReport): string {
  const env = run.environment;
  const memory = report.deviceMemoryGiB === null ? 'memory not reported' : `${report.deviceMemoryGiB} GB memory reported`;
  const { header, cells } = selectionColumns(report);
  return [
    `# Model selection ${new Date(run.startedAt).toISOString()}`,
    '',
    `${cell(env.userAgent)} · app ${env.appVersion} · ${memory}`,
    '',
    `${run.plan.prompts.length} prompt(s) (${cell(run.plan.promptSetName)}) × ${run.plan.rounds} round(s) after ${run.plan.warmupRounds} warm-up, max ${run.plan.maxNewTokens} new tokens`,
    '',
    ...recommendationLines(report),
    '',
    `|${header.map(cell).join('|')}|`,
    `|${header.map((h, i) => (i < 2 || h === 'Licence' || h === 'Graded by' ? '---' : '--:')).join('|')}|`,
    ...report.rows.map((row) => `|${cells(row).map(cell).join('|')}|`),
    '',
    ...noteLines(run, report),
    '',
  ].join('\n');
}
