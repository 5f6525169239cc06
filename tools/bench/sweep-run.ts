/**
 * Runs the decode-speed sweep (see context-plan.ts) on a loaded transformers.js model, in the
 * benchmark's worker or in Node: one growing context, the KV cache carried from point to point
 * (`past_key_values` in, `return_dict_in_generate` out), each point's tokens timed and profiled.
 */
import { Tensor, type DynamicCache, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { extendTo, type SweepPlan } from './context-plan';
import { summarizeSteps, type SessionTimer, type StepProfile } from './step-profile';
import { TimestampStreamer } from './timestamp-streamer';

/** One point of the sweep, as measured. */
export interface SweepPoint {
  /** Context length when decoding started. */
  position: number;
  /** Tokens prefilled to get there from the previous point (the KV cache held the rest). */
  prefillTokens: number;
  /** From handing over the prompt to the first new token (epoch ms apart). */
  prefillMs: number;
  /** Arrival of each decoded token (epoch ms). */
  tokenTimes: number[];
  profile: StepProfile | null;
}

function ids(sequence: readonly number[]): { input_ids: Tensor; attention_mask: Tensor } {
  const n = sequence.length;
  return {
    input_ids: new Tensor('int64', BigInt64Array.from(sequence, BigInt), [1, n]),
    attention_mask: new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
  };
}

/** Token ids to fill the context with: the prompt's text, encoded without special tokens. */
export function fillerTokens(tokenizer: PreTrainedTokenizer, text: string): number[] {
  const filler = tokenizer.encode(`${text} `.repeat(8), { add_special_tokens: false });
  if (!filler.length) throw new Error(`the filler text ${JSON.stringify(text)} encodes to no tokens`);
  return filler;
}

export async function runSweep(
  model: PreTrainedModel,
  tokenizer: PreTrainedTokenizer,
  plan: SweepPlan,
  filler: readonly number[],
  timer: SessionTimer,
): Promise<SweepPoint[]> {
  const points: SweepPoint[] = [];
  let sequence: number[] = [];
  let cache: DynamicCache | null = null;
  try {
    for (const position of plan.positions) {
      // The cache holds every token but the last one generated (it was never fed back).
      const cached = cache ? sequence.length - 1 : 0;
      sequence = extendTo(sequence, position, filler);
      const streamer = new TimestampStreamer(tokenizer);
      timer.reset();
      timer.enabled = true;
      const out = (await model.generate({
        ...ids(sequence),
        ...(cache ? { past_key_values: cache } : {}),
        max_new_tokens: plan.decodeTokens,
        min_new_tokens: plan.decodeTokens,
        do_sample: false,
        return_dict_in_generate: true,
        streamer,
      })) as { sequences: Tensor; past_key_values: DynamicCache };
      timer.enabled = false;
      cache = out.past_key_values;
      sequence = Array.from(out.sequences.data as BigInt64Array, Number);
      const first = streamer.times[0] ?? Number.NaN;
      points.push({
        position,
        prefillTokens: position - cached,
        prefillMs: first - (streamer.prefillStartAt ?? Number.NaN),
        tokenTimes: streamer.times,
        profile: summarizeSteps(timer.records),
      });
    }
  } finally {
    timer.enabled = false;
    await cache?.dispose();
  }
  return points;
}
