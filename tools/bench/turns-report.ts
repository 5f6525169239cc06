/**
 * The multi-turn benchmark's arithmetic and tables (turns-bench.ts runs it): per turn, the median
 * TTFT and prompt tokens read over the repeats, with reuse and without; the headline ratios.
 */

/** One answer of a conversation. */
export interface TurnSample {
  ttftMs: number;
  promptTokens: number;
  /** Prompt tokens taken from the previous answer's KV cache. */
  cachedTokens: number;
}

export interface TurnsSummary {
  /** Median TTFT per turn (index 0 = turn 1). */
  ttftOn: number[];
  ttftOff: number[];
  /** Last turn over first turn, of one conversation. */
  growthOn: number;
  growthOff: number;
  /** Without reuse over with reuse, at the last turn. */
  lastTurnSpeedup: number;
}

export function median(xs: readonly number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median over conversations of `pick` at each turn. */
function perTurn(conversations: readonly TurnSample[][], pick: (s: TurnSample) => number): number[] {
  const turns = Math.max(0, ...conversations.map((c) => c.length));
  return Array.from({ length: turns }, (_, t) => median(conversations.flatMap((c) => (c[t] ? [pick(c[t])] : []))));
}

export function summarize(samples: Record<'on' | 'off', TurnSample[][]>): TurnsSummary {
  const ttftOn = perTurn(samples.on, (s) => s.ttftMs);
  const ttftOff = perTurn(samples.off, (s) => s.ttftMs);
  const last = (xs: number[]): number => xs[xs.length - 1] ?? Number.NaN;
  const first = (xs: number[]): number => xs[0] ?? Number.NaN;
  return {
    ttftOn,
    ttftOff,
    growthOn: last(ttftOn) / first(ttftOn),
    growthOff: last(ttftOff) / first(ttftOff),
    lastTurnSpeedup: last(ttftOff) / last(ttftOn),
  };
}

export interface TurnsSetup {
  where: string;
  device: string;
  turns: number;
  answerTokens: number;
  repeats: number;
}

const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(x < 10 ? 1 : 0) : '–');
const ratio = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–');

export function turnsReport(samples: Record<'on' | 'off', TurnSample[][]>, setup: TurnsSetup): { summary: TurnsSummary; markdown: string } {
  const summary = summarize(samples);
  const readOn = perTurn(samples.on, (s) => s.promptTokens - s.cachedTokens);
  const readOff = perTurn(samples.off, (s) => s.promptTokens - s.cachedTokens);
  const prompt = perTurn(samples.off, (s) => s.promptTokens);
  const rows = summary.ttftOn.map(
    (on, t) => `| ${t + 1} | ${ms(prompt[t]!)} | ${ms(readOn[t]!)} | ${ms(on)} | ${ms(readOff[t]!)} | ${ms(summary.ttftOff[t]!)} |`,
  );
  const markdown = [
    `### Time to first token per turn: ${setup.where} on ${setup.device}`,
    '',
    `${setup.turns} turns of ${setup.answerTokens}-token answers, median of ${setup.repeats} conversations each way.`,
    '',
    '| turn | prompt tokens | read, reuse on | TTFT ms, reuse on | read, reuse off | TTFT ms, reuse off |',
    '|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `TTFT of turn ${setup.turns} over turn 1: **${ratio(summary.growthOn)}** with reuse, ${ratio(summary.growthOff)} without; ` +
      `at turn ${setup.turns} reuse is ${ratio(summary.lastTurnSpeedup)} faster to the first token.`,
  ].join('\n');
  return { summary, markdown };
}
