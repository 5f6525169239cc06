import { describe, expect, it } from 'vitest';
import { benchChartData, historyChartData, targetLabel } from '../../src/bench/chart-data';
import { run, sample } from './bench-fixtures';

describe('chart data', () => {
  it('plots p50/p95 per target and the gaps of the first measured, successful answer', () => {
    const r = run([
      sample({ warmup: true, interTokenMs: [99] }),
      sample({ error: 'boom', interTokenMs: [98] }),
      sample({ ttftMs: 100, interTokenMs: [10, 20] }),
      sample({ ttftMs: 300, interTokenMs: [30] }),
      sample({ modelId: 'pocket-chat-3m', ttftMs: 50, decodeTokensPerSec: 80 }),
    ]);
    const d = benchChartData(r);
    expect(d.labels).toEqual(['pocket-chat-1m · WASM q4', 'pocket-chat-3m · WASM q4']);
    expect(d.ttftP50).toEqual([200, 50]);
    expect(d.ttftP95).toEqual([290, 50]);
    expect(d.decodeP50).toEqual([50, 80]);
    expect(d.gaps).toEqual([
      { label: 'pocket-chat-1m · WASM q4', values: [10, 20] },
      { label: 'pocket-chat-3m · WASM q4', values: [20, 20] },
    ]);
  });

  it('lines up the median decode rate of each target across runs, oldest first, null where absent', () => {
    const older = run([sample({ decodeTokensPerSec: 40 })], { id: 'a', startedAt: 1 });
    const newer = run([sample({ decodeTokensPerSec: 60 }), sample({ backend: 'webgpu', decodeTokensPerSec: 90 })], {
      id: 'b',
      startedAt: 2,
    });
    const h = historyChartData([newer, older], (r) => r.id);
    expect(h.labels).toEqual(['a', 'b']);
    expect(h.series).toEqual([
      { label: 'pocket-chat-1m · WASM q4', values: [40, 60] },
      { label: 'pocket-chat-1m · WebGPU q4', values: [null, 90] },
    ]);
    expect(targetLabel({ modelId: 'phi-4-mini', backend: 'gateway', dtype: 'server' })).toBe('phi-4-mini · gateway');
  });
});
