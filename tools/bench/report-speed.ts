/**
 * The engine benchmark report's speed tables: every path's decode rate, prefill rate, time to
 * first token and share of the bandwidth ceiling; the paired ratios; the targets.
 */
import type { Path, Rated } from './bench-types';
import { fmt, median, paired, ratioCell } from './round-stats';
import { ceilingShare, meanBytesPerDecodedToken } from './traffic';
import type { VariantResult } from './variant-bench';

export const PATH_LABELS: Record<Rated, string> = {
  app: 'app (page)',
  appWorker: 'app (in its worker)',
  appPerToken: 'app, a message per token',
  runner: 'runner alone',
  bare: 'bare loop (asyncify ORT)',
  bare2: 'second bare loop (A/A)',
  plain: 'bare loop, plain ORT',
  jspi: 'bare loop, JSPI ORT',
  node: 'onnxruntime-node',
};

const rowKey = (r: VariantResult): string => `${r.modelId} | ${r.dtype} | ${r.device}`;
const pct = (x: number | null): string => (x !== null && Number.isFinite(x) ? `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%` : '–');
export const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 2 : 0);
export const gbps = (bytesPerSecond: number | undefined): string => (bytesPerSecond ? (bytesPerSecond / 1e9).toFixed(1) : '–');

export function decodeMedian(r: VariantResult, path: Rated): number {
  return median(r.measured?.figures[path]?.decode ?? []);
}

/** Bytes a decoded token of the measured answers reads on average (weights + KV at the mean position). */
export function roundBytesPerToken(r: VariantResult, tokens: number): number {
  return meanBytesPerDecodedToken(r.weights, r.measured?.promptTokens ?? 0, tokens);
}

/**
 * The bandwidth (bytes/s) that bounds a path: the bare worker's for the browser paths; natively
 * the higher of one thread and every core (a busy machine can make all cores read less than one).
 */
export function pathBandwidth(r: VariantResult, path: Rated): number | null {
  if (path !== 'node') return r.bandwidth.browser?.bytesPerSecond ?? null;
  const native = [r.bandwidth.nativeOne?.bytesPerSecond, r.bandwidth.nativeAll?.bytesPerSecond].filter((b) => b !== undefined);
  return native.length ? Math.max(...native) : null;
}

/** Share of the bandwidth ceiling of a path's median decode rate. */
export function pathCeilingShare(r: VariantResult, path: Rated, tokens: number): number | null {
  const bandwidth = pathBandwidth(r, path);
  return bandwidth === null ? null : ceilingShare(decodeMedian(r, path), roundBytesPerToken(r, tokens), bandwidth);
}

/** Long form: one line per variant and path. */
export function pathTable(results: readonly VariantResult[], tokens: number): string[] {
  const lines = [
    '| model | dtype | device | path | decode tok/s | prefill tok/s | TTFT ms | % of bandwidth ceiling | load ms |',
    '|---|---|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const figures = r.measured?.figures ?? {};
    for (const path of Object.keys(figures) as Rated[]) {
      const f = figures[path]!;
      lines.push(
        `| ${rowKey(r)} | ${PATH_LABELS[path]} | ${fmt(median(f.decode))} | ${fmt(median(f.prefill))} | ${fmt(median(f.ttft))} | ${pct(pathCeilingShare(r, path, tokens))} | ${fmt(r.loadMs[path === 'appWorker' ? 'app' : path])} |`,
      );
    }
  }
  return lines;
}

/** Paired ratios of each round, median (quartiles). */
export function ratioTable(results: readonly VariantResult[]): string[] {
  const columns: [string, Rated, Rated][] = [
    ['**app / bare**', 'app', 'bare'],
    ['app in its worker / bare', 'appWorker', 'bare'],
    ['app, a message per token / bare', 'appPerToken', 'bare'],
    ['runner alone / bare', 'runner', 'bare'],
    ['bare / bare (A/A)', 'bare2', 'bare'],
    ['**plain ORT / asyncify**', 'plain', 'bare'],
    ['JSPI ORT / asyncify', 'jspi', 'bare'],
    ['**bare / native**', 'bare', 'node'],
    ['app / native', 'app', 'node'],
  ];
  const lines = [
    `| model | dtype | device | ${columns.map((c) => c[0]).join(' | ')} |`,
    `|---|---|---|${columns.map(() => '---:|').join('')}`,
  ];
  for (const r of results) {
    const f = r.measured?.figures ?? {};
    const cell = ([label, over, under]: [string, Rated, Rated]): string =>
      f[over] && f[under] ? ratioCell(paired(f[over].decode, f[under].decode), label.startsWith('**')) : '–';
    lines.push(`| ${rowKey(r)} | ${columns.map(cell).join(' | ')} |`);
  }
  return lines;
}

/** The targets, printed next to the results (never asserted). */
export function targetLines(results: readonly VariantResult[], tokens: number): string[] {
  const lines: string[] = [];
  const groups = new Map<string, VariantResult[]>();
  for (const r of results) groups.set(`${r.modelId} on ${r.device}`, [...(groups.get(`${r.modelId} on ${r.device}`) ?? []), r]);
  for (const [name, rows] of groups) {
    const best = (path: Path): VariantResult | undefined =>
      rows.filter((r) => Number.isFinite(decodeMedian(r, path))).sort((a, b) => decodeMedian(b, path) - decodeMedian(a, path))[0];
    const app = best('app');
    const node = best('node');
    if (app && node) {
      const ratio = decodeMedian(app, 'app') / decodeMedian(node, 'node');
      lines.push(
        `- ${name}: browser best variant (app, ${app.dtype}) ${fmt(decodeMedian(app, 'app'))} tok/s against onnxruntime-node best (${node.dtype}) ${fmt(decodeMedian(node, 'node'))}: **${ratio.toFixed(2)}×** (target ≥ 0.5×: ${ratio >= 0.5 ? 'met' : 'not met'}).`,
      );
    }
    if (node) {
      const share = pathCeilingShare(node, 'node', tokens);
      lines.push(
        `- ${name}: onnxruntime-node best variant (${node.dtype}) at **${pct(share)}** of the native bandwidth ceiling (target ≥ 50%: ${share !== null && share >= 0.5 ? 'met' : 'not met'}).`,
      );
    }
  }
  return lines.length ? lines : ['- (no rows with both an app and a native rate)'];
}
