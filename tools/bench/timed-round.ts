/**
 * One timed greedy generation of a transformers.js model, exactly `tokens` new tokens (EOS
 * suppressed): the same loop in the benchmark's bare workers and on onnxruntime-node.
 */
import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import type { RoundTimes } from './bench-types';
import { TimestampStreamer } from './timestamp-streamer';

export interface ChatInputs {
  input_ids: Tensor;
  attention_mask: Tensor;
}

/** The prompt as the chat template renders it. */
export function chatInputs(tokenizer: PreTrainedTokenizer, prompt: string): ChatInputs {
  return tokenizer.apply_chat_template([{ role: 'user', content: prompt }], {
    add_generation_prompt: true,
    return_dict: true,
  });
}

const now = (): number => performance.timeOrigin + performance.now();

export async function timedRound(
  model: PreTrainedModel,
  tokenizer: PreTrainedTokenizer,
  inputs: ChatInputs,
  tokens: number,
): Promise<RoundTimes> {
  const streamer = new TimestampStreamer(tokenizer);
  const requestAt = now();
  await model.generate({ ...inputs, max_new_tokens: tokens, min_new_tokens: tokens, do_sample: false, streamer });
  return { arrived: streamer.times, requestAt, prefillStartAt: streamer.prefillStartAt, promptTokens: inputs.input_ids.dims.at(-1) ?? 0 };
}
