/**
 * The runner's bookkeeping with a scripted engine (the real engines run in the e2e test): order,
 * progress, warm-up marking, a failing target that does not stop the others, and cancellation.
 */
import { describe, expect, it } from 'vitest';
import { benchChartData } from '../../src/bench/chart-data';
import { runBenchmark, type BenchProgress, type LoadedTarget } from '../../src/bench/bench-runner';
import type { BenchPlan, BenchTarget, TargetResources } from '../../src/bench/bench-types';
import type { ChatEngine, ChatMessage, GenerationEvent, GenerationParams } from '../../src/engine/engine-types';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';

const environment = {
  userAgent: 'test',
  adapter: null,
  hardwareConcurrency: 2,
  wasmThreads: 1,
  crossOriginIsolated: false,
  appVersion: '0.1.0',
};

/** Answers with `tokens` tokens 10 ms apart after a 50 ms TTFT; stops early when aborted. */
function engine(tokens: number, seen: GenerationParams[] = [], onToken?: () => void): ChatEngine {
  return {
    kind: 'browser',
    async *chat(_messages: readonly ChatMessage[], params: GenerationParams, signal?: AbortSignal): AsyncIterable<GenerationEvent> {
      seen.push(params);
      await Promise.resolve();
      const times: number[] = [];
      yield { type: 'start', promptTokens: 5, maxNewTokens: params.maxNewTokens };
      for (let i = 0; i < tokens; i++) {
        if (signal?.aborted) break;
        times.push(1050 + i * 10);
        yield { type: 'token', text: `t${i} `, at: times[i]! };
        onToken?.();
      }
      const reason = signal?.aborted ? 'aborted' : 'eos';
      yield { type: 'end', reason, trace: { requestAt: 1000, prefillStartAt: 1000, tokenTimes: times, endAt: 1100, promptTokens: 5 } };
    },
  };
}

function loaded(target: BenchTarget, chat: ChatEngine): LoadedTarget {
  return {
    engine: chat,
    loaded: { modelId: target.modelId, backend: target.backend, dtype: 'q4', detail: 'WASM · 1 thread', contextLength: 512, loadMs: 1 },
    files: [{ path: 'onnx/model_q4.onnx', sha256: null }],
    notice: null,
  };
}

const plan = (targets: BenchTarget[]): BenchPlan => ({
  targets,
  promptSetName: 'two',
  prompts: [
    { id: 'a', messages: [{ role: 'user', content: 'A?' }] },
    { id: 'b', messages: [{ role: 'user', content: 'B?' }] },
  ],
  rounds: 2,
  warmupRounds: 1,
  maxNewTokens: 8,
  temperature: 0,
});

const A: BenchTarget = { modelId: 'pocket-chat-1m', backend: 'wasm' };
const B: BenchTarget = { modelId: 'pocket-chat-3m', backend: 'wasm' };

