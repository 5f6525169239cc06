/**
 * The selection report of a hand-built run: two bundled models on WASM answering one scored
 * prompt twice, with a reference price and a device power set. Every figure in the Markdown and
 * the CSV is worked out by hand beside the expectation.
 */
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/bench/csv';
import { buildSelection, runTasks } from '../../src/bench/selection';
import { qualityScatter } from '../../src/bench/selection-chart';
import { selectionToCsv } from '../../src/bench/selection-csv';
import { selectionToMarkdown } from '../../src/bench/selection-markdown';
import type { BenchPrompt, BenchRun, TargetResult } from '../../src/bench/bench-types';
import { readCatalog } from '../support/paths';
import { run, sample } from './bench-fixtures';

const catalog = readCatalog().models;
const count: BenchPrompt = {
  id: 'count',
  messages: [{ role: 'user', content: 'Count from 3 to 8.' }],
  facets: ['3', '4', '5', '6', '7', '8'],
};
const base = run([]);

function result(modelId: string, resources: TargetResult['resources']): TargetResult {
  return { target: { modelId, backend: 'wasm' }, status: 'ok', message: null, dtype: 'q8', detail: 'WASM', files: [], resources };
}

const selectionRun: BenchRun = run(
  [
    // Pocket Chat 1M stops at 5: 3 of 6 facets, quality 0.5.
    sample({
      dtype: 'q8',
      promptId: 'count',
      output: '3, 4, 5.',
      totalMs: 100,
      ttftMs: 20,
      decodeTokensPerSec: 50,
      promptTokens: 10,
      generatedTokens: 5,
    }),
    sample({
      dtype: 'q8',
      promptId: 'count',
      output: '3, 4, 5.',
      totalMs: 300,
      ttftMs: 40,
      decodeTokensPerSec: 70,
      promptTokens: 10,
      generatedTokens: 5,
    }),
    // Pocket Chat 3M counts to 8: quality 1.
    ...[
      { totalMs: 200, ttftMs: 30, decodeTokensPerSec: 40 },
      { totalMs: 400, ttftMs: 50, decodeTokensPerSec: 60 },
    ].map((m) =>
      sample({
        modelId: 'pocket-chat-3m',
        dtype: 'q8',
        promptId: 'count',
        output: '3, 4, 5, 6, 7, 8.',
        promptTokens: 10,
        generatedTokens: 11,
        ...m,
      }),
    ),
  ],
  {
    plan: { ...base.plan, prompts: [count], rounds: 2, warmupRounds: 0 },
    environment: { ...base.environment, deviceMemoryGiB: 8 },
    targets: [
      result('pocket-chat-1m', { pageMemoryBytes: 52_000_000, diskBytes: 1_324_626, gatewayRssBytes: null, notes: [] }),
      result('pocket-chat-3m', {
        pageMemoryBytes: null,
        diskBytes: 4_100_000,
        gatewayRssBytes: null,
        notes: ['page memory: not available: the page is not cross-origin isolated'],
      }),
    ],
  },
);
const estimates = { prices: [{ name: 'Example', inputPerMTok: 1, outputPerMTok: 3 }], deviceWatts: 20 };

describe('buildSelection', () => {
  it('recommends the better counter for chat, the only task of the prompts', () => {
    const report = buildSelection(selectionRun, catalog, estimates);
    expect(runTasks(selectionRun)).toEqual(['chat']);
    expect(report.recommendations).toHaveLength(1);
    expect(report.recommendations[0]?.pick?.key).toBe('pocket-chat-3m|wasm|q8');
    expect(report.rows.map((r) => r.recommendedFor)).toEqual([[], ['chat']]);
  });
});

