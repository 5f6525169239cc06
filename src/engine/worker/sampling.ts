/**
 * Top-k and top-p (nucleus) filtering, in Hugging Face's order: keep the k most likely tokens,
 * renormalise, then keep the smallest prefix whose probability reaches p. transformers.js v4 does
 * not apply top_p itself (its TopPLogitsWarper is a stub), so the worker applies this instead.
 */

/** Indices of the `k` largest values, largest first (a bounded min-heap: O(n log k)). */
export function topKIndices(values: ArrayLike<number>, k: number): number[] {
  const n = values.length;
  if (k <= 0 || k >= n) {
    return Array.from({ length: n }, (_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  }
  const heap: number[] = [];
  const less = (a: number, b: number): boolean => values[a]! < values[b]! || (values[a] === values[b] && a > b);
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let i = 0; i < n; i++) {
    if (heap.length < k) {
      heap.push(i);
      for (let c = heap.length - 1; c > 0;) {
        const p = (c - 1) >> 1;
        if (!less(heap[c]!, heap[p]!)) break;
        [heap[c], heap[p]] = [heap[p]!, heap[c]!];
        c = p;
      }
    } else if (less(heap[0]!, i)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => values[b]! - values[a]! || a - b);
}

/**
 * Filters `logits` in place: every token outside the top-k / top-p set becomes -Infinity.
 * `topK <= 0` disables top-k; `topP >= 1` disables top-p. At least one token always survives.
 */
export function filterTopKTopP(logits: Float32Array, topK: number, topP: number): void {
  const useK = topK > 0 && topK < logits.length;
  const useP = topP < 1;
  if (!useK && !useP) return;
  const order = topKIndices(logits, useK ? topK : 0);
  let keep = order.length;
  if (useP) {
    const max = logits[order[0]!]!;
    let sum = 0;
    const exps = order.map((i) => {
      const e = Math.exp(logits[i]! - max);
      sum += e;
      return e;
    });
    let cumulative = 0;
    keep = 0;
    while (keep < order.length) {
      cumulative += exps[keep]! / sum;
      keep++;
      if (cumulative >= topP) break;
    }
  }
  const kept = new Uint8Array(logits.length);
  for (let j = 0; j < keep; j++) kept[order[j]!] = 1;
  for (let i = 0; i < logits.length; i++) if (!kept[i]) logits[i] = -Infinity;
}
