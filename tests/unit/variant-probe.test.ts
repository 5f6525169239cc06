/**
 * Variant by measurement, through a whole Playground: the first load with an automatic variant
 * measures the variants on this device (and only those: nothing downloads to be measured), picks
 * the fastest, keeps it, and every reader of the placement agrees on it. The inference worker
 * cannot run in Node, so the engine is scripted (app-fixtures.ts): its token times per dtype stand
 * in for the speeds; the real measurement runs in tests/e2e/variant-measure.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { LoadState } from '../../src/app/model-slot';
import { probeVariants, PROBE_TOKENS, PROBE_WARMUP_TOKENS, type ProbeStep } from '../../src/app/variant-probe';
import { modelFileUrls } from '../../src/catalog/catalog';
import type { Dtype } from '../../src/catalog/schema';
import type { ChatEngine, GenerationEvent } from '../../src/engine/engine-types';
import { fitForModel } from '../../src/placement/verdict';
import { BASE_URL, capabilities, catalog, flush, testApp } from './app-fixtures';

const measuring = { preferences: { measureVariants: true } };
const HUB_MODEL = 'qwen2.5-0.5b-instruct';

/** Every load state the slot announces, from now on. */
function recordStates(app: ReturnType<typeof testApp>['app']): LoadState[] {
  const states: LoadState[] = [];
  app.models.primary.addEventListener('change', () => states.push(app.models.primary.load));
  return states;
}

