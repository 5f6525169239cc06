/**
 * The engine benchmark's pure parts (tools/bench): bytes per token and the bandwidth ceiling, the
 * context sweep's plan, the step profile's breakdown, the cold start's phases, the text plot and
 * the command line. Expected values are worked out by hand in the comments, or by a second,
 * differently written computation inside the test.
 */
import { describe, expect, it } from 'vitest';
import { OVERLAP_MARK, plotLines } from '../../tools/bench/ascii-plot';
import { BenchOptionsError, defaultPaths, LARGE_VARIANT_BYTES, parseBenchOptions } from '../../tools/bench/bench-options';
import { extendTo, planSweep, SweepPlanError } from '../../tools/bench/context-plan';
import { loadPhases, type LoadTimeline } from '../../tools/bench/load-phases';
import { plainVerdict } from '../../tools/bench/report-load';
import { decodeRate, prefillRate, timeToFirstToken } from '../../tools/bench/round-stats';
import { summarizeSteps, type RunRecord } from '../../tools/bench/step-profile';
import { bytesPerStep, ceilingShare, ceilingTokensPerSecond, meanBytesPerDecodedToken } from '../../tools/bench/traffic';

describe('bytes per token and the bandwidth ceiling', () => {
  const traffic = { streamedBytes: 1000, gatheredRowBytes: 10, kvBytesPerPosition: 4 };

  it('reads every streamed weight, the embedding rows, and the KV cache so far', () => {
    expect(bytesPerStep(traffic, 0)).toBe(1010);
    expect(bytesPerStep(traffic, 100)).toBe(1410); // 1000 + 10 + 4 * 100
  });

  it('averages over the steps that make the decoded tokens after the first', () => {
    // A prompt of 20 tokens, an answer of 10: tokens 2..10 come from the steps that feed tokens
    // 1..9, over 20..28 past positions. Averaged one step at a time here.
    let sum = 0;
    for (let past = 20; past <= 28; past++) sum += 1000 + 10 + 4 * past;
    expect(meanBytesPerDecodedToken(traffic, 20, 10)).toBeCloseTo(sum / 9, 9);
  });

  it('turns bandwidth and bytes per token into a ceiling and a share of it', () => {
    expect(ceilingTokensPerSecond(20e9, 400e6)).toBe(50);
    expect(ceilingShare(25, 400e6, 20e9)).toBe(0.5); // 25 tok/s x 400 MB = 10 GB/s of 20
  });
});

describe('the context sweep plan', () => {
  it('visits 0 (a one-token prompt), step, 2 step, ... and last the latest start whose answer fits the window', () => {
    expect(planSweep(512, 4096, 256, 16).positions).toEqual([1, 256, 496]); // 512 + 16 > 512; 496 + 16 = 512
    const full = planSweep(4096, 4096, 256, 16).positions;
    expect(full).toHaveLength(17);
    expect(full.slice(-2)).toEqual([3840, 4080]);
    // No last point too close to the previous one: its answer would overlap that point's.
    expect(planSweep(520, 4096, 256, 16).positions).toEqual([1, 256, 504]);
    expect(planSweep(280, 4096, 256, 16).positions).toEqual([1, 256]); // 264 is within 16 of 256
  });

  it('is capped by --context-max below the window', () => {
    expect(planSweep(32768, 1000, 256, 16).positions).toEqual([1, 256, 512, 768, 984]);
    expect(planSweep(32768, 0, 256, 16).positions).toEqual([]);
  });

  it('refuses answers that would run into the next position, and rates of one token', () => {
    expect(() => planSweep(4096, 4096, 256, 256)).toThrow(SweepPlanError);
    expect(() => planSweep(4096, 4096, 256, 1)).toThrow(/at least 2/);
    expect(() => planSweep(4096, 4096, 0, 16)).toThrow(/--context-step/);
  });

  it('extends the context with filler taken round-robin by position', () => {
    expect(extendTo([5, 6], 5, [1, 2, 3])).toEqual([5, 6, 3, 1, 2]); // positions 2, 3, 4 -> filler[2], [0], [1]
    expect(extendTo([5, 6], 2, [1])).toEqual([5, 6]);
    expect(() => extendTo([1, 2, 3], 2, [1])).toThrow(SweepPlanError);
  });
});

describe('the step profile', () => {
  const record = (start: number, end: number, kernelMs: number | null, bytes = 100): RunRecord => ({
    start,
    end,
    kernelMs,
    bytesIn: bytes,
    bytesOut: 2 * bytes,
  });

  it('splits each decode step into the ORT run, the copies around it, and the generate loop', () => {
    // Run 0 is the prefill. Step 1: 12 -> 16 (run 3 ms, kernel 2), step 2: 16 -> 20 (run 2 ms,
    // kernel 1.5); run 3 has no next start. Means: step 4, run 2.5, kernel 1.75, copies 0.75, loop 1.5.
    const p = summarizeSteps([record(0, 10, 9), record(12, 15, 2, 100), record(16, 18, 1.5, 110), record(20, 23, 2)]);
    expect(p).toEqual({ steps: 2, stepMs: 4, runMs: 2.5, kernelMs: 1.75, copyMs: 0.75, loopMs: 1.5, bytesIn: 105, bytesOut: 210 });
    expect(p!.kernelMs! + p!.copyMs! + p!.loopMs).toBeCloseTo(p!.stepMs, 12);
  });

  it('has no kernel or copy column where the kernel time cannot be seen (onnxruntime-node)', () => {
    const p = summarizeSteps([record(0, 10, null), record(12, 15, null), record(16, 18, null), record(20, 23, null)]);
    expect(p).toMatchObject({ kernelMs: null, copyMs: null, runMs: 2.5, loopMs: 1.5 });
  });

  it('needs a decode step with an end: a prefill and one more run are not enough', () => {
    expect(summarizeSteps([record(0, 10, 1), record(12, 15, 1)])).toBeNull();
  });
});

