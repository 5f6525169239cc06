/** The engine benchmark report: the bandwidth ceiling, and where a decode step's time goes. */
import { PATH_LABELS, decodeMedian, gbps, mb, pathBandwidth, roundBytesPerToken } from './report-speed';
import { fmt } from './round-stats';
import type { StepProfile } from './step-profile';
import { ceilingTokensPerSecond } from './traffic';
import type { VariantResult } from './variant-bench';

export function ceilingTable(results: readonly VariantResult[], tokens: number): string[] {
  const lines = [
    '| model | dtype | device | weights read per step MB | embedding rows KB | KV per position KB | MB per decoded token (mean) | browser GB/s (threads of ORT) | native GB/s (1 / all cores) | ceiling tok/s browser | ceiling tok/s native | graph nodes |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const w = r.weights;
    const bytes = roundBytesPerToken(r, tokens);
    const { browser, nativeOne, nativeAll } = r.bandwidth;
    const native = pathBandwidth(r, 'node');
    lines.push(
      `| ${r.modelId} | ${r.dtype} | ${r.device} | ${mb(w.streamedBytes)} | ${(w.gatheredRowBytes / 1024).toFixed(1)} | ${(w.kvBytesPerPosition / 1024).toFixed(1)} | ${mb(bytes)} | ${gbps(browser?.bytesPerSecond)} (${browser?.threads ?? '–'}) | ${gbps(nativeOne?.bytesPerSecond)} / ${gbps(nativeAll?.bytesPerSecond)} (${nativeAll?.threads ?? '–'}) | ${fmt(browser ? ceilingTokensPerSecond(browser.bytesPerSecond, bytes) : null)} | ${fmt(native === null ? null : ceilingTokensPerSecond(native, bytes))} | ${w.nodes} |`,
    );
  }
  if (results.some((r) => (r.bandwidth.browser?.threads ?? 1) > 1))
    lines.push(
      '',
      'ORT runs more than one WASM thread here, but the browser bandwidth is one thread’s: browser shares of the ceiling are upper bounds.',
    );
  return lines;
}

const ms = (x: number | null): string => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(x < 1 ? 3 : 2));
const share = (part: number | null, whole: number): string =>
  part === null || !Number.isFinite(part) ? '' : ` (${Math.round((part / whole) * 100)}%)`;

/** One profile as table cells: step, ORT run, copies + ORT JS, generate loop, bytes in/out. */
export function profileCells(p: StepProfile | null | undefined): string {
  if (!p) return '– | – | – | – | – | –';
  return [
    ms(p.stepMs),
    `${ms(p.kernelMs ?? p.runMs)}${share(p.kernelMs ?? p.runMs, p.stepMs)}${p.kernelMs === null ? ' (run, copies included)' : ''}`,
    `${ms(p.copyMs)}${share(p.copyMs, p.stepMs)}`,
    `${ms(p.loopMs)}${share(p.loopMs, p.stepMs)}`,
    `${mb(p.bytesIn)} / ${mb(p.bytesOut)}`,
    String(p.steps),
  ].join(' | ');
}

export const PROFILE_HEADER =
  'ms per token | ORT run (kernels) | tensor copies to/from the wasm heap + ORT JS | generate loop (logits, sampling, inputs) | MB in / out per step | steps';

export function profileTable(results: readonly VariantResult[]): string[] {
  const lines = [
    `| model | dtype | device | path | decode tok/s | ${PROFILE_HEADER} |`,
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    for (const [path, profile] of Object.entries(r.profiles) as [keyof typeof PATH_LABELS, StepProfile | null][]) {
      lines.push(
        `| ${r.modelId} | ${r.dtype} | ${r.device} | ${PATH_LABELS[path]} | ${fmt(decodeMedian(r, path))} | ${profileCells(profile)} |`,
      );
    }
  }
  return lines;
}