describe('variant by measurement', () => {
  it('measures the bundled variants on first load, shows its steps, loads the fastest and says why', async () => {
    const { app, engine } = testApp(measuring);
    engine.autoFinish = true;
    // Milliseconds per token: q8 is the fastest here, fp32 (the default first) the slowest.
    engine.msPerToken = { fp32: 6, q8: 2, q4: 3 };
    const states = recordStates(app);
    const route = await app.models.primary.selectModel('pocket-chat-1m');

    // Measured in the default order, then the pick loaded for real.
    expect(engine.loads.map((l) => `${l.ref.device} ${l.ref.dtype}`)).toEqual(['wasm fp32', 'wasm q8', 'wasm q4', 'wasm q8']);
    expect(route?.plan).toMatchObject({ device: 'wasm', dtype: 'q8', measured: 'q8: 1.5× faster than q4 on this CPU' });
    expect(route?.reason).toMatch(/; q8: 1\.5× faster than q4 on this CPU \(measured\)$/);
    const steps = states.flatMap((s) => (s.kind === 'loading' && s.measuring ? [s.measuring] : []));
    expect(steps.map((s) => `${s.index + 1}/${s.total} ${s.dtype} ${s.phase}`)).toEqual(
      expect.arrayContaining(['1/3 fp32 loading', '1/3 fp32 decoding', '2/3 q8 decoding', '3/3 q4 decoding']),
    );
    expect(steps.at(-1)!.results.map((r) => r.dtype)).toEqual(['fp32', 'q8']);

    const model = catalog.find((m) => m.id === 'pocket-chat-1m')!;
    const stored = app.measurements.get(model, 'wasm');
    expect(stored?.results.map((r) => [r.dtype, r.decodeTokensPerSec])).toEqual([
      ['fp32', 1000 / 6],
      ['q8', 500],
      ['q4', 1000 / 3],
    ]);
    // The panel's verdict (and so the fit filter) names the run the router made.
    expect(fitForModel(model, capabilities, 'auto', 'auto', false, app.measurements.speedsFor(model))?.dtype).toBe('q8');
  });

  it('does not measure again on the next load, but does on "Measure again"', async () => {
    const { app, engine } = testApp(measuring);
    engine.autoFinish = true;
    engine.msPerToken = { fp32: 1, q8: 2, q4: 3 };
    await app.models.primary.selectModel('pocket-chat-1m');
    expect(engine.loads).toHaveLength(4);
    const again = await app.models.primary.selectModel('pocket-chat-1m');
    expect(engine.loads.slice(4).map((l) => l.ref.dtype)).toEqual(['fp32']);
    expect(again?.plan?.measured).toBe('fp32: 2.0× faster than q8 on this CPU');

    engine.msPerToken = { fp32: 4, q8: 1, q4: 3 };
    const measuredAgain = await app.models.primary.selectModel('pocket-chat-1m', { measureAgain: true });
    expect(engine.loads.slice(5).map((l) => l.ref.dtype)).toEqual(['fp32', 'q8', 'q4', 'q8']);
    expect(measuredAgain?.loaded.dtype).toBe('q8');
  });

  it('an explicit variant skips the measurement and wins over a stored one', async () => {
    const { app, engine } = testApp({ preferences: { measureVariants: true, dtype: 'q4' } });
    engine.autoFinish = true;
    expect((await app.models.primary.selectModel('pocket-chat-1m'))?.loaded.dtype).toBe('q4');
    expect(engine.loads.map((l) => l.ref.dtype)).toEqual(['q4']);

    app.settings.setRun({ dtype: 'auto' });
    engine.msPerToken = { fp32: 1, q8: 3, q4: 2 };
    await app.models.primary.selectModel('pocket-chat-1m');
    expect(engine.loads.at(-1)!.ref.dtype).toBe('fp32');
    app.settings.setRun({ dtype: 'q8' });
    const chosen = await app.models.primary.selectModel('pocket-chat-1m');
    expect(engine.loads.at(-1)!.ref.dtype).toBe('q8');
    expect(chosen?.plan?.measured).toBeUndefined();
  });

  it('with measuring off, loads the default order without measuring', async () => {
    const { app, engine } = testApp();
    engine.autoFinish = true;
    expect((await app.models.primary.selectModel('pocket-chat-1m'))?.loaded.dtype).toBe('fp32');
    expect(engine.loads).toHaveLength(1);
  });

  it('measures only the variants of a hub model whose files are in the cache: nothing downloads to be measured', async () => {
    const { app, engine, cached } = testApp(measuring);
    engine.autoFinish = true;
    engine.msPerToken = { q8: 4, q4: 2 };
    const model = catalog.find((m) => m.id === HUB_MODEL)!;
    const cache = (dtype: Dtype): void => {
      for (const url of modelFileUrls(model, dtype, BASE_URL, app.settings.preferences.hubUrl)) cached.add(url);
    };
    // Only q8 stored: nothing to compare, and q4 / q4f16 are not fetched to make a comparison.
    cache('q8');
    await app.models.primary.selectModel(HUB_MODEL);
    expect(engine.loads.map((l) => l.ref.dtype)).toEqual(['q8']);
    expect(app.measurements.get(model, 'wasm')).toBeNull();

    // q8 and q4 stored, q4f16 not: those two are measured, q4f16 never loads.
    cache('q4');
    const route = await app.models.primary.selectModel(HUB_MODEL);
    expect(engine.loads.slice(1).map((l) => l.ref.dtype)).toEqual(['q8', 'q4', 'q4']);
    expect(route?.plan?.measured).toBe('q4: 2.0× faster than q8 on this CPU');
    expect(app.measurements.get(model, 'wasm')?.results.map((r) => r.dtype)).toEqual(['q8', 'q4']);
  });

  it('"Skip measuring" loads at once in the default order and keeps nothing; Cancel stops the load too', async () => {
    const { app, engine } = testApp(measuring);
    const slot = app.models.primary;
    const loading = slot.selectModel('pocket-chat-1m');
    await flush();
    expect(slot.load).toMatchObject({ kind: 'loading', measuring: { dtype: 'fp32', index: 0, phase: 'loading' } });
    slot.skipMeasuring();
    await flush();
    expect(engine.loads[0]!.options.signal?.aborted).toBe(true);
    expect(engine.loads).toHaveLength(2);
    expect(engine.loads[1]!.ref.dtype).toBe('fp32');
    engine.finish(1);
    expect((await loading)?.plan?.measured).toBeUndefined();
    expect(app.measurements.speedsFor(catalog.find((m) => m.id === 'pocket-chat-1m')!)).toEqual({});

    const again = slot.selectModel('pocket-chat-1m', { measureAgain: true });
    await flush();
    expect(slot.load).toMatchObject({ kind: 'loading', measuring: { index: 0 } });
    slot.cancelLoad();
    expect(await again).toBeNull();
    await flush();
    expect(engine.loads).toHaveLength(3);
    expect(slot.load.kind).toBe('idle');
  });

  it('a prompt sent while the variants are measured waits, and is answered by the measured pick', async () => {
    const { app, engine } = testApp(measuring);
    engine.msPerToken = { fp32: 3, q8: 1, q4: 2 };
    const slot = app.models.primary;
    const loading = slot.selectModel('pocket-chat-1m');
    await flush();
    expect(slot.load).toMatchObject({ kind: 'loading', measuring: { dtype: 'fp32' } });
    const answering = app.generation.send('What is 2 plus 3?');
    // Each candidate, then the pick, loads when the test lets it.
    for (let i = 0; i < 4; i++) {
      await expect.poll(() => engine.loads.length).toBe(i + 1);
      engine.finish(i, false);
    }
    await loading;
    await answering;
    const answer = app.chats.current.turns.at(-1)!;
    expect(answer.content).toBe('2 plus 3 is 5.');
    expect(answer.meta).toMatchObject({ modelId: 'pocket-chat-1m', dtype: 'q8' });
  });

  it('the benchmark runs the measured pick for a target with an automatic variant', async () => {
    const { app, engine } = testApp(measuring);
    engine.autoFinish = true;
    engine.msPerToken = { fp32: 3, q8: 3, q4: 1 };
    await app.models.primary.selectModel('pocket-chat-1m');
    app.bench.setPlan({
      targets: [{ modelId: 'pocket-chat-1m', backend: 'wasm' }],
      rounds: 1,
      warmupRounds: 0,
      maxNewTokens: 4,
      prompts: app.bench.plan.prompts.slice(0, 1),
    });
    const run = await app.bench.run();
    expect(run?.targets.map((t) => t.dtype)).toEqual(['q4']);
  });
});