describe('cold start phases from the progress events', () => {
  const timeline = (fromCache: [boolean, boolean]): LoadTimeline => ({
    startAt: 1000,
    events: [
      { at: 1100, phase: 'download', file: 'config.json', fromCache: fromCache[0], loaded: 500, total: 500 },
      { at: 1300, phase: 'download', file: 'onnx/model.onnx', fromCache: fromCache[1], loaded: 2000, total: 5_000_000 },
      { at: 1500, phase: 'download', file: 'onnx/model.onnx', fromCache: fromCache[1], loaded: 5_000_000, total: 5_000_000 },
      { at: 2500, phase: 'compile' },
      { at: 2700, phase: 'ready' },
    ],
    loadedAt: 2705,
    firstRequestAt: 2710,
    firstTokenAt: 2800,
    heap: null,
  });

  it('cuts a load at its last file event, the compile event and the ready event', () => {
    expect(loadPhases(timeline([false, false]))).toEqual({
      source: 'network',
      bytes: 5_000_000,
      filesMs: 500, // 1000 -> 1500
      sessionMs: 1000, // 1500 -> 2500
      warmUpMs: 200,
      firstTokenMs: 90,
      totalMs: 1800,
    });
  });

  it('says where the files came from by each file', () => {
    expect(loadPhases(timeline([true, true])).source).toBe('cache');
    expect(loadPhases(timeline([true, false])).source).toBe('mixed');
    expect(loadPhases({ ...timeline([true, true]), events: [] }).source).toBe('none');
  });
});

describe('per-round figures', () => {
  it('rates decoding after the first token, prefill up to it, and times the first token', () => {
    expect(decodeRate([1000, 1100, 1200])).toBe(10); // 2 tokens in 200 ms
    expect(decodeRate([1000])).toBeNaN();
    const round = { arrived: [1500, 1600], requestAt: 900, prefillStartAt: 1000, promptTokens: 50 };
    expect(prefillRate(round)).toBe(100); // 50 tokens in 500 ms
    expect(timeToFirstToken(round)).toBe(600);
    expect(prefillRate({ ...round, prefillStartAt: null })).toBeNaN();
  });
});

describe('the text plot', () => {
  it('puts the highest point on the top row and zero on the bottom row, one column per x', () => {
    const lines = plotLines(
      [
        {
          mark: 'b',
          points: [
            { x: 0, y: 100 },
            { x: 256, y: 50 },
            { x: 512, y: 0 },
          ],
        },
      ],
      5,
    );
    expect(lines).toHaveLength(7); // 5 rows, the axis, the x labels
    expect(lines[0]).toBe('100 |b');
    expect(lines[2]).toBe('    |  b'); // 50 of 100 on 5 rows: row 2 from the top
    expect(lines[4]).toBe('  0 |    b');
    expect(lines[6]).toBe('     0 256');
  });

  it('marks two series on one cell as an overlap', () => {
    const lines = plotLines([
      { mark: 'b', points: [{ x: 1, y: 10 }] },
      { mark: 'n', points: [{ x: 1, y: 10 }] },
    ]);
    expect(lines[0]).toContain(OVERLAP_MARK);
    expect(plotLines([{ mark: 'b', points: [] }])).toEqual(['(no data)']);
  });
});

describe('the plain ORT build, by the numbers', () => {
  it('is worth serving only when it decodes at least 5% faster than asyncify', () => {
    expect(plainVerdict(1.2, '14', '3.5')).toMatch(/^plain decodes 20% faster than asyncify: worth serving/);
    expect(plainVerdict(0.82, '14', '3.5')).toMatch(/^plain decodes 18% slower than asyncify \(0\.82\): keep asyncify alone/);
    expect(plainVerdict(1.02, '14', '3.5')).toMatch(
      /^plain is within 5% of asyncify \(1\.02\): not worth a second 14 MB wasm \(3\.5 MB gzip\)/,
    );
  });
});

describe('the command line', () => {
  it('defaults to the bundled models, their own variants and the size-dependent paths', () => {
    const o = parseBenchOptions([], 'now');
    expect(o.models).toEqual(['pocket-chat-1m', 'pocket-chat-3m']);
    expect(o.dtypes).toBeNull();
    expect(o.paths).toBeNull();
    expect(o.out).toBe('bench-results/engine-now');
    expect(defaultPaths(LARGE_VARIANT_BYTES + 1, 'wasm')).toEqual(['app', 'bare', 'plain', 'node']);
    expect(defaultPaths(1, 'webgpu')).not.toContain('plain');
  });

  it('names what is wrong with a flag', () => {
    expect(() => parseBenchOptions(['--paths', 'app,node'], 'now')).toThrow(/must include bare/);
    expect(() => parseBenchOptions(['--paths', 'bare,warp'], 'now')).toThrow(/unknown warp/);
    expect(() => parseBenchOptions(['--dtypes', 'q3'], 'now')).toThrow(BenchOptionsError);
    expect(() => parseBenchOptions(['--tokens', '2.5'], 'now')).toThrow(/--tokens must be a whole number/);
    expect(() => parseBenchOptions(['--skip', 'coffee'], 'now')).toThrow(/--skip: unknown coffee/);
  });
});
