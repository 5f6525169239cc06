/**
 * A text plot of a few series over shared x values (decode tok/s against context position), for
 * the Markdown report: steps and cliffs show without opening anything.
 *
 *   900 |b b
 *       |    b b
 *       |        n n n
 *     0 +------------
 *        0   512 1024
 */

export interface PlotSeries {
  /** One character that marks this series' points. */
  mark: string;
  points: { x: number; y: number }[];
}

/** Where two series land on the same cell. */
export const OVERLAP_MARK = '*';

const CELL = 2;

/** The plot's lines: `height` rows from max(y) down to 0, an axis, and x labels where they fit. */
export function plotLines(series: readonly PlotSeries[], height = 10): string[] {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const finite = series.flatMap((s) => s.points.map((p) => p.y)).filter(Number.isFinite);
  if (!xs.length || !finite.length) return ['(no data)'];
  const top = Math.max(...finite, 0);
  const grid = Array.from({ length: height }, () => Array.from({ length: xs.length * CELL }, () => ' '));
  for (const s of series) {
    for (const p of s.points) {
      if (!Number.isFinite(p.y)) continue;
      const row = height - 1 - (top > 0 ? Math.round((Math.max(p.y, 0) / top) * (height - 1)) : 0);
      const col = xs.indexOf(p.x) * CELL;
      const cell = grid[row]![col]!;
      grid[row]![col] = cell === ' ' || cell === s.mark ? s.mark : OVERLAP_MARK;
    }
  }
  const label = (y: number): string => (y >= 100 ? y.toFixed(0) : y.toFixed(1));
  const width = Math.max(label(top).length, 1);
  const lines = grid.map((row, i) => {
    const y = i === 0 ? label(top) : i === height - 1 ? '0' : '';
    return `${y.padStart(width)} |${row.join('').trimEnd()}`;
  });
  lines.push(`${' '.repeat(width)} +${'-'.repeat(xs.length * CELL)}`);
  // x labels, left-aligned under their column, skipped where the previous one still runs.
  let axis = '';
  for (let i = 0; i < xs.length; i++) {
    const at = i * CELL;
    const text = String(xs[i]);
    if (axis.length > at) continue;
    axis = axis.padEnd(at) + text + ' ';
  }
  lines.push(`${' '.repeat(width + 2)}${axis.trimEnd()}`);
  return lines;
}
