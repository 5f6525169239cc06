/** The engine benchmark report: cold and warm loads, and the ONNX Runtime wasm builds. */
import { loadPhases, type HeapPeak, type LoadTimeline } from './load-phases';
import type { BuildSize } from './ort-build-sizes';
import { mb, PATH_LABELS } from './report-speed';
import { fmt, median, paired } from './round-stats';
import type { VariantResult } from './variant-bench';

function loadCells(t: LoadTimeline, peak: HeapPeak | null | undefined): string {
  const p = loadPhases(t);
  const rate = p.filesMs > 0 ? ` (${fmt(p.bytes / 2 ** 20 / (p.filesMs / 1000))} MB/s)` : '';
  const heap = peak ? `${mb(peak.peakBytes)} (+${mb(peak.peakBytes - peak.baselineBytes)}; ${peak.samples} polls)` : '–';
  return `${p.source} | ${mb(p.bytes)} | ${fmt(p.filesMs)}${rate} | ${fmt(p.sessionMs)} | ${fmt(p.warmUpMs)} | ${fmt(p.firstTokenMs)} | ${fmt(p.totalMs)} | ${heap}`;
}

export function coldStartTable(results: readonly VariantResult[]): string[] {
  const lines = [
    '| model | dtype | device | load | files from | MB | files ms (download or cache read) | session creation ms (with ORT’s wasm: fetched, compiled) | warm-up ms | first token ms | total ms | peak JS heap MB (+ over the page before), separate loads |',
    '|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const ratios: string[] = [];
  for (const r of results) {
    if (!r.coldStart) continue;
    const { cold, warm, heap, ortWasmCompileMs } = r.coldStart;
    const key = `${r.modelId} | ${r.dtype} | ${r.device}`;
    lines.push(`| ${key} | cold | ${loadCells(cold, heap?.cold)} |`, `| ${key} | warm | ${loadCells(warm, heap?.warm)} |`);
    const ratio = loadPhases(warm).totalMs / loadPhases(cold).totalMs;
    const compile =
      ortWasmCompileMs === null
        ? ''
        : `; compiling ORT's wasm alone took ${fmt(ortWasmCompileMs)} ms here (part of every load's session creation)`;
    ratios.push(`- ${r.modelId} ${r.dtype} on ${r.device}: warm load / cold load **${ratio.toFixed(2)}** (to the first token)${compile}.`);
  }
  return lines.length > 2 ? [...lines, '', ...ratios] : [];
}

/**
 * What the plain build's decode ratio against asyncify says about serving it to WASM sessions
 * too: 5% either way is within what one run on a shared machine can tell.
 */
export function plainVerdict(ratio: number, wasmMb: string, gzipMb: string): string {
  const cost = `a second ${wasmMb} MB wasm (${gzipMb} MB gzip) to serve, cache and test; a user downloads only the build their device runs`;
  if (ratio >= 1.05)
    return `plain decodes ${((ratio - 1) * 100).toFixed(0)}% faster than asyncify: worth serving to WASM sessions, at ${cost}`;
  if (ratio <= 0.95)
    return `plain decodes ${((1 - ratio) * 100).toFixed(0)}% slower than asyncify (${ratio.toFixed(2)}): keep asyncify alone`;
  return `plain is within 5% of asyncify (${ratio.toFixed(2)}): not worth ${cost}`;
}

/**
 * The plain build against the app's asyncify one, per row (paired ratios of the bare loops'
 * decode rates), the file sizes, and what the numbers say.
 */
export function ortBuildSection(results: readonly VariantResult[], sizes: readonly BuildSize[]): string[] {
  const lines = [
    '| build | .wasm MB | gzip MB | .mjs KB | decode speed / asyncify (median over rows) | load time / asyncify’s (bare loops) | rows |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const overall: Partial<Record<BuildSize['build'], number>> = {};
  for (const size of sizes) {
    const path = size.build === 'asyncify' ? 'bare' : size.build;
    const ratios = results.flatMap((r) => {
      const f = r.measured?.figures;
      return f?.[path] && f.bare ? [median(paired(f[path].decode, f.bare.decode))] : [];
    });
    // Loads ran one after the other, each in a fresh worker: ORT's wasm start is in each of them.
    const loads = results.flatMap((r) => (r.loadMs[path] && r.loadMs.bare ? [r.loadMs[path] / r.loadMs.bare] : []));
    overall[size.build] = median(ratios);
    lines.push(
      `| ${size.build}${size.build === 'asyncify' ? " (the app's)" : ''} | ${mb(size.wasmBytes)} | ${mb(size.wasmGzipBytes)} | ${(size.mjsBytes / 1024).toFixed(0)} | ${ratios.length ? median(ratios).toFixed(2) : '–'} | ${loads.length ? median(loads).toFixed(2) : '–'} | ${ratios.length} |`,
    );
  }
  const plain = overall.plain;
  const asyncify = sizes.find((s) => s.build === 'asyncify');
  const plainSize = sizes.find((s) => s.build === 'plain');
  if (plain !== undefined && Number.isFinite(plain) && asyncify && plainSize) {
    const verdict = plainVerdict(plain, mb(plainSize.wasmBytes), mb(plainSize.wasmGzipBytes));
    lines.push(
      '',
      `Recommendation, by the numbers: ${verdict}. The app serves asyncify for WebGPU and WASM alike (src/engine/worker/transformers-env.ts); this benchmark does not change that.`,
    );
  }
  lines.push(
    '',
    `Paths: ${PATH_LABELS.bare}, ${PATH_LABELS.plain}, ${PATH_LABELS.jspi} (the same loop, worker and model; only the wasm differs).`,
  );
  return lines;
}
