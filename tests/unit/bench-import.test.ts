/** Importing an exported file back into the history: JSON as it was, CSV rebuilt from its rows. */
import { describe, expect, it } from 'vitest';
import { UNKNOWN_ENVIRONMENT, importRunFile } from '../../src/bench/import';
import { runToJson, samplesToCsv } from '../../src/bench/report';
import { summarizeTargets } from '../../src/bench/summary';
import { benchRunSchema, BenchValidationError } from '../../src/bench/bench-types';
import { run, sample } from './bench-fixtures';

const samples = [
  sample({ round: 0, warmup: true, startedAt: 1000, totalMs: 50 }),
  sample({ round: 1, startedAt: 2000, ttftMs: 90, totalMs: 400 }),
  sample({ round: 2, startedAt: 3000, ttftMs: 110, totalMs: 300 }),
  sample({ round: 1, promptId: 'hello', startedAt: 4000, generatedTokens: 9 }),
  sample({
    modelId: 'phi-4-mini',
    backend: 'gateway',
    dtype: 'server',
    round: 1,
    startedAt: 5000,
    totalMs: null,
    ttftMs: null,
    error: 'connection refused',
    output: '',
  }),
];

describe('importRunFile', () => {
  it('reads an exported JSON run back unchanged, whatever the file is called', () => {
    const original = run(samples);
    expect(importRunFile('run.json', runToJson(original), 'ignored')).toEqual(original);
    expect(importRunFile('download', runToJson(original), 'ignored')).toEqual(original);
  });

  it('rebuilds a valid run around CSV samples: targets, prompts and rounds from the rows, environment unknown', () => {
    const imported = importRunFile('samples.csv', samplesToCsv(samples), 'csv-1');
    expect(benchRunSchema.parse(imported)).toEqual(imported);
    expect(imported.id).toBe('csv-1');
    expect(imported.samples).toEqual(samples);
    expect(imported.plan.targets).toEqual([
      { modelId: 'pocket-chat-1m', backend: 'wasm' },
      { modelId: 'phi-4-mini', backend: 'gateway' },
    ]);
    expect(imported.plan.prompts.map((p) => p.id)).toEqual(['add', 'hello']);
    expect(imported.plan).toMatchObject({ rounds: 2, warmupRounds: 1, maxNewTokens: 9, promptSetName: 'imported from samples.csv' });
    expect(imported.startedAt).toBe(1000);
    // The failed request at 5000 has no duration; the last one to end is that one.
    expect(imported.finishedAt).toBe(5000);
    expect(imported.environment.userAgent).toBe(UNKNOWN_ENVIRONMENT);
    expect(imported.targets.map((t) => [t.target.modelId, t.status, t.message])).toEqual([
      ['pocket-chat-1m', 'ok', null],
      ['phi-4-mini', 'failed', 'connection refused'],
    ]);
    // The statistics the UI shows come from the samples, so they match the original run's.
    expect(summarizeTargets(imported.samples)).toEqual(summarizeTargets(samples));
  });

  it('rejects a CSV without rows, and names the row and column of a bad cell', () => {
    const header = samplesToCsv([]);
    expect(() => importRunFile('empty.csv', header, 'x')).toThrow(/no samples/);
    const broken = samplesToCsv([sample()]).replace(',100,', ',fast,');
    const error = (() => {
      try {
        importRunFile('broken.csv', broken, 'x');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(BenchValidationError);
    expect(String(error)).toMatch(/row 1, ttft_ms: /);
  });
});