describe('selectionToMarkdown', () => {
  const markdown = selectionToMarkdown(selectionRun, buildSelection(selectionRun, catalog, estimates));

  it('says what is recommended and why', () => {
    // 3M: quality 100% against 50%; mean answers (200 + 400) / 2 = 300 ms and (100 + 300) / 2 = 200 ms.
    expect(markdown).toContain(
      '- Recommended here for **chat**: **pocket-chat-3m · WASM q8**. The best quality for chat ' +
        '(100%; 50% for pocket-chat-1m · WASM q8), answering in 300 ms on average against 200 ms. ' +
        'It needs 1 GB of memory; this device reports 8 GB.',
    );
  });

  it('has one row per model with every column', () => {
    expect(markdown).toContain(
      '|Model|Backend|Quality|Latency mean|Latency p95|TTFT mean|TTFT p95|Decode tok/s|Memory|Disk|Licence|Cost /1k answers (Example)|Energy /answer|Energy /1k tokens|',
    );
    // 1M: latency mean 200, p95 100 + 0.95 × 200 = 290 (two samples: flagged †); TTFT mean 30,
    // p95 20 + 0.95 × 20 = 39; decode median (50 + 70) / 2 = 60; memory 52 MB; disk 1.3 MB;
    // cost (10 × $1 + 5 × $3) / 1e6 = $0.000025 an answer, $0.025 per 1,000; energy 20 W × 0.1 s
    // = 2 J and × 0.3 s = 6 J: 4 J an answer, 8 J over 10 tokens = 800 J per 1,000.
    expect(markdown).toContain('|pocket-chat-1m|wasm · q8|50%|200 ms|290 ms †|30 ms|39 ms †|60 tok/s|52 MB|1.3 MB|MIT|$0.025|4.0 J|800 J|');
    // 3M: 300, 200 + 0.95 × 200 = 390; 40, 30 + 0.95 × 20 = 49; (40 + 60) / 2 = 50; no page memory;
    // (10 + 11 × 3) / 1e6 × 1000 = $0.043; 4 J and 8 J: 6 J an answer, 12 J / 22 tokens × 1000 = 545 J.
    expect(markdown).toContain('|pocket-chat-3m|wasm · q8|100%|300 ms|390 ms †|40 ms|49 ms †|50 tok/s|–|4.1 MB|MIT|$0.043|6.0 J|545 J|');
  });

  it('says what the estimates rest on, and why a figure is missing', () => {
    expect(markdown).toContain(
      "at reference prices entered by the user (Example: $1.00 input and $3.00 output per million tokens). They are not any vendor's current price.",
    );
    expect(markdown).toContain('a device power of 20 W, as entered by the user');
    expect(markdown).toContain('- pocket-chat-3m · WASM q8: page memory: not available: the page is not cross-origin isolated');
    expect(markdown).toContain('Deterministic: greedy decoding (temperature 0, seed 0)');
  });

  it('names the targets that did not finish, and why', () => {
    const failed: TargetResult = {
      ...result('pocket-chat-3m', undefined),
      target: { modelId: 'phi-4-mini', backend: 'gateway' },
      status: 'failed',
      message: 'nothing listens',
    };
    const withFailure = { ...selectionRun, targets: [...selectionRun.targets, failed] };
    expect(selectionToMarkdown(withFailure, buildSelection(withFailure, catalog, estimates))).toContain(
      '- phi-4-mini on gateway: failed — nothing listens',
    );
  });

  it('leaves cost and energy out, and says so, until a price and a power are set', () => {
    const plain = selectionToMarkdown(selectionRun, buildSelection(selectionRun, catalog, { prices: [], deviceWatts: null }));
    expect(plain).toContain('|Model|Backend|Quality|Latency mean|Latency p95|TTFT mean|TTFT p95|Decode tok/s|Memory|Disk|Licence|\n');
    expect(plain).toContain('- Cost: no reference price is set, so there is no cost estimate.');
    expect(plain).toContain('- Energy: no device power is set, so there is no energy estimate.');
  });
});

