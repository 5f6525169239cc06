/**
 * createWorkerApi: the event stream a generation sends back, errors on the same stream (always
 * last), armed faults, and stop requests. The transformers.js ModelRunner is replaced by a
 * scripted one (tests/support/scripted-runner.ts: no model is loaded), handed in the way the
 * worker entry hands in the real one, so only the API's own logic is under test.
 */
import { describe, expect, it } from 'vitest';
import { GenerationError, ModelNotLoadedError } from '../../src/engine/errors';
import type { ChatMessage, LoadProgress, ModelRef } from '../../src/engine/engine-types';
import type { StopFlag } from '../../src/engine/worker/stop-flag';
import { createWorkerApi, type EventSink, type WorkerEvent, type WorkerHooks } from '../../src/engine/worker/api';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';
import { ScriptedRunner, loadedModel, type RunnerScript } from '../support/scripted-runner';

const messages: ChatMessage[] = [{ role: 'user', content: 'Hi' }];
const trace = { requestAt: 0, prefillStartAt: 1, tokenTimes: [2, 3], endAt: 4, promptTokens: 5 };

/** The API around a scripted runner; `flags` collects the flag of every runner it makes. */
function apiWith(script: RunnerScript, hooks: WorkerHooks = {}): { api: ReturnType<typeof createWorkerApi>; flags: StopFlag[] } {
  const flags: StopFlag[] = [];
  const api = createWorkerApi((flag) => {
    flags.push(flag);
    return new ScriptedRunner(flag, script);
  }, hooks);
  return { api, flags };
}

/** Stands in for the MessagePort the page hands over. */
function sinkInto(seen: WorkerEvent[]): EventSink {
  return { postMessage: (e) => seen.push(e) };
}

describe('createWorkerApi', () => {
  it('forwards every event in the order the runner emits it, the end last', async () => {
    const { api } = apiWith({
      generate: async ({ emit }) => {
        emit({ type: 'start', promptTokens: 5, maxNewTokens: 2 });
        emit({ type: 'token', text: 'Hel', at: 2 });
        await Promise.resolve(); // tokens arrive across awaits, as in a real generation
        emit({ type: 'token', text: 'lo', at: 3 });
        emit({ type: 'end', reason: 'length', trace });
      },
    });
    const seen: WorkerEvent[] = [];
    await api.generate(1, messages, { ...DEFAULT_PARAMS }, sinkInto(seen));
    expect(seen.map((e) => (e.type === 'token' ? `token:${e.text}` : e.type))).toEqual(['start', 'token:Hel', 'token:lo', 'end']);
  });

  it('sends a failure as a last error event on the same stream, after the tokens so far', async () => {
    const { api } = apiWith({
      generate: ({ emit }) => {
        emit({ type: 'start', promptTokens: 5, maxNewTokens: 8 });
        emit({ type: 'token', text: 'a', at: 1 });
        return Promise.reject(new GenerationError('Generation failed after 1 tokens: OOM', { generatedTokens: 1 }));
      },
    });
    const seen: WorkerEvent[] = [];
    await api.generate(2, messages, { ...DEFAULT_PARAMS }, sinkInto(seen));
    expect(seen.map((e) => e.type)).toEqual(['start', 'token', 'error']);
    const last = seen[2];
    expect(last?.type === 'error' ? last.error : null).toEqual(
      expect.objectContaining({
        name: 'GenerationError',
        message: 'Generation failed after 1 tokens: OOM',
        details: { generatedTokens: 1 },
      }),
    );
  });

  it('reports an error thrown before any event (no model loaded) as the only event', async () => {
    const { api } = apiWith({ generate: () => Promise.reject(new ModelNotLoadedError()) });
    const seen: WorkerEvent[] = [];
    await api.generate(3, messages, { ...DEFAULT_PARAMS }, sinkInto(seen));
    expect(seen).toHaveLength(1);
    expect(seen[0]?.type === 'error' ? seen[0].error.name : null).toBe('ModelNotLoadedError');
  });

  it('an armed fault fires right after the n-th token of the next answer, once', async () => {
    const log: string[] = [];
    const { api } = apiWith(
      {
        generate: ({ emit }) => {
          emit({ type: 'start', promptTokens: 1, maxNewTokens: 3 });
          for (const text of ['a', 'b', 'c']) emit({ type: 'token', text, at: 0 });
          emit({ type: 'end', reason: 'length', trace });
          return Promise.resolve();
        },
      },
      { injectFault: () => Promise.resolve(), triggerFault: (kind) => log.push(`fault:${kind}`) },
    );
    await api.injectFault('hang', 2);
    expect(log).toEqual([]); // armed, not fired
    const sink: EventSink = { postMessage: (e) => log.push(e.type === 'token' ? e.text : e.type) };
    await api.generate(6, messages, { ...DEFAULT_PARAMS }, sink);
    expect(log).toEqual(['start', 'a', 'b', 'fault:hang', 'c', 'end']);
    log.length = 0;
    await api.generate(7, messages, { ...DEFAULT_PARAMS }, sink);
    expect(log).not.toContain('fault:hang');
  });

  it('an armed fault counts the tokens of batched events and fires after the batch that reaches its count', async () => {
    const log: string[] = [];
    const { api } = apiWith(
      {
        generate: ({ emit }) => {
          emit({ type: 'token', text: 'a', at: 0 });
          emit({ type: 'token', text: 'bc', at: 1, count: 2 }); // tokens 2 and 3
          emit({ type: 'token', text: 'de', at: 2, count: 2 });
          emit({ type: 'end', reason: 'length', trace });
          return Promise.resolve();
        },
      },
      { injectFault: () => Promise.resolve(), triggerFault: (kind) => log.push(`fault:${kind}`) },
    );
    await api.injectFault('exit', 2);
    await api.generate(8, messages, { ...DEFAULT_PARAMS }, { postMessage: (e) => log.push(e.type === 'token' ? e.text : e.type) });
    expect(log).toEqual(['a', 'bc', 'fault:exit', 'de', 'end']);
  });

  it('refuses fault injection when the worker has no fault hooks', async () => {
    await expect(apiWith({}).api.injectFault('hang')).rejects.toThrow(/cannot inject faults/);
  });

  it('stop() marks the request on the flag the runner reads, and init() shares the page buffer', () => {
    const { api, flags } = apiWith({});
    api.stop(5);
    expect(flags.at(-1)?.isRequested(5)).toBe(true);

    const buffer = new SharedArrayBuffer(4);
    api.init(buffer);
    const runnerFlag = flags.at(-1)!;
    expect(runnerFlag.isRequested(5)).toBe(false); // a fresh buffer
    new Int32Array(buffer)[0] = 9; // the page writes the id directly
    expect(runnerFlag.isRequested(9)).toBe(true);
    api.stop(11);
    expect(new Int32Array(buffer)[0]).toBe(11);
  });

  it('passes load progress through and ignores rejected progress callbacks', async () => {
    const progress: LoadProgress[] = [{ phase: 'compile', message: 'Warming up…' }, { phase: 'ready' }];
    const { api } = apiWith({
      load: (ref, onProgress) => {
        for (const p of progress) onProgress(p);
        return Promise.resolve(loadedModel(ref));
      },
    });
    const seen: LoadProgress[] = [];
    const ref: ModelRef = { id: 'm', location: '/models/m', dtype: 'q4', contextLength: 64 };
    const loaded = await api.load(ref, (p) => {
      seen.push(p);
      return Promise.reject(new Error('page gone'));
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual(progress);
    expect(loaded.modelId).toBe('m');
  });
});
