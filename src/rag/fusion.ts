/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): each ranking gives a passage
 * 1 / (k + rank), and the sums decide. Only ranks count, so BM25 scores and cosine similarities,
 * which live on different scales, need no calibration; k = 60 (the paper's) keeps one ranking's
 * first place from outweighing agreement between both.
 */

/** One ranking: ids best first. */
export type Ranking = readonly string[];

export const RRF_K = 60;

/** Ids by fused score, best first, with their scores; ties keep the order of first appearance. */
export function reciprocalRankFusion(rankings: readonly Ranking[], k = RRF_K): { id: string; score: number }[] {
  const scores = new Map<string, number>();
  for (const ranking of rankings) {
    ranking.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + i + 1)));
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
