/**
 * Draft -> refine as a benchmark target, through the real runner with scripted engines (the real
 * models run in tests/e2e/bench-cli.test.ts): the drafts are the draft target's own measured
 * answers, the rule decides on each, only the escalated ones reach the refiner (with the refine
 * prompt), and the summary's rate and combined time are the sums of what was measured.
 */
import { describe, expect, it } from 'vitest';
import { runBenchmark, type LoadedTarget } from '../../src/bench/bench-runner';
import { benchPlanSchema, type BenchPlan, type BenchTarget, parseWith } from '../../src/bench/bench-types';
import { pipelineMarkdown } from '../../src/bench/pipeline-markdown';
import { summarizePipelines } from '../../src/bench/pipeline-summary';
import type { EscalationRule } from '../../src/compare/escalation';
import { refineMessages } from '../../src/compare/refine-prompt';
import type { ChatEngine, ChatMessage, GenerationEvent, GenerationParams } from '../../src/engine/engine-types';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';

const environment = {
  userAgent: 'test',
  adapter: null,
  hardwareConcurrency: 2,
  wasmThreads: 1,
  crossOriginIsolated: false,
  appVersion: '0',
};

/** Answers each question with `answers[question]`, one token per word, `stepMs` apart, reporting `logprob`. */
function engine(answers: Record<string, string>, stepMs: number, asked: ChatMessage[][], logprob?: number): ChatEngine {
  return {
    kind: 'browser',
    async *chat(messages: readonly ChatMessage[], params: GenerationParams, signal?: AbortSignal): AsyncIterable<GenerationEvent> {
      asked.push([...messages]);
      await Promise.resolve();
      const last = messages.at(-1)!.content;
      const text = answers[last] ?? `refined: ${last.length}`;
      const words = text.split(/(?<= )/);
      yield { type: 'start', promptTokens: 5, maxNewTokens: params.maxNewTokens };
      const times: number[] = [];
      for (const [i, w] of words.entries()) {
        if (signal?.aborted) break;
        times.push(1000 + (i + 1) * stepMs);
        yield { type: 'token', text: w, at: times[i]! };
      }
      yield {
        type: 'end',
        reason: signal?.aborted ? 'aborted' : 'eos',
        trace: {
          requestAt: 1000,
          prefillStartAt: 1000,
          tokenTimes: times,
          endAt: 1000 + words.length * stepMs,
          promptTokens: 5,
          ...(logprob === undefined ? {} : { meanLogprob: logprob }),
        },
      };
    },
  };
}

function loaded(target: BenchTarget, chat: ChatEngine): LoadedTarget {
  return {
    engine: chat,
    loaded: { modelId: target.modelId, backend: target.backend, dtype: 'q4', detail: '', contextLength: 512, loadMs: 1 },
    files: [],
    notice: null,
  };
}

const DRAFT: BenchTarget = { modelId: 'pocket-chat-1m', backend: 'wasm' };
const REFINE: BenchTarget = { modelId: 'pocket-chat-3m', backend: 'gateway' };
const DRAFTS = { 'Long?': 'one two three four five six seven', 'Short?': 'yes' };

function plan(rule: EscalationRule): BenchPlan {
  return {
    targets: [DRAFT, REFINE],
    promptSetName: 'two',
    prompts: [
      { id: 'long', messages: [{ role: 'user', content: 'Long?' }], facets: ['refined'] },
      { id: 'short', messages: [{ role: 'user', content: 'Short?' }], facets: ['refined'] },
    ],
    documents: [],
    rounds: 2,
    warmupRounds: 1,
    maxNewTokens: 16,
    temperature: 0,
    pipelines: [{ draft: DRAFT, refine: REFINE, rule, instruction: 'Improve it.' }],
  };
}

async function run(p: BenchPlan, signal = new AbortController().signal) {
  const draftAsked: ChatMessage[][] = [];
  const refineAsked: ChatMessage[][] = [];
  const loads: string[] = [];
  const result = await runBenchmark(p, {
    load: (t) => {
      loads.push(t.modelId);
      return Promise.resolve(
        t.modelId === DRAFT.modelId ? loaded(t, engine(DRAFTS, 10, draftAsked, -0.2)) : loaded(t, engine({}, 30, refineAsked)),
      );
    },
    environment,
    baseParams: DEFAULT_PARAMS,
    signal,
  });
  return { result, draftAsked, refineAsked, loads };
}

