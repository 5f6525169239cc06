/** The engine benchmark's Markdown report, from the results of one run. */
import { contextSection } from './report-context';
import { ceilingTable, profileTable } from './report-limits';
import { coldStartTable, ortBuildSection } from './report-load';
import { pathTable, ratioTable, targetLines } from './report-speed';
import type { BuildSize } from './ort-build-sizes';
import type { VariantResult } from './variant-bench';

export interface RunInfo {
  startedAt: string;
  chromium: string;
  cores: number;
  isolated: boolean;
  /** 1-minute load average at the start and at the end of the run. */
  load: [number, number];
  prompt: string;
  tokens: number;
  rounds: number;
}

export function markdownReport(info: RunInfo, results: readonly VariantResult[], sizes: readonly BuildSize[]): string {
  const { tokens } = info;
  const errors = results.flatMap((r) => r.errors.map((e) => `- ${r.modelId} ${r.dtype} on ${r.device}: ${e}`));
  const sections = [
    `# Engine benchmark, ${info.startedAt}`,
    '',
    `${info.chromium}, cross-origin isolated: ${info.isolated}, ${info.cores} cores, load average ${info.load[0].toFixed(2)} at the start and ${info.load[1].toFixed(2)} at the end.`,
    `Prompt ${JSON.stringify(info.prompt)}, ${tokens} new tokens (EOS suppressed), ${info.rounds} alternating rounds after 2 warm-up rounds; medians of per-answer figures and of paired ratios, quartiles in brackets (see the header of tools/bench/engine-bench.ts).`,
    '',
    '## Targets (printed, never asserted)',
    '',
    ...targetLines(results, tokens),
    '',
    '## Decode, prefill and time to first token by path',
    '',
    ...pathTable(results, tokens),
    '',
    '## Paired ratios (decode tok/s, same round)',
    '',
    ...ratioTable(results),
    '',
    '## The bandwidth ceiling',
    '',
    'Bytes per decoded token: every weight a step reads in full, one row of each embedding table, and the KV cache at the mean position of the answers. Ceiling = bandwidth / bytes per token. Browser bandwidth: WASM SIMD loads in the bare worker (one thread); native: memchr, one thread and every core at once (onnxruntime-node uses every core; the higher of the two is its ceiling). A model whose weights fit in the last-level cache can exceed 100%.',
    '',
    ...ceilingTable(results, tokens),
    '',
    '## Where a decode step goes (one profiled round per path; means over its decode steps, so the parts add up)',
    '',
    ...profileTable(results),
    '',
    '## Decode speed against context position',
    '',
    ...results.flatMap(contextSection),
    "## ONNX Runtime wasm builds: asyncify (the app's) against plain and JSPI",
    '',
    ...ortBuildSection(results, sizes),
    '',
    '## Cold start, from the page',
    '',
    ...coldStartTable(results),
    '',
    ...(errors.length ? ['## What failed', '', ...errors, ''] : []),
  ];
  return `${sections.join('\n')}\n`;
}
