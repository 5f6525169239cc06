/**
 * What the runner hands transformers.js' generate() besides the prompt: the stopping criterion
 * that reads the page's stop flag, and the top-k/top-p filter transformers.js v4 lacks.
 */
import { LogitsProcessor, LogitsProcessorList, StoppingCriteria, random, type Tensor } from '@huggingface/transformers';
import type { GenerationParams } from '../engine-types';
import { filterTopKTopP } from './sampling';
import type { StopFlag } from './stop-flag';
import type { TokenLogprobs } from './token-logprobs';

/** Stops generation as soon as the page asks, checked after every token. */
export class StopOnFlag extends StoppingCriteria {
  constructor(
    private readonly flag: StopFlag,
    private readonly requestId: number,
  ) {
    super();
  }
  override _call(input_ids: number[][]): boolean[] {
    return new Array<boolean>(input_ids.length).fill(this.flag.isRequested(this.requestId));
  }
}

class TopKTopPWarper extends LogitsProcessor {
  constructor(
    private readonly topK: number,
    private readonly topP: number,
  ) {
    super();
  }
  override _call(_input_ids: bigint[][], logits: Tensor): Tensor {
    const [batch = 1, vocab = 0] = logits.dims;
    const data = logits.data as Float32Array;
    for (let b = 0; b < batch; b++) filterTopKTopP(data.subarray(b * vocab, (b + 1) * vocab), this.topK, this.topP);
    return logits;
  }
}

/**
 * The sampling options of generate() for `params`: greedy when the temperature is 0, else
 * temperature and top-k, with our top-k/top-p filter when either limits anything. `logprobs`
 * reads every step's logits first, before that filter (token-logprobs.ts).
 */
export function samplingOptions(
  params: GenerationParams,
  logprobs: TokenLogprobs,
): {
  do_sample: boolean;
  temperature?: number;
  top_k?: number;
  logits_processor: LogitsProcessorList;
} {
  const list = new LogitsProcessorList();
  list.push(logprobs);
  const sample = params.temperature > 0;
  if (!sample) return { do_sample: false, logits_processor: list };
  if (params.topK > 0 || params.topP < 1) list.push(new TopKTopPWarper(params.topK, params.topP));
  return { do_sample: true, temperature: params.temperature, top_k: params.topK, logits_processor: list };
}

/** transformers.js types its global PRNG as `any`; this is its documented signature (bound). */
const seedSampler = random.seed as (seed?: number) => void;

/**
 * Seeds transformers.js' sampler: one PRNG for the whole process, which is why the gateway runs
 * one generation at a time (gateway/queue.ts).
 */
export function seedSampling(seed: number | null): void {
  seedSampler(seed ?? Math.floor(Math.random() * 2 ** 32));
}
