/**
 * How much of the previous answer's KV cache a new prompt can start from: the rules only, kept
 * apart from the tensors so they can be tested on their own (tests/unit/prefix-reuse.test.ts).
 *
 * The cache holds the keys and values of every token the model has read: the last prompt and the
 * answer it wrote, except the answer's final token (generate() samples it and stops before feeding
 * it). A follow-up prompt usually starts with exactly those tokens, so only its new tail needs a
 * forward pass. It does not when the conversation changed before its end (an edited or regenerated
 * turn, another conversation), or when the template writes the previous answer differently from how
 * it was generated (gpt-oss drops its reasoning from history; a byte-level BPE may split the
 * decoded text into other tokens than the model chose). Then the cache is cut back to the part both
 * share, when the cache can be cut, or dropped.
 */

/** What to do with the cache for the next prompt. */
export type PrefixPlan =
  | { kind: 'cold' }
  /** Keep the cache as it is: it covers `tokens` leading tokens of the prompt. */
  | { kind: 'extend'; tokens: number }
  /** Cut the cache back to its first `tokens` positions, then continue from there. */
  | { kind: 'truncate'; tokens: number };

/**
 * Fewer shared tokens than this are not worth a cut (which copies the whole cache on WebGPU): a
 * new conversation shares only the template's first marker with the last one.
 */
export const MIN_TRUNCATED_REUSE = 8;

/** Length of the common prefix of `a` and `b`. */
export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * The plan for a prompt `next` given the tokens the cache covers, `cached`. At least one prompt token
 * is always left to feed: the first forward pass must produce the logits of the first new token.
 * `truncatable`: the cache holds attention keys and values only (a recurrent state cannot be cut).
 */
export function planPrefixReuse(cached: readonly number[], next: readonly number[], truncatable: boolean): PrefixPlan {
  if (cached.length === 0 || next.length < 2) return { kind: 'cold' };
  const shared = Math.min(commonPrefixLength(cached, next), next.length - 1);
  if (shared === cached.length) return { kind: 'extend', tokens: shared };
  if (truncatable && shared >= MIN_TRUNCATED_REUSE) return { kind: 'truncate', tokens: shared };
  return { kind: 'cold' };
}