describe('runBenchmark', () => {
  it('measures every target, marks warm-up rounds and reports monotonic progress', async () => {
    const progress: BenchProgress[] = [];
    const params: GenerationParams[] = [];
    const run = await runBenchmark(plan([A, B]), {
      load: (t) => Promise.resolve(loaded(t, engine(4, params))),
      environment,
      baseParams: { ...DEFAULT_PARAMS, temperature: 0.7 },
      signal: new AbortController().signal,
      onProgress: (p) => progress.push(p),
      id: 'r',
    });
    expect(run.samples).toHaveLength(12);
    expect(run.samples.filter((s) => s.warmup)).toHaveLength(4);
    expect(run.samples.every((s) => s.error === null && s.ttftMs === 50 && s.generatedTokens === 4)).toBe(true);
    expect(run.targets.map((t) => t.status)).toEqual(['ok', 'ok']);
    expect(params.every((p) => p.temperature === 0 && p.maxNewTokens === 8)).toBe(true);
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((x, y) => x - y));
    expect(progress[progress.length - 1]).toEqual({ done: 12, total: 12, target: null, phase: 'finished' });
    expect(benchChartData(run).gaps.map((g) => g.values)).toEqual([
      [10, 10, 10],
      [10, 10, 10],
    ]);
  });

  it('marks a target that fails to load or answer as failed and goes on', async () => {
    const broken: ChatEngine = {
      kind: 'browser',
      // eslint-disable-next-line require-yield
      async *chat(): AsyncIterable<GenerationEvent> {
        await Promise.resolve();
        throw new Error('out of memory');
      },
    };
    const run = await runBenchmark(plan([A, B, { modelId: 'x', backend: 'gateway' }]), {
      load: (t) => (t.modelId === 'x' ? Promise.reject(new Error('no gateway')) : Promise.resolve(loaded(t, t === A ? broken : engine(3)))),
      environment,
      baseParams: DEFAULT_PARAMS,
      signal: new AbortController().signal,
    });
    expect(run.targets.map((t) => [t.status, t.message])).toEqual([
      ['failed', 'out of memory'],
      ['ok', null],
      ['failed', 'no gateway'],
    ]);
    expect(run.samples.filter((s) => s.modelId === A.modelId)).toHaveLength(1);
    expect(run.samples.filter((s) => s.modelId === B.modelId && s.error === null)).toHaveLength(6);
  });

  it('stops the current answer on cancel and marks the rest cancelled', async () => {
    const abort = new AbortController();
    let tokens = 0;
    const run = await runBenchmark(plan([A, B]), {
      load: (t) =>
        Promise.resolve(
          loaded(
            t,
            engine(6, [], () => ++tokens === 8 && abort.abort()),
          ),
        ),
      environment,
      baseParams: DEFAULT_PARAMS,
      signal: abort.signal,
    });
    expect(run.targets.map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    expect(run.samples).toHaveLength(2);
    expect(run.samples[1]?.error).toBe('cancelled');
    expect(run.finishedAt).not.toBeNull();
  });

  it("reads each target's resources while its first measured answer runs, and waits for them before the next load", async () => {
    const events: string[] = [];
    const tracked = (t: BenchTarget): ChatEngine => ({
      kind: 'browser',
      async *chat(messages, params, signal): AsyncIterable<GenerationEvent> {
        events.push(`answer ${t.modelId} ${messages[0]?.content ?? ''}`);
        yield* engine(2).chat(messages, params, signal);
      },
    });
    const run = await runBenchmark(plan([A, B]), {
      load: (t) => {
        events.push(`load ${t.modelId}`);
        return Promise.resolve(loaded(t, tracked(t)));
      },
      measureResources: (t, model) => {
        events.push(`measure ${t.modelId} ${model.dtype}`);
        // A's reading comes late (as Chromium's may, at its next garbage collection); B's fails.
        if (t === B) return Promise.reject(new Error('no memory API'));
        return new Promise((resolve) => {
          setTimeout(() => {
            events.push(`reading ${t.modelId}`);
            resolve({ pageMemoryBytes: 5_000_000, diskBytes: 1_000, gatewayRssBytes: null, notes: [] });
          }, 20);
        });
      },
      environment,
      baseParams: DEFAULT_PARAMS,
      signal: new AbortController().signal,
    });
    // The reading starts with the (only) warm-up round's first answer, and is waited for after the last.
    expect(events).toEqual([
      'load pocket-chat-1m',
      'answer pocket-chat-1m A?',
      'measure pocket-chat-1m q4',
      'answer pocket-chat-1m B?',
      'answer pocket-chat-1m A?',
      'answer pocket-chat-1m B?',
      'answer pocket-chat-1m A?',
      'answer pocket-chat-1m B?',
      'reading pocket-chat-1m',
      'load pocket-chat-3m',
      'answer pocket-chat-3m A?',
      'measure pocket-chat-3m q4',
      'answer pocket-chat-3m B?',
      'answer pocket-chat-3m A?',
      'answer pocket-chat-3m B?',
      'answer pocket-chat-3m A?',
      'answer pocket-chat-3m B?',
    ]);
    expect(run.targets[0]?.resources).toEqual({ pageMemoryBytes: 5_000_000, diskBytes: 1_000, gatewayRssBytes: null, notes: [] });
    // A failed reading is a note, never a failed target.
    expect(run.targets[1]?.status).toBe('ok');
    expect(run.targets[1]?.resources).toEqual({
      pageMemoryBytes: null,
      diskBytes: null,
      gatewayRssBytes: null,
      notes: ['not measured: no memory API'],
    });
  });

  it('starts the reading with the last warm-up round, or the first measured request without warm-up', async () => {
    const events: string[] = [];
    const chat = (label: string): ChatEngine => ({
      kind: 'browser',
      async *chat(messages, params, signal): AsyncIterable<GenerationEvent> {
        events.push(`${label} ${messages[0]?.content ?? ''}`);
        yield* engine(1).chat(messages, params, signal);
      },
    });
    const measure = (): Promise<TargetResources> => {
      events.push('measure');
      return Promise.resolve({ pageMemoryBytes: 1, diskBytes: 1, gatewayRssBytes: null, notes: [] });
    };
    const common = { environment, baseParams: DEFAULT_PARAMS, signal: new AbortController().signal, measureResources: measure };
    await runBenchmark(
      { ...plan([A]), warmupRounds: 2, rounds: 1 },
      { ...common, load: (t) => Promise.resolve(loaded(t, chat('warm-up'))) },
    );
    // Warm-up rounds 0 and 1, then the measured round 2: the reading starts once round 1's first answer has.
    expect(events).toEqual(['warm-up A?', 'warm-up B?', 'warm-up A?', 'measure', 'warm-up B?', 'warm-up A?', 'warm-up B?']);
    events.length = 0;
    await runBenchmark({ ...plan([A]), warmupRounds: 0, rounds: 1 }, { ...common, load: (t) => Promise.resolve(loaded(t, chat('cold'))) });
    expect(events).toEqual(['cold A?', 'measure', 'cold B?']);
  });

  it('does not wait for a reading once cancelled', async () => {
    const abort = new AbortController();
    const run = await runBenchmark(
      { ...plan([A]), warmupRounds: 0, rounds: 1 },
      {
        load: (t) => Promise.resolve(loaded(t, engine(2))),
        // Never answers: only the cancel can end the wait.
        measureResources: () => {
          setTimeout(() => abort.abort(), 10);
          return new Promise(() => undefined);
        },
        environment,
        baseParams: DEFAULT_PARAMS,
        signal: abort.signal,
      },
    );
    expect(run.targets[0]?.resources).toBeUndefined();
    expect(run.samples.filter((s) => s.error === null)).toHaveLength(2);
  });
});
