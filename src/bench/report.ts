/**
 * Exports of a benchmark run and their re-import:
 * - JSON: the whole run, for re-import and history; validated on import.
 * - CSV: one row per request (RFC 4180), for spreadsheets and scripts; re-imports as samples.
 * - Markdown: the per-target table for READMEs and pull requests (see markdown.ts).
 * Numbers are written with String(n), the shortest text that parses back to the same double,
 * so a CSV or JSON round trip gives back exactly the measured values.
 */
import { z } from 'zod';
import { parseCsvText, toCsvText } from './csv';
import { formatPath } from '../catalog/schema';
import { BenchValidationError, benchRunSchema, benchSampleSchema, parseJsonText, parseWith } from './bench-types';
import type { BenchRun, BenchSample } from './bench-types';
import { RUBRIC_CSV_HEADER, rubricCells, rubricFromCells } from './rubric-csv';

export const RUN_FORMAT = 'webgpu-playground.bench-run';
export const RUN_VERSION = 1;

const envelope = z.object({
  format: z.literal(RUN_FORMAT, { error: `must be "${RUN_FORMAT}"` }),
  version: z.literal(RUN_VERSION, { error: `must be ${RUN_VERSION}` }),
  run: z.unknown(),
});

/** The whole run as JSON, in an envelope that names the format and its version. */
export function runToJson(run: BenchRun, exportedAt = new Date()): string {
  return `${JSON.stringify({ format: RUN_FORMAT, version: RUN_VERSION, exportedAt: exportedAt.toISOString(), run }, null, 2)}\n`;
}

/** A run from exported JSON, or a BenchValidationError naming each bad field (`run.samples[0].ttftMs`). */
export function parseRunJson(text: string): BenchRun {
  const data = parseJsonText(text, 'benchmark run');
  const outer = parseWith(envelope, data, 'benchmark run');
  return parseWith(benchRunSchema, outer.run, 'benchmark run', ['run']);
}

type Kind = 'string' | 'nullableString' | 'number' | 'nullableNumber' | 'boolean' | 'numberList' | 'optionalJson';

/** CSV column -> sample field, in column order. One table drives both export and import. */
const COLUMNS = [
  ['model_id', 'modelId', 'string'],
  ['backend', 'backend', 'string'],
  ['dtype', 'dtype', 'string'],
  ['prompt_id', 'promptId', 'string'],
  ['round', 'round', 'number'],
  ['warmup', 'warmup', 'boolean'],
  ['started_at', 'startedAt', 'number'],
  ['ttft_ms', 'ttftMs', 'nullableNumber'],
  ['prefill_tok_s', 'prefillTokensPerSec', 'nullableNumber'],
  ['decode_tok_s', 'decodeTokensPerSec', 'nullableNumber'],
  ['total_ms', 'totalMs', 'nullableNumber'],
  ['prompt_tokens', 'promptTokens', 'number'],
  ['generated_tokens', 'generatedTokens', 'number'],
  // Space-separated: one cell per request keeps "one row per sample" and stays readable.
  ['inter_token_ms', 'interTokenMs', 'numberList'],
  ['stop_reason', 'stopReason', 'nullableString'],
  ['error', 'error', 'nullableString'],
  ['output', 'output', 'string'],
  // A grounded prompt's retrieval as JSON ({"on", "retrieved", "cited", "retrievalMs"}): document
  // names may hold any character, and JSON keeps the lists unambiguous. Empty for other prompts.
  ['rag', 'rag', 'optionalJson'],
  // Where the time went, as JSON ({"retrieval", "queue", "prepare", "prefill", "thinking", "decode"}, ms or null).
  ['parts', 'parts', 'optionalJson'],
] as const satisfies readonly (readonly [string, keyof BenchSample, Kind])[];

