/**
 * Re-import of an exported file into the run history. JSON carries the whole run; CSV carries
 * only the samples, so the run around them is rebuilt from what the rows say (targets, prompt
 * ids, rounds) and the rest is marked unknown rather than invented.
 */
import { parseRunJson, parseSamplesCsv } from './report';
import { BenchValidationError, type BenchRun, type BenchSample, type BenchTarget, type TargetResult } from './bench-types';

export const UNKNOWN_ENVIRONMENT = 'unknown (imported from CSV)';

/** A run from an exported JSON or CSV file; the name's extension decides, else the content. */
export function importRunFile(fileName: string, text: string, id: string): BenchRun {
  const lower = fileName.toLowerCase();
  const looksJson = lower.endsWith('.json') || (!lower.endsWith('.csv') && text.trimStart().startsWith('{'));
  return looksJson ? parseRunJson(text) : runFromSamples(parseSamplesCsv(text), fileName, id);
}

function distinct<T>(values: readonly T[], key: (value: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const v of values) if (!seen.has(key(v))) seen.set(key(v), v);
  return [...seen.values()];
}

/** The run that CSV rows came from, as far as the rows tell it. */
export function runFromSamples(samples: readonly BenchSample[], source: string, id: string): BenchRun {
  const first = samples[0];
  if (!first) throw new BenchValidationError(['(root): the CSV has a header but no samples'], 'benchmark CSV');
  const targets: BenchTarget[] = distinct(samples, (s) => `${s.modelId}|${s.backend}`).map((s) => ({
    modelId: s.modelId,
    backend: s.backend,
  }));
  const rounds = (warmup: boolean): number => new Set(samples.filter((s) => s.warmup === warmup).map((s) => s.round)).size;
  const results: TargetResult[] = targets.map((target) => {
    const mine = samples.filter((s) => s.modelId === target.modelId && s.backend === target.backend);
    const failed = mine.find((s) => s.error !== null);
    const anyOk = mine.some((s) => s.error === null);
    return {
      target,
      status: anyOk ? 'ok' : 'failed',
      message: anyOk ? null : (failed?.error ?? null),
      dtype: mine[0]!.dtype,
      detail: `imported from ${source}`,
      files: [],
    };
  });
  const ends = samples.map((s) => s.startedAt + (s.totalMs ?? 0));
  return {
    id,
    startedAt: Math.min(...samples.map((s) => s.startedAt)),
    finishedAt: Math.max(...ends),
    plan: {
      targets,
      promptSetName: `imported from ${source}`,
      // The CSV has prompt ids, not prompt texts.
      prompts: distinct(samples, (s) => s.promptId).map((s) => ({
        id: s.promptId,
        messages: [{ role: 'user', content: `(text of prompt "${s.promptId}" is not in the CSV)` }],
      })),
      documents: [],
      rounds: Math.max(1, rounds(false)),
      warmupRounds: rounds(true),
      maxNewTokens: Math.max(1, ...samples.map((s) => s.generatedTokens)),
      temperature: 0,
    },
    environment: {
      userAgent: UNKNOWN_ENVIRONMENT,
      adapter: null,
      hardwareConcurrency: null,
      wasmThreads: null,
      crossOriginIsolated: false,
      appVersion: 'unknown',
    },
    targets: results,
    samples: [...samples],
  };
}
