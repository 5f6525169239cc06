/** Per-target statistics and the browser-vs-native ratio, on hand-built samples. */
import { describe, expect, it } from 'vitest';
import { compareToNative, describeComparison, summarizeTargets, targetKey } from '../../src/bench/summary';
import { sample } from './bench-fixtures';

describe('summarizeTargets', () => {
  it('groups by model, backend and dtype and leaves out warm-up and failed requests', () => {
    const summaries = summarizeTargets([
      sample({ warmup: true, round: 0, ttftMs: 5000, totalMs: 9000 }), // warm-up: a cold start, must not count
      sample({ ttftMs: 100, totalMs: 300, decodeTokensPerSec: 40 }),
      sample({ ttftMs: 300, totalMs: 500, decodeTokensPerSec: 60 }),
      sample({ ttftMs: 200, totalMs: 400, decodeTokensPerSec: 50 }),
      sample({ ttftMs: 1, totalMs: 2, error: 'out of memory' }), // failed: counted apart
      sample({ dtype: 'fp32', ttftMs: 900 }), // another dtype is another target
      sample({ backend: 'webgpu', ttftMs: 20 }),
    ]);
    expect(summaries.map(targetKey)).toEqual(['pocket-chat-1m|wasm|q4', 'pocket-chat-1m|wasm|fp32', 'pocket-chat-1m|webgpu|q4']);
    const q4 = summaries[0]!;
    expect(q4.samples).toBe(3);
    expect(q4.failed).toBe(1);
    expect(q4.ttftMs.count).toBe(3);
    expect(q4.ttftMs.mean).toBe(200); // (100 + 300 + 200) / 3
    expect(q4.ttftMs.p50).toBe(200);
    expect(q4.ttftMs.p95).toBeCloseTo(290, 9); // sorted 100, 200, 300; h = 1.9 -> 200 + 0.9 * 100
    expect(q4.totalMs.max).toBe(500);
    expect(q4.decodeTokensPerSec.p50).toBe(50);
    expect(q4.ttftMs.p95Reliable).toBe(false);
    expect(summaries[1]!.ttftMs.p50).toBe(900);
    expect(summaries[2]!.ttftMs.p50).toBe(20);
  });

  it('counts a request without a first token in `excluded`, not as zero', () => {
    const [s] = summarizeTargets([sample({ ttftMs: null, decodeTokensPerSec: null }), sample({ ttftMs: 80 })]);
    expect(s!.samples).toBe(2);
    expect(s!.ttftMs.count).toBe(1);
    expect(s!.ttftMs.excluded).toBe(1);
    expect(s!.ttftMs.mean).toBe(80);
  });

  it('keeps a target whose every request failed, with no numbers', () => {
    const [s] = summarizeTargets([sample({ error: 'load failed', ttftMs: null, totalMs: null })]);
    expect(s!.samples).toBe(0);
    expect(s!.failed).toBe(1);
    expect(s!.ttftMs.p50).toBeNull();
  });
});

describe('compareToNative', () => {
  const samples = [
    // Gateway: median decode 80 tok/s (70, 80, 200: one fast outlier must not move the median).
    ...[70, 80, 200].map((d) => sample({ modelId: 'phi-4-mini', backend: 'gateway', dtype: 'server', decodeTokensPerSec: d })),
    ...[18, 20, 22].map((d) => sample({ modelId: 'phi-4-mini', backend: 'webgpu', dtype: 'q4f16', decodeTokensPerSec: d })),
    ...[4, 6].map((d) => sample({ modelId: 'phi-4-mini', backend: 'wasm', dtype: 'q4', decodeTokensPerSec: d })),
    sample({ modelId: 'pocket-chat-1m', backend: 'wasm', decodeTokensPerSec: 900 }),
  ];

  it('divides the browser median decode rate by the gateway median for the same model id', () => {
    const comparisons = compareToNative(summarizeTargets(samples));
    expect(comparisons.map((c) => [c.browser.backend, c.ratio])).toEqual([
      ['webgpu', 20 / 80],
      ['wasm', 5 / 80],
    ]);
    expect(describeComparison(comparisons[0]!)).toBe('phi-4-mini: browser (WebGPU q4f16) at 25% of native');
    expect(describeComparison(comparisons[1]!)).toBe('phi-4-mini: browser (WASM q4) at 6% of native'); // 6.25 rounds to 6
  });

  it('has nothing to compare without a gateway run, and no ratio without decode rates', () => {
    expect(compareToNative(summarizeTargets(samples.filter((s) => s.backend !== 'gateway')))).toEqual([]);
    const noRate = compareToNative(
      summarizeTargets([
        sample({ modelId: 'm', backend: 'gateway', dtype: 'server', decodeTokensPerSec: null }),
        sample({ modelId: 'm', backend: 'wasm', decodeTokensPerSec: 10 }),
      ]),
    );
    expect(noRate).toHaveLength(1);
    expect(noRate[0]!.ratio).toBeNull();
    expect(describeComparison(noRate[0]!)).toMatch(/no decode rate/);
  });
});