/** The sample's columns, then the rubric's (rubric-csv.ts). */
export const CSV_HEADER: readonly string[] = [...COLUMNS.map(([column]) => column), ...RUBRIC_CSV_HEADER];
/** Columns a CSV written before they existed does not have. */
const OPTIONAL_COLUMNS: ReadonlySet<string> = new Set(['rag', 'parts', ...RUBRIC_CSV_HEADER]);

function cell(value: BenchSample[keyof BenchSample], kind: Kind): string {
  if (value === null || value === undefined) return '';
  if (kind === 'numberList' && Array.isArray(value)) return value.map(String).join(' ');
  if (kind === 'optionalJson' || typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One row per request, warm-up and failed ones included (they are marked), header first. */
export function samplesToCsv(samples: readonly BenchSample[]): string {
  const rows = samples.map((s) => [...COLUMNS.map(([, field, kind]) => cell(s[field], kind)), ...rubricCells(s.rubric)]);
  return toCsvText([CSV_HEADER, ...rows]);
}

/** A number cell as a number; anything else is returned as is, for the schema to reject by name. */
function number(text: string): number | string {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : text;
}

function value(text: string, kind: Kind): unknown {
  switch (kind) {
    case 'string':
      return text;
    case 'nullableString':
      return text === '' ? null : text;
    case 'number':
      return number(text);
    case 'nullableNumber':
      return text === '' ? null : number(text);
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'numberList':
      return text.trim() === '' ? [] : text.trim().split(/\s+/).map(number);
    case 'optionalJson':
      if (text.trim() === '') return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text; // the schema rejects it, naming the column
      }
  }
}

/**
 * Samples from CSV written by samplesToCsv (columns may come in any order; extra ones are
 * ignored). Errors name the row and the column: `row 3, ttft_ms: must be a number`.
 */
export function parseSamplesCsv(text: string): BenchSample[] {
  // A spreadsheet may add a byte order mark; blank lines carry no record.
  const rows = parseCsvText(text.replace(/^\uFEFF/, '')).filter((r) => !(r.length === 1 && r[0] === ''));
  const header = rows[0];
  if (!header) throw new BenchValidationError(['(root): the CSV is empty'], 'benchmark CSV');
  const index = new Map(header.map((name, i) => [name.trim(), i]));
  const missing = CSV_HEADER.filter((c) => !index.has(c) && !OPTIONAL_COLUMNS.has(c));
  if (missing.length)
    throw new BenchValidationError(
      missing.map((c) => `header: missing column "${c}"`),
      'benchmark CSV',
    );

  const issues: string[] = [];
  const samples: BenchSample[] = [];
  rows.slice(1).forEach((row, r) => {
    const record: Record<string, unknown> = {};
    for (const [column, field, kind] of COLUMNS) {
      const at = index.get(column);
      const parsed = value(at === undefined ? '' : (row[at] ?? ''), kind);
      if (parsed !== undefined) record[field] = parsed;
    }
    const rubric = rubricFromCells((column) => {
      const at = index.get(column);
      return at === undefined ? undefined : row[at];
    });
    if (rubric !== undefined) record['rubric'] = rubric;
    const parsed = benchSampleSchema.safeParse(record);
    if (parsed.success) {
      samples.push(parsed.data);
      return;
    }
    // Row numbers count data rows from 1 (the header is row 0), as a spreadsheet user counts them.
    for (const issue of parsed.error.issues) {
      const [field, ...rest] = issue.path;
      // A rubric's field is a column of its own: rubric.coherence is rubric_coherence.
      const rubricColumn = field === 'rubric' ? RUBRIC_CSV_HEADER.find((c) => c === `rubric_${String(rest[0])}`) : undefined;
      const column = rubricColumn ?? COLUMNS.find(([, f]) => f === field)?.[0] ?? (field === 'rubric' ? 'rubric' : '(row)');
      issues.push(`row ${r + 1}, ${formatPath(rubricColumn ? [rubricColumn, ...rest.slice(1)] : [column, ...rest])}: ${issue.message}`);
    }
  });
  if (issues.length) throw new BenchValidationError(issues, 'benchmark CSV');
  return samples;
}
