/**
 * BrowserEngine with its real parts (WorkerConnection, comlink RPC with our error transfer,
 * Watchdog, GenerationStream, the stop flag, the event port) and the real worker API on the far
 * side of a real MessageChannel. Two stand-ins, because a module Web Worker and transformers.js
 * cannot run in this layer: the worker is a FakeWorker (tests/support/fake-worker.ts: the channel,
 * terminate, the `error` event), and the runner is a ScriptedRunner (tests/support/scripted-runner.ts).
 * tests/node/browser-engine.test.ts runs the same engine on the real runner and a real model.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BrowserEngine, type BrowserEngineOptions } from '../../src/engine/browser-engine';
import { DeviceFaultError, GenerationError, WorkerCrashedError } from '../../src/engine/errors';
import type { GenerationEvent, LoadProgress, ModelRef } from '../../src/engine/engine-types';
import { createWorkerApi, type WorkerFault } from '../../src/engine/worker/api';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';
import { FakeWorker } from '../support/fake-worker';
import { ScriptedRunner, answer, loadedModel, type RunnerScript } from '../support/scripted-runner';

const ref: ModelRef = { id: 'pocket-chat-1m', location: '/models/pocket-chat-1m', dtype: 'q4', device: 'wasm', contextLength: 512 };
const moon = ['The', ' moon', ' is', ' a', ' rock', ' that', ' goes', ' round', ' the', ' earth', '.'];
const messages = [{ role: 'user' as const, content: 'Tell me about the moon.' }];
const never = new Promise<never>(() => undefined);

const engines: BrowserEngine[] = [];
afterEach(() => {
  for (const engine of engines.splice(0)) engine.terminate();
});

/** An engine whose every (re)started worker runs `script`; `workers` lists them in start order. */
function setup(script: RunnerScript, options: Partial<BrowserEngineOptions> = {}) {
  const workers: FakeWorker[] = [];
  const injected: WorkerFault[] = [];
  const engine = new BrowserEngine({
    createWorker: () => {
      const worker = new FakeWorker(
        createWorkerApi((flag) => new ScriptedRunner(flag, script), {
          injectFault: (kind) => {
            injected.push(kind);
            return Promise.resolve();
          },
          triggerFault: () => undefined,
        }),
      );
      workers.push(worker);
      return worker;
    },
    tokenBatchMs: 0,
    ...options,
  });
  engines.push(engine);
  return { engine, workers, injected };
}

async function collect(stream: AsyncIterable<GenerationEvent>, onEvent?: (e: GenerationEvent, tokens: number) => void) {
  const events: GenerationEvent[] = [];
  let tokens = 0;
  try {
    for await (const e of stream) {
      events.push(e);
      if (e.type === 'token') tokens += e.count ?? 1;
      onEvent?.(e, tokens);
    }
    return { events, error: null, text: textOf(events) };
  } catch (error) {
    return { events, error, text: textOf(events) };
  }
}

const textOf = (events: GenerationEvent[]): string => events.map((e) => (e.type === 'token' ? e.text : '')).join('');
const full = moon.join('');

