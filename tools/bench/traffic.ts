/**
 * The physical limit of decoding: a step must read every weight it uses and the KV cache so far,
 * so tokens/s can never exceed memory bandwidth over bytes per token. "% of the bandwidth ceiling"
 * is how close a path comes: decode tok/s x bytes per token / bandwidth. (Caches make small models
 * exceed 100%: their weights never leave L2/L3. The ceiling means something once the weights are
 * far larger than the last-level cache.)
 */

/** Bytes a decode step reads, in the form `readOnnxWeights` gives them. */
export interface StepTraffic {
  /** Weights read in full every step. */
  streamedBytes: number;
  /** Embedding rows read every step. */
  gatheredRowBytes: number;
  /** KV cache bytes per position of context. */
  kvBytesPerPosition: number;
}

/** Bytes read by the step that attends over `past` positions of context. */
export function bytesPerStep(traffic: StepTraffic, past: number): number {
  return traffic.streamedBytes + traffic.gatheredRowBytes + traffic.kvBytesPerPosition * past;
}

/**
 * Mean bytes per decoded token of an answer of `tokens` tokens after a prompt of `promptTokens`.
 * The decode rate counts the tokens after the first (the first comes out of prefill): token k + 1
 * (k = 1 .. tokens - 1) is made by the step that feeds token k, over promptTokens + k - 1 past
 * positions, so the mean past is promptTokens + (tokens - 2) / 2. Bytes are linear in the past.
 */
export function meanBytesPerDecodedToken(traffic: StepTraffic, promptTokens: number, tokens: number): number {
  return bytesPerStep(traffic, promptTokens + Math.max(0, tokens - 2) / 2);
}

/** The fastest decode the memory allows: bandwidth (bytes/s) over bytes per token. */
export function ceilingTokensPerSecond(bytesPerSecond: number, bytesPerToken: number): number {
  return bytesPerSecond / bytesPerToken;
}

/** The share of the bandwidth ceiling a decode rate reaches (0.5 = 50%). */
export function ceilingShare(tokensPerSecond: number, bytesPerToken: number, bytesPerSecond: number): number {
  return (tokensPerSecond * bytesPerToken) / bytesPerSecond;
}
