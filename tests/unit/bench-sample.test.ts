/**
 * A BenchSample from a synthetic, timed token stream. Expected numbers are worked out in the
 * comments from the definitions in src/bench/metrics.ts.
 */
import { describe, expect, it } from 'vitest';
import { IncompleteStreamError, failedSample, readAnswer, sampleFromAnswer, type SampleContext } from '../../src/bench/sample';
import { benchSampleSchema } from '../../src/bench/bench-types';
import type { GenerationEvent, GenerationTrace, StopReason } from '../../src/engine/engine-types';

const context: SampleContext = { modelId: 'pocket-chat-1m', backend: 'webgpu', dtype: 'q4', promptId: 'add', round: 2, warmup: false };

/**
 * What an engine yields: start, then each token stamped at its time, then end with the trace the
 * engine built from those same stamps.
 */
async function* stream(
  tokens: readonly (readonly [string, number])[],
  opts: {
    requestAt: number;
    prefillStartAt: number | null;
    endAt: number;
    promptTokens: number;
    reason?: StopReason;
    reasoningAt?: number;
  },
): AsyncGenerator<GenerationEvent> {
  await Promise.resolve();
  yield { type: 'start', promptTokens: opts.promptTokens, maxNewTokens: 64 };
  const times: number[] = [];
  if (opts.reasoningAt !== undefined) {
    times.push(opts.reasoningAt);
    yield { type: 'reasoning', text: 'thinking…', at: opts.reasoningAt };
  }
  for (const [text, at] of tokens) {
    times.push(at);
    yield { type: 'token', text, at };
  }
  const trace: GenerationTrace = {
    requestAt: opts.requestAt,
    prefillStartAt: opts.prefillStartAt,
    tokenTimes: times,
    endAt: opts.endAt,
    promptTokens: opts.promptTokens,
  };
  yield { type: 'end', reason: opts.reason ?? 'eos', trace };
}

describe('readAnswer + sampleFromAnswer', () => {
  it('derives TTFT, prefill and decode rates, gaps and counts from the token times', async () => {
    const answer = await readAnswer(
      stream(
        [
          ['2', 5040],
          [' plus', 5065],
          [' 3', 5080],
          [' is', 5110],
          [' 5.', 5140],
        ],
        { requestAt: 5000, prefillStartAt: 5012, endAt: 5150, promptTokens: 14 },
      ),
    );
    const s = sampleFromAnswer(context, answer);
    expect(s.output).toBe('2 plus 3 is 5.');
    expect(s.ttftMs).toBe(40); // 5040 - 5000
    expect(s.prefillTokensPerSec).toBeCloseTo(500, 9); // 14 tokens over 5040 - 5012 = 28 ms
    expect(s.decodeTokensPerSec).toBeCloseTo(40, 9); // 4 tokens after the first over 5140 - 5040 = 100 ms
    expect(s.interTokenMs).toEqual([25, 15, 30, 30]);
    expect(s.totalMs).toBe(150); // 5150 - 5000
    expect(s.promptTokens).toBe(14);
    expect(s.generatedTokens).toBe(5);
    expect(s.startedAt).toBe(5000);
    expect(s.stopReason).toBe('eos');
    expect(s.error).toBeNull();
    expect(s).toMatchObject(context);
    expect(benchSampleSchema.safeParse(s).success).toBe(true);
  });

  it('keeps reasoning out of the output text but in the timing', async () => {
    const answer = await readAnswer(
      stream([['Paris', 300]], { requestAt: 0, prefillStartAt: null, endAt: 310, promptTokens: 10, reasoningAt: 100 }),
    );
    const s = sampleFromAnswer({ ...context, backend: 'gateway', dtype: 'server' }, answer);
    expect(s.output).toBe('Paris');
    expect(s.ttftMs).toBe(100); // the reasoning token is the first token
    expect(s.prefillTokensPerSec).toBeCloseTo(100, 9); // no prefill start: 10 tokens over the whole 100 ms TTFT
    expect(s.decodeTokensPerSec).toBeCloseTo(5, 9); // 1 token over 300 - 100 = 200 ms
    expect(s.generatedTokens).toBe(2);
  });

  it('marks an aborted answer as cancelled so it is not counted as a success', async () => {
    const answer = await readAnswer(
      stream([['Hel', 50]], { requestAt: 0, prefillStartAt: 5, endAt: 60, promptTokens: 9, reason: 'aborted' }),
    );
    const s = sampleFromAnswer(context, answer);
    expect(s.stopReason).toBe('aborted');
    expect(s.error).toBe('cancelled');
    expect(s.decodeTokensPerSec).toBeNull(); // one token: nothing to decode over
    expect(sampleFromAnswer(context, answer, 'model crashed').error).toBe('model crashed');
  });

  it('throws when the stream ends without an end event', async () => {
    async function* cut(): AsyncGenerator<GenerationEvent> {
      await Promise.resolve();
      yield { type: 'start', promptTokens: 3, maxNewTokens: 8 };
      yield { type: 'token', text: 'a', at: 1 };
    }
    await expect(readAnswer(cut())).rejects.toBeInstanceOf(IncompleteStreamError);
  });

  it('lets a stream error through to the caller', async () => {
    async function* broken(): AsyncGenerator<GenerationEvent> {
      await Promise.resolve();
      yield { type: 'start', promptTokens: 3, maxNewTokens: 8 };
      throw new Error('worker died');
    }
    await expect(readAnswer(broken())).rejects.toThrow('worker died');
  });
});

describe('failedSample', () => {
  it('has no metrics, the error text, and passes validation', () => {
    const s = failedSample(context, 1234, 'Pocket Chat cannot run in this browser');
    expect(s).toMatchObject({ ...context, startedAt: 1234, ttftMs: null, totalMs: null, decodeTokensPerSec: null, generatedTokens: 0 });
    expect(s.error).toBe('Pocket Chat cannot run in this browser');
    expect(benchSampleSchema.safeParse(s).success).toBe(true);
    // An empty message would read back from CSV as "no error".
    expect(failedSample(context, 0, '').error).toBe('unknown error');
  });
});
