/**
 * The model's confidence in its own answer: the mean log-probability of the tokens it generated,
 * which draft -> refine escalates on (src/compare/escalation.ts). transformers.js v4 does not
 * return scores from generate() (its greedy sampler reports 0 for every token), so the worker
 * reads them itself: this processor sees each step's logits after transformers.js' own
 * processors (repetition penalty, temperature) and before our top-k/top-p filter, keeps the
 * row's log-normaliser, and the streamer, which generate() hands the chosen token right after
 * sampling, commits that token's log-probability. The row is read in place, never copied: it is
 * alive until the next step, and the commit comes before it.
 */
import { LogitsProcessor, type Tensor } from '@huggingface/transformers';

/** log(sum(exp(row))), computed stably; -Infinity for a row with no finite value. */
export function logSumExp(row: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i]! - max);
  return max + Math.log(sum);
}

export class TokenLogprobs extends LogitsProcessor {
  private row: Float32Array | null = null;
  private normaliser = 0;
  private sum = 0;
  private count = 0;

  /** Reads the step's logits (the first sequence of the batch: the runner generates one). */
  override _call(_inputIds: bigint[][], logits: Tensor): Tensor {
    const vocab = logits.dims.at(-1) ?? 0;
    const row = (logits.data as Float32Array).subarray(0, vocab);
    this.row = row;
    this.normaliser = logSumExp(row);
    return logits;
  }

  /** The token sampled from the last step's logits; a token without a step is not counted. */
  commit(tokenId: number): void {
    const row = this.row;
    this.row = null;
    if (!row || tokenId < 0 || tokenId >= row.length) return;
    const logprob = row[tokenId]! - this.normaliser;
    if (!Number.isFinite(logprob)) return;
    this.sum += logprob;
    this.count++;
  }

  /** Mean log-probability (natural log, at most 0) of the committed tokens; null before any. */
  get mean(): number | null {
    return this.count ? this.sum / this.count : null;
  }
}
