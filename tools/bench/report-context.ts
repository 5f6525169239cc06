/** The engine benchmark report: decode speed against context position, as a table and a text plot. */
import { plotLines, type PlotSeries } from './ascii-plot';
import type { Path } from './bench-types';
import { profileCells, PROFILE_HEADER } from './report-limits';
import { PATH_LABELS, pathBandwidth } from './report-speed';
import { decodeRate, fmt } from './round-stats';
import type { SweepPoint } from './sweep-run';
import { bytesPerStep, ceilingShare } from './traffic';
import type { VariantResult } from './variant-bench';

const MARKS: Partial<Record<Path, string>> = { bare: 'b', plain: 'p', jspi: 'j', node: 'n' };

/** Decode tok/s of a point's answer. */
function pointRate(p: SweepPoint): number {
  return decodeRate(p.tokenTimes);
}

export function contextSection(r: VariantResult): string[] {
  if (!r.sweep) return [];
  const entries = Object.entries(r.sweep.points) as [Path, SweepPoint[]][];
  if (!entries.length) return [];
  const k = r.sweep.plan.decodeTokens;
  const lines = [
    `#### ${r.modelId} ${r.dtype} on ${r.device}: decode tok/s against context (${k} tokens per point)`,
    '',
    'One path after the other (not alternated like the rounds), so compare the shape of a curve more than two curves; each plot is scaled to its own path.',
    '',
    '```',
    ...entries.flatMap(([path, points]) => [
      `${PATH_LABELS[path]}, decode tok/s (x: context tokens)`,
      ...plotLines([{ mark: MARKS[path] ?? '*', points: points.map((p) => ({ x: p.position, y: pointRate(p) })) } satisfies PlotSeries]),
      '',
    ]),
    '```',
    '',
  ];
  const header = `| context | ${entries.map(([path]) => `${PATH_LABELS[path]} decode tok/s | % of ceiling | prefill tok/s`).join(' | ')} |`;
  lines.push(header, `|---:|${entries.map(() => '---:|---:|---:|').join('')}`);
  for (let i = 0; i < r.sweep.plan.positions.length; i++) {
    const cells = entries.map(([path, points]) => {
      const p = points[i];
      if (!p) return '– | – | –';
      const bandwidth = pathBandwidth(r, path);
      const bytes = bytesPerStep(r.weights, p.position + (k - 2) / 2);
      const shareText = bandwidth === null ? '–' : `${Math.round(ceilingShare(pointRate(p), bytes, bandwidth) * 100)}%`;
      return `${fmt(pointRate(p))} | ${shareText} | ${fmt((p.prefillTokens * 1000) / p.prefillMs)}`;
    });
    lines.push(`| ${r.sweep.plan.positions[i]} | ${cells.join(' | ')} |`);
  }
  // Where the time goes as the context grows, on the first browser path swept.
  const profiled = entries.find(([path]) => path !== 'node');
  if (profiled) {
    lines.push('', `Step profile of ${PATH_LABELS[profiled[0]]} against context:`, '');
    lines.push(`| context | ${PROFILE_HEADER} |`, '|---:|---:|---:|---:|---:|---:|---:|');
    for (const p of profiled[1]) lines.push(`| ${p.position} | ${profileCells(p.profile)} |`);
  }
  return [...lines, ''];
}
