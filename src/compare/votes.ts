/**
 * Blind votes, kept per pair of contenders (a model on a backend: phi-4-mini on WebGPU and on the
 * gateway are two contenders). A vote for one of two or three answers is a win over each of the
 * others (and says nothing of the two it beat); "tie" is a tie for every pair. Pure: the store (compare-settings.ts) keeps the tallies.
 */
import { z } from 'zod';

export const pairTallySchema = z.strictObject({
  /** The two contenders, in code-unit order, so a pair has one key whichever column it was in. */
  first: z.string(),
  second: z.string(),
  firstWins: z.number().int().nonnegative(),
  secondWins: z.number().int().nonnegative(),
  ties: z.number().int().nonnegative(),
});
export type PairTally = z.infer<typeof pairTallySchema>;

/** The contender behind a column: "pocket-chat-1m on wasm". */
export function contenderKey(modelId: string, backend: string): string {
  return `${modelId} on ${backend}`;
}

function pairOf(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

/**
 * The tallies after one vote among `contenders` (one per column, in column order): `winner` is
 * the index of the preferred column, or 'tie'. Two columns with the same contender are not a pair.
 */
export function recordVote(tallies: readonly PairTally[], contenders: readonly string[], winner: number | 'tie'): PairTally[] {
  const next = tallies.map((t) => ({ ...t }));
  const tallyFor = (a: string, b: string): PairTally => {
    const [first, second] = pairOf(a, b);
    let tally = next.find((t) => t.first === first && t.second === second);
    if (!tally) {
      tally = { first, second, firstWins: 0, secondWins: 0, ties: 0 };
      next.push(tally);
    }
    return tally;
  };
  for (let i = 0; i < contenders.length; i++) {
    for (let j = i + 1; j < contenders.length; j++) {
      const a = contenders[i]!;
      const b = contenders[j]!;
      // With three columns, a vote says nothing of the two that did not win.
      if (a === b || (winner !== 'tie' && winner !== i && winner !== j)) continue;
      const tally = tallyFor(a, b);
      if (winner === 'tie') {
        tally.ties++;
      } else {
        const won = winner === i ? a : b;
        if (won === tally.first) tally.firstWins++;
        else tally.secondWins++;
      }
    }
  }
  return next;
}

/** The tallies of pairs among `contenders`, for the score line under a vote. */
export function talliesAmong(tallies: readonly PairTally[], contenders: readonly string[]): PairTally[] {
  const set = new Set(contenders);
  return tallies.filter((t) => set.has(t.first) && set.has(t.second));
}
