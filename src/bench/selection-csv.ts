/**
 * The selection report as CSV (RFC 4180, see csv.ts): one row per model and backend, numbers as
 * measured (milliseconds, bytes, joules, dollars; String(n), no rounding), empty where a figure
 * could not be had. One cost column per reference price, named after it; the energy columns are
 * empty until a device power is set.
 */
import type { Stats } from './stats';
import { toCsvText } from './csv';
import type { SelectionReport, SelectionRow } from './selection';
import { CRITERIA } from './rubric-types';

const num = (n: number | null | undefined): string => (n === null || n === undefined ? '' : String(n));
const p95 = (stats: Stats): string => num(stats.p95);

/** The fixed columns, in order, with how each is read from a row. */
const COLUMNS: readonly (readonly [string, (row: SelectionRow, report: SelectionReport) => string])[] = [
  ['model_id', (r) => r.summary.modelId],
  ['backend', (r) => r.summary.backend],
  ['dtype', (r) => r.summary.dtype],
  ['samples', (r) => String(r.summary.samples)],
  ['failed', (r) => String(r.summary.failed)],
  ['quality', (r) => num(r.quality.score)],
  ['scored_answers', (r) => String(r.quality.scored)],
  ['exact_matches', (r) => `${r.quality.exact.hits}/${r.quality.exact.of}`],
  ['facets_found', (r) => `${r.quality.facets.found}/${r.quality.facets.of}`],
  ['within_length', (r) => `${r.quality.length.within}/${r.quality.length.of}`],
  // The rubric (1–5 means, its score on 0–1, who graded: "hand" and/or judge model ids, space-separated).
  ...CRITERIA.map((c) => [`rubric_${c}_mean`, (r: SelectionRow) => num(r.rubric.means[c])] as const),
  ['rubric_score', (r) => num(r.rubric.score)],
  ['rubric_graded', (r) => String(r.rubric.graded)],
  ['rubric_unscored', (r) => String(r.rubric.unscored)],
  ['rubric_by', (r) => r.rubric.by.join(' ')],
  ['latency_mean_ms', (r) => num(r.summary.totalMs.mean)],
  ['latency_p95_ms', (r) => p95(r.summary.totalMs)],
  ['ttft_mean_ms', (r) => num(r.summary.ttftMs.mean)],
  ['ttft_p95_ms', (r) => p95(r.summary.ttftMs)],
  ['decode_tok_s_p50', (r) => num(r.summary.decodeTokensPerSec.p50)],
  ['decode_tok_s_mean', (r) => num(r.summary.decodeTokensPerSec.mean)],
  ['page_memory_bytes', (r) => num(r.resources?.pageMemoryBytes)],
  ['gateway_rss_bytes', (r) => num(r.resources?.gatewayRssBytes)],
  ['gpu_buffer_bytes', (r) => num(r.resources?.gpuBufferBytes)],
  ['gpu_buffer_peak_bytes', (r) => num(r.resources?.gpuBufferPeakBytes)],
  ['disk_bytes', (r) => num(r.resources?.diskBytes)],
  ['licence', (r) => r.licence ?? ''],
  ['min_ram_gb', (r) => num(r.minRamGb)],
  ['catalog_tasks', (r) => (r.tasks ?? []).join(' ')],
  ['energy_j_per_answer', (r) => num(r.energy?.perAnswerJ)],
  ['energy_j_per_1k_tokens', (r) => num(r.energy?.per1kTokensJ)],
  ['device_watts', (r) => num(r.energy?.watts)],
  ['recommended_for', (r) => r.recommendedFor.join(' ')],
  [
    'recommended_why',
    (r, report) =>
      report.recommendations
        .filter((x) => r.recommendedFor.includes(x.task))
        .map((x) => `${x.task}: ${x.reason}`)
        .join(' | '),
  ],
];

/**
 * The header row: the fixed columns, `quality_<task>` per task of the scored prompts, then
 * `cost_usd_per_1k_answers (<price name>)` per reference price, then the notes.
 */
export function selectionCsvHeader(report: SelectionReport): string[] {
  return [
    ...COLUMNS.map(([name]) => name),
    ...report.scoredTasks.map((t) => `quality_${t}`),
    ...report.estimates.prices.map((p) => `cost_usd_per_1k_answers (${p.name})`),
    'notes',
  ];
}

/** The report as CSV text, header first. */
export function selectionToCsv(report: SelectionReport): string {
  const rows = report.rows.map((row) => [
    ...COLUMNS.map(([, read]) => read(row, report)),
    ...row.taskQuality.map((q) => num(q.score)),
    ...row.costs.map((c) => num(c?.per1kAnswersUsd)),
    (row.resources?.notes ?? []).join('; '),
  ]);
  return toCsvText([selectionCsvHeader(report), ...rows]);
}