describe('draft -> refine in a benchmark', () => {
  it('refines only the drafts the rule escalates, and adds the two times up', async () => {
    const { result, refineAsked, loads } = await run(plan({ kind: 'longer-than', chars: 10 }));
    // Targets first (the refine model alone answers the prompts too), then the refine model once more for the pipeline.
    expect(loads).toEqual(['pocket-chat-1m', 'pocket-chat-3m', 'pocket-chat-3m']);
    const steps = result.pipelines![0]!.steps;
    expect(steps.map((s) => [s.promptId, s.round, s.escalated, s.reason])).toEqual([
      ['long', 1, true, 'the draft is 33 characters, over 10'],
      ['short', 1, false, 'the draft is 3 characters, within 10'],
      ['long', 2, true, 'the draft is 33 characters, over 10'],
      ['short', 2, false, 'the draft is 3 characters, within 10'],
    ]);
    // The refiner was asked alone (2 prompts x 3 rounds), then with the refine prompt for the two long drafts.
    const piped = refineAsked.slice(6);
    expect(piped).toEqual([
      refineMessages('Improve it.', 'Long?', DRAFTS['Long?']),
      refineMessages('Improve it.', 'Long?', DRAFTS['Long?']),
    ]);
    // Draft: 7 tokens x 10 ms; refine: its answer "refined: N" is 2 tokens x 30 ms; a kept draft ("yes") 10 ms.
    expect(steps.map((s) => [s.draftMs, s.refineMs])).toEqual([
      [70, 60],
      [10, null],
      [70, 60],
      [10, null],
    ]);
    expect(steps.map((s) => s.output)).toEqual([
      `refined: ${piped[0]!.at(-1)!.content.length}`,
      'yes',
      `refined: ${piped[0]!.at(-1)!.content.length}`,
      'yes',
    ]);
    const [summary] = summarizePipelines(result);
    expect([summary!.escalated, summary!.drafts, summary!.escalationRate]).toEqual([2, 4, 0.5]);
    expect(summary!.combinedMs.mean).toBe((130 + 10 + 130 + 10) / 4);
    expect(summary!.draftAloneMs.mean).toBe((70 + 10) / 2);
    // The refiner alone answers "refined: 5" / "refined: 6" (2 tokens each): 60 ms.
    expect(summary!.refineAloneMs.mean).toBe(60);
    // Facet "refined": the pipeline gets it on the long prompts only; the draft never; the refiner alone always.
    expect(summary!.quality).toEqual({ pipeline: 0.5, draft: 0, refine: 1 });
    const md = pipelineMarkdown(result).join('\n');
    expect(md).toContain('|pocket-chat-1m · WASM → pocket-chat-3m · Gateway|when the draft is longer than 10 characters|2/4 (50%)|70 ms|');
  });

  it('asks the refiner nothing more when the rule keeps every draft, and uses the draft engine’s confidence', async () => {
    const kept = await run(plan({ kind: 'low-confidence', below: -0.5 }));
    expect(kept.loads).toEqual(['pocket-chat-1m', 'pocket-chat-3m']);
    expect(kept.result.pipelines![0]!.steps.map((s) => s.reason)).toEqual(
      Array(4).fill('mean token log-probability -0.20, not below -0.50'),
    );
    expect(kept.refineAsked).toHaveLength(6);
    const all = await run(plan({ kind: 'low-confidence', below: -0.1 }));
    expect(all.result.pipelines![0]!.steps.every((s) => s.escalated)).toBe(true);
    expect(all.refineAsked).toHaveLength(10);
  });

  it('records a refiner that fails to load, without losing the drafts', async () => {
    const p = plan({ kind: 'always' });
    let loads = 0;
    const failed = await runBenchmark(p, {
      load: (t) => {
        loads++;
        if (loads === 3) return Promise.reject(new Error('out of memory'));
        return Promise.resolve(loaded(t, engine(DRAFTS, 10, [])));
      },
      environment,
      baseParams: DEFAULT_PARAMS,
      signal: new AbortController().signal,
    });
    const result = failed.pipelines![0]!;
    expect([result.status, result.message]).toEqual(['failed', 'the refine model did not load: out of memory']);
    expect(result.steps.map((s) => [s.draftMs, s.error])).toEqual(
      Array(4).fill([expect.any(Number), 'the refine model did not load: out of memory']),
    );
    expect(failed.samples.filter((s) => s.modelId === DRAFT.modelId)).toHaveLength(6);
  });

  it('refuses a pipeline whose models are not measured alone, naming the field', () => {
    const bad = { ...plan({ kind: 'always' }), targets: [DRAFT] };
    expect(() => parseWith(benchPlanSchema, bad, 'plan')).toThrow(
      /pipelines\[0\]\.refine: pocket-chat-3m on gateway must also be one of the plan's targets/,
    );
  });
});
