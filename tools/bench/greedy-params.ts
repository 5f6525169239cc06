/** The benchmark's one generation setting: greedy, exactly `tokens` new tokens (EOS suppressed). */
import type { GenerationParams } from '../../src/engine/engine-types';

export function greedyParams(tokens: number): GenerationParams {
  // Cold prompts: the rounds repeat one prompt, which would otherwise start from the last round's cache.
  return { temperature: 0, topP: 1, topK: 0, maxNewTokens: tokens, minNewTokens: tokens, repetitionPenalty: 1, seed: 0, reuseCache: false };
}
