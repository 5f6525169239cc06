/** The latency decomposition's arithmetic on traces as each engine writes them. */
import { describe, expect, it } from 'vitest';
import { latencyParts, partsTotal } from '../../src/metrics/latency-parts';
import { parseSamplesCsv, samplesToCsv } from '../../src/bench/report';
import { sampleFromAnswer } from '../../src/bench/sample';
import { summarizeTargets } from '../../src/bench/summary';
import { sample } from './bench-fixtures';

describe('latencyParts', () => {
  it('splits a browser answer into queue, prepare, prefill and decode, adding up to send -> last token', () => {
    const trace = { sentAt: 995, requestAt: 1000, prefillStartAt: 1012, tokenTimes: [1100, 1110, 1120], endAt: 1125, promptTokens: 9 };
    const parts = latencyParts(trace, 30);
    expect(parts).toEqual({ retrieval: 30, queue: 5, prepare: 12, prefill: 88, thinking: null, decode: 25 });
    expect(partsTotal(parts)).toBe(30 + (1125 - 995));
  });

  it('puts a reasoning model’s first tokens under thinking, and the answer’s under decode', () => {
    const trace = {
      sentAt: 0,
      requestAt: 2,
      prefillStartAt: 10,
      tokenTimes: [50, 60, 70, 80, 90],
      endAt: 95,
      promptTokens: 9,
      answerAt: 80,
      reasoning: { tokens: 3, firstAt: 50, lastAt: 70 },
    };
    expect(latencyParts(trace)).toEqual({ retrieval: null, queue: 2, prepare: 8, prefill: 40, thinking: 30, decode: 15 });
  });

  it('times a gateway to its first byte, leaves the queue unseen, and counts reasoning without answer text to the end', () => {
    const trace = {
      requestAt: 100,
      firstByteAt: 140,
      prefillStartAt: null,
      tokenTimes: [300, 320],
      endAt: 330,
      promptTokens: 0,
      answerAt: null,
      reasoning: { tokens: 2, firstAt: 300, lastAt: 320 },
    };
    expect(latencyParts(trace)).toEqual({ retrieval: null, queue: null, prepare: 40, prefill: 160, thinking: 30, decode: 0 });
  });

  it('gives a request that produced no token only its waiting, as prefill', () => {
    const trace = { sentAt: 0, requestAt: 1, prefillStartAt: null, tokenTimes: [], endAt: 51, promptTokens: 4 };
    expect(latencyParts(trace)).toEqual({ retrieval: null, queue: 1, prepare: null, prefill: 50, thinking: null, decode: null });
  });
});

describe('latency parts in the benchmark', () => {
  const base = sample({ modelId: 'm', dtype: 'q8' });
  const parts = (prefill: number, thinking: number | null) => ({ retrieval: null, queue: 1, prepare: 2, prefill, thinking, decode: 10 });

  it('a sample carries its trace’s parts, and the summary their means over the requests that saw each part', () => {
    const s = sampleFromAnswer(
      { modelId: 'm', backend: 'wasm', dtype: 'q8', promptId: 'p', round: 0, warmup: false },
      {
        trace: { sentAt: 0, requestAt: 1, prefillStartAt: 3, tokenTimes: [8, 18], endAt: 18, promptTokens: 2 },
        output: 'x',
        stopReason: 'eos',
      },
    );
    expect(s.parts).toEqual({ retrieval: null, queue: 1, prepare: 2, prefill: 5, thinking: null, decode: 10 });
    const samples = [
      { ...base, parts: parts(4, null) },
      { ...base, parts: parts(8, 6) },
      { ...base, parts: parts(100, 100), warmup: true },
      { ...base, parts: parts(100, 100), error: 'boom' },
      { ...base },
    ];
    expect(summarizeTargets(samples)[0]!.parts).toEqual({ retrieval: null, queue: 1, prepare: 2, prefill: 6, thinking: 6, decode: 10 });
    expect(summarizeTargets([{ ...base }])[0]!.parts).toBeNull();
  });

  it('round-trips through the CSV export', () => {
    const samples = [{ ...base, parts: parts(4.25, null) }, { ...base }];
    expect(parseSamplesCsv(samplesToCsv(samples))).toEqual(samples);
  });
});