describe('selectionToCsv', () => {
  it('writes the measured numbers unrounded, one row per model and backend', () => {
    const [header, ...rows] = parseCsvText(selectionToCsv(buildSelection(selectionRun, catalog, estimates))).filter((r) => r.length > 1);
    const records = rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
    expect(header).toContain('cost_usd_per_1k_answers (Example)');
    const [one, three] = records;
    expect(one).toMatchObject({
      model_id: 'pocket-chat-1m',
      backend: 'wasm',
      dtype: 'q8',
      samples: '2',
      failed: '0',
      quality: '0.5',
      scored_answers: '2',
      exact_matches: '0/0',
      facets_found: '6/12', // 3 of 6, twice
      within_length: '0/0',
      latency_mean_ms: '200',
      latency_p95_ms: '290',
      ttft_mean_ms: '30',
      ttft_p95_ms: '39',
      decode_tok_s_p50: '60',
      decode_tok_s_mean: '60',
      page_memory_bytes: '52000000',
      gateway_rss_bytes: '',
      gpu_buffer_bytes: '',
      gpu_buffer_peak_bytes: '',
      disk_bytes: '1324626',
      licence: 'MIT',
      min_ram_gb: '1',
      catalog_tasks: 'chat',
      energy_j_per_answer: '4',
      energy_j_per_1k_tokens: '800',
      device_watts: '20',
      recommended_for: '',
      recommended_why: '',
      notes: '',
    });
    expect(Number(one!['cost_usd_per_1k_answers (Example)'])).toBeCloseTo(0.025, 12);
    expect(three).toMatchObject({ model_id: 'pocket-chat-3m', quality: '1', page_memory_bytes: '', recommended_for: 'chat' });
    expect(three!['recommended_why']).toMatch(/^chat: The best quality for chat \(100%; 50% for pocket-chat-1m · WASM q8\)/);
    expect(Number(three!['energy_j_per_1k_tokens'])).toBeCloseTo((12 / 22) * 1000, 9);
    expect(Number(three!['cost_usd_per_1k_answers (Example)'])).toBeCloseTo(0.043, 12);
    expect(three!['notes']).toBe('page memory: not available: the page is not cross-origin isolated');
  });
});

describe('several tasks', () => {
  it('gives a quality per task, and a recommendation per task', () => {
    const python: BenchPrompt = {
      id: 'python',
      task: 'code',
      messages: [{ role: 'user', content: 'hello world in Python' }],
      facets: ['print('],
    };
    const twoTasks = run(
      [
        sample({ dtype: 'q8', promptId: 'count', output: '3, 4, 5.' }), // chat 0.5
        sample({ dtype: 'q8', promptId: 'python', output: 'print("hi")' }), // code 1
      ],
      { plan: { ...base.plan, prompts: [count, python] }, targets: [result('pocket-chat-1m', undefined)] },
    );
    const report = buildSelection(twoTasks, catalog, { prices: [], deviceWatts: null });
    expect(report.scoredTasks).toEqual(['chat', 'code']);
    const markdown = selectionToMarkdown(twoTasks, report);
    // Overall (0.5 + 1) / 2 = 75% is not shown: each task's own score is.
    expect(markdown).toContain('|Model|Backend|Quality (chat)|Quality (code)|Latency mean|');
    expect(markdown).toContain('|pocket-chat-1m|wasm · q8|50%|100%|');
    expect(markdown).toContain('- Recommended here for **chat**: **pocket-chat-1m · WASM q8**.');
    // Pocket Chat is tagged for chat only: no recommendation for code, and why.
    expect(markdown).toContain(
      '- Recommended here for **code**: none. No target measured here meets the needs for code: pocket-chat-1m · WASM q8 is not tagged for code in the catalog (its tags: chat).',
    );
    const [header, row] = parseCsvText(selectionToCsv(report));
    const record = Object.fromEntries(header!.map((h, i) => [h, row![i]]));
    expect(record).toMatchObject({ quality: '0.75', quality_chat: '0.5', quality_code: '1', recommended_for: 'chat' });
  });
});

describe('qualityScatter', () => {
  it('plots each scored target at its mean answer time and quality in percent, and names the rest', () => {
    const withUnscored = { ...selectionRun, samples: [...selectionRun.samples, sample({ dtype: 'fp32', promptId: 'other', totalMs: 50 })] };
    // 1M: (200 ms, 50%); 3M: (300 ms, 100%); the fp32 target answered a prompt that is not in the set, so it has no score.
    expect(qualityScatter(buildSelection(withUnscored, catalog, estimates))).toEqual({
      points: [
        { label: 'pocket-chat-1m · WASM q8', x: 200, y: 50 },
        { label: 'pocket-chat-3m · WASM q8', x: 300, y: 100 },
      ],
      rubricPoints: [],
      unplotted: ['pocket-chat-1m · WASM fp32'],
    });
  });
});