describe('probeVariants', () => {
  /** An engine whose answer is `PROBE_TOKENS` tokens `gap` ms apart (or fails); `asked` gets each budget it was asked for. */
  function engineFor(gap: number | Error, asked: number[] = []): ChatEngine {
    return {
      kind: 'browser',
      async *chat(_messages, params): AsyncIterable<GenerationEvent> {
        asked.push(params.maxNewTokens);
        await Promise.resolve();
        if (gap instanceof Error) throw gap;
        const tokenTimes = Array.from({ length: PROBE_TOKENS }, (_, i) => 100 + i * gap);
        yield { type: 'start', promptTokens: 5, maxNewTokens: PROBE_TOKENS };
        yield { type: 'token', text: 'x', at: tokenTimes.at(-1)!, count: PROBE_TOKENS };
        yield { type: 'end', reason: 'length', trace: { requestAt: 0, prefillStartAt: 0, tokenTimes, endAt: 1000, promptTokens: 5 } };
      },
    };
  }

  it('records a variant that fails to load or to answer with the reason, and measures the others after a warm-up', async () => {
    const steps: ProbeStep[] = [];
    const asked: number[] = [];
    const results = await probeVariants(
      'wasm',
      ['fp32', 'q8', 'q4'],
      (dtype) =>
        dtype === 'q8'
          ? Promise.reject(new Error('no such file'))
          : Promise.resolve(engineFor(dtype === 'q4' ? new Error('out of memory') : 2, dtype === 'fp32' ? asked : [])),
      new AbortController().signal,
      (s) => steps.push(s),
    );
    expect(results).toEqual([
      { dtype: 'fp32', decodeTokensPerSec: 500, tokens: PROBE_TOKENS, error: null },
      { dtype: 'q8', decodeTokensPerSec: null, tokens: 0, error: 'no such file' },
      { dtype: 'q4', decodeTokensPerSec: null, tokens: 0, error: 'out of memory' },
    ]);
    expect(steps.map((s) => `${s.dtype} ${s.phase}`)).toEqual(['fp32 loading', 'fp32 decoding', 'q8 loading', 'q4 loading', 'q4 decoding']);
    // A short warm-up answer, then the timed one.
    expect(asked).toEqual([PROBE_WARMUP_TOKENS, PROBE_TOKENS]);
  });

  it('takes the median step, so a few stalled steps do not decide', async () => {
    const stalled: ChatEngine = {
      kind: 'browser',
      async *chat(_messages, params): AsyncIterable<GenerationEvent> {
        await Promise.resolve();
        // Steps of 2 ms, five of the 23 stalled to 100 ms (another process had the core): the mean would say 43 tok/s.
        const gaps = Array.from({ length: params.maxNewTokens - 1 }, (_, i) => (i % 5 === 1 ? 100 : 2));
        const tokenTimes = gaps.reduce((times, g) => [...times, times.at(-1)! + g], [100]);
        yield { type: 'end', reason: 'length', trace: { requestAt: 0, prefillStartAt: 0, tokenTimes, endAt: 2000, promptTokens: 5 } };
      },
    };
    const [result] = await probeVariants(
      'wasm',
      ['q8'],
      () => Promise.resolve(stalled),
      new AbortController().signal,
      () => undefined,
    );
    expect(result).toMatchObject({ dtype: 'q8', decodeTokensPerSec: 500, tokens: PROBE_TOKENS });
  });

  it('stops with an AbortError when stopped, measuring nothing more', async () => {
    const abort = new AbortController();
    const loaded: Dtype[] = [];
    const probe = probeVariants(
      'wasm',
      ['fp32', 'q8'],
      (dtype) => {
        loaded.push(dtype);
        abort.abort();
        return Promise.resolve(engineFor(1));
      },
      abort.signal,
      () => undefined,
    );
    await expect(probe).rejects.toMatchObject({ name: 'AbortError' });
    expect(loaded).toEqual(['fp32']);
  });
});