describe('BrowserEngine: answers', () => {
  it('starts the worker on first use, and streams the tokens in order to the end', async () => {
    const { engine, workers } = setup({ generate: answer(moon) });
    expect(engine.started).toBe(false);
    expect(await engine.load(ref)).toMatchObject({ modelId: 'pocket-chat-1m', backend: 'wasm' });
    expect(engine.started).toBe(true);
    const { events, error, text } = await collect(engine.chat(messages, DEFAULT_PARAMS));
    expect(error).toBeNull();
    expect(text).toBe(full);
    expect(events.map((e) => e.type)).toEqual(['start', ...moon.map(() => 'token'), 'end']);
    expect(events.at(-1)).toMatchObject({ type: 'end', reason: 'eos' });
    expect(workers).toHaveLength(1);
  });

  it('Stop takes effect after the token being computed: at most one more token than the worker had made', async () => {
    let emitted = 0;
    const { engine } = setup({ generate: answer([...moon, ...moon, ...moon], { everyMs: 5, onToken: (n) => (emitted = n) }) });
    await engine.load(ref);
    const controller = new AbortController();
    let madeAtStop = -1;
    const { events, error, text } = await collect(engine.chat(messages, DEFAULT_PARAMS, controller.signal), (e, tokens) => {
      if (e.type !== 'token' || tokens !== 3) return;
      madeAtStop = emitted;
      controller.abort();
    });
    expect(error).toBeNull();
    expect(events.at(-1)).toMatchObject({ type: 'end', reason: 'aborted' });
    const end = events.at(-1);
    const generated = end?.type === 'end' ? end.trace.tokenTimes.length : -1;
    expect(generated).toBeGreaterThanOrEqual(3);
    expect(generated).toBeLessThanOrEqual(madeAtStop + 1);
    expect(full.repeat(3).startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(full.length);
  });

  it('a worker that hangs mid-answer is killed after the stall timeout: WorkerCrashedError, partial text kept, next load in a fresh worker', async () => {
    const { engine, workers } = setup({ generate: answer(moon, { after: 3, then: 'hang' }) });
    await engine.load(ref);
    engine.stallTimeoutMs = 100;
    const { error, text } = await collect(engine.chat(messages, DEFAULT_PARAMS));
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect((error as Error).message).toMatch(/stopped answering for 0 s and was restarted\. The answer so far is kept/);
    expect(text).toBe('The moon is');
    expect(workers[0]!.terminated).toBe(true);
    expect(engine.current).toBeNull();
    await engine.load(ref);
    expect(workers).toHaveLength(2);
  });

  it('a worker that dies mid-answer fails the answer with WorkerCrashedError after the text so far', async () => {
    const { engine, workers } = setup({ generate: answer(moon, { everyMs: 5 }) });
    await engine.load(ref);
    const { error, text } = await collect(
      engine.chat(messages, DEFAULT_PARAMS),
      (_e, tokens) => tokens === 3 && workers[0]!.crash('Out of memory'),
    );
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect((error as Error).message).toBe('The inference worker crashed: Out of memory. It will restart on the next request.');
    expect(text.startsWith('The moon is')).toBe(true);
    expect(full.startsWith(text) && text.length < full.length).toBe(true);
    expect(workers[0]!.terminated).toBe(true);
    expect(engine.current).toBeNull();
    expect(engine.started).toBe(false);
  });

  it('a device lost mid-answer ends it with the DeviceFaultError, keeps the text, and replaces the worker', async () => {
    const lost = new DeviceFaultError('The WebGPU device was lost after 2 tokens. The inference worker was restarted.', {
      cause: 'device-lost',
      device: 'webgpu',
    });
    const { engine, workers } = setup({ generate: answer(moon, { after: 2, then: lost }) });
    await engine.load(ref);
    const { error, text } = await collect(engine.chat(messages, DEFAULT_PARAMS));
    expect(error).toBeInstanceOf(DeviceFaultError);
    expect((error as DeviceFaultError).details).toEqual({ cause: 'device-lost', device: 'webgpu' });
    expect(text).toBe('The moon');
    expect(workers[0]!.terminated).toBe(true);
    await engine.load(ref);
    expect(workers).toHaveLength(2);
  });

  it('an error after the first token reaches the caller as its class, the token kept, the worker kept', async () => {
    const { engine, workers } = setup({
      generate: answer(moon, {
        after: 1,
        then: new GenerationError('Generation failed after 1 tokens: bad logits', { generatedTokens: 1 }),
      }),
    });
    await engine.load(ref);
    const { error, text } = await collect(engine.chat(messages, DEFAULT_PARAMS));
    expect(error).toBeInstanceOf(GenerationError);
    expect((error as GenerationError).details).toEqual({ generatedTokens: 1 });
    expect(text).toBe('The');
    expect(workers[0]!.terminated).toBe(false);
    expect(engine.current).not.toBeNull();
  });

  it('a stopped worker that does not wind down within the grace period is killed; the answer ends as aborted', async () => {
    const { engine, workers } = setup({ generate: answer(moon, { after: 2, then: 'hang' }) }, { stopGraceMs: 50 });
    await engine.load(ref);
    const controller = new AbortController();
    const { events, error, text } = await collect(engine.chat(messages, DEFAULT_PARAMS, controller.signal), (_e, tokens) => {
      if (tokens === 2) controller.abort();
    });
    expect(error).toBeNull();
    expect(events.at(-1)).toMatchObject({ type: 'end', reason: 'aborted' });
    expect(text).toBe('The moon');
    expect(workers[0]!.terminated).toBe(true);
  });

  it('Stop after the worker was terminated under the answer ends it as aborted, without throwing', async () => {
    const { engine } = setup({ generate: answer(moon, { after: 2, then: 'hang' }) }, { stopGraceMs: 50 });
    await engine.load(ref);
    const controller = new AbortController();
    const { events, error, text } = await collect(engine.chat(messages, DEFAULT_PARAMS, controller.signal), (_e, tokens) => {
      if (tokens !== 2) return;
      engine.terminate(); // as the benchmark's closeApps does
      expect(() => controller.abort()).not.toThrow();
    });
    expect(error).toBeNull();
    expect(events.at(-1)).toMatchObject({ type: 'end', reason: 'aborted' });
    expect(text).toBe('The moon');
  });
});

describe('BrowserEngine: loads', () => {
  it('passes progress on; progress keeps the load watchdog quiet', async () => {
    const { engine } = setup(
      {
        load: async (r, onProgress) => {
          for (let i = 1; i <= 8; i++) {
            await new Promise((resolve) => setTimeout(resolve, 50)); // 400 ms in all
            onProgress({
              phase: 'download',
              file: 'onnx/model_q4.onnx',
              fileLoaded: i,
              fileTotal: 8,
              loaded: i,
              total: 8,
              fromCache: false,
            });
          }
          // Progress travels on a port of its own, unordered against the reply: let it arrive.
          await new Promise((resolve) => setTimeout(resolve, 20));
          return loadedModel(r);
        },
      },
      { loadStallTimeoutMs: 250 },
    );
    const seen: LoadProgress[] = [];
    await engine.load(ref, { onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => (p.phase === 'download' ? p.loaded : p.phase))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a load with no progress for loadStallTimeoutMs is stopped with WorkerCrashedError and the worker killed', async () => {
    const { engine, workers } = setup({ load: () => never });
    engine.loadStallTimeoutMs = 100;
    const error: unknown = await engine.load(ref).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect((error as WorkerCrashedError).message).toMatch(
      /^Loading pocket-chat-1m showed no progress for 0 s \(a stalled download or a hung worker\), so it was stopped/,
    );
    expect((error as WorkerCrashedError).details).toEqual({ modelId: 'pocket-chat-1m', stalledMs: 100 });
    expect(workers[0]!.terminated).toBe(true);
  });

  it('Cancel kills the worker and rejects with AbortError; an already aborted signal starts nothing', async () => {
    const { engine, workers } = setup({ load: () => never });
    const controller = new AbortController();
    const loading = engine.load(ref, { signal: controller.signal });
    controller.abort();
    await expect(loading).rejects.toMatchObject({ name: 'AbortError' });
    expect(workers[0]!.terminated).toBe(true);
    await expect(engine.load(ref, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(workers).toHaveLength(1);
  });

  it('a device fault while loading rejects with it and replaces the worker', async () => {
    const fault = new DeviceFaultError('The WebGPU device was lost while pocket-chat-1m was warming up.', { cause: 'device-lost' });
    const { engine, workers } = setup({ load: () => Promise.reject(fault) });
    await expect(engine.load(ref)).rejects.toBeInstanceOf(DeviceFaultError);
    expect(workers[0]!.terminated).toBe(true);
    expect(engine.started).toBe(false);
  });

  it('a load and an answer running at once on one worker both learn of its death (no shared crash slot)', async () => {
    let loads = 0;
    // The second load never answers: only the worker's death can end it.
    const { engine, workers } = setup({
      load: (r) => (loads++ === 0 ? Promise.resolve(loadedModel(r)) : never),
      generate: answer([...moon, ...moon], { everyMs: 20 }),
    });
    await engine.load(ref);
    const answering = collect(engine.chat(messages, DEFAULT_PARAMS), (_e, tokens) => tokens === 2 && workers[0]!.crash('gone'));
    const scriptLoad = engine.load({ ...ref, id: 'second' }, {}).catch((e: unknown) => e);
    const [{ error: answerError, text }, loadError] = await Promise.all([answering, scriptLoad]);
    expect(answerError).toBeInstanceOf(WorkerCrashedError);
    expect(text.startsWith('The moon')).toBe(true);
    expect(loadError).toBeInstanceOf(WorkerCrashedError);
  });

  it('fault injection goes to the running worker, and says so when none runs', async () => {
    const { engine, injected } = setup({});
    await expect(engine.injectFault('hang')).rejects.toThrow('The inference worker is not running.');
    await engine.load(ref);
    await engine.injectFault('device-lost');
    expect(injected).toEqual(['device-lost']);
  });
});
