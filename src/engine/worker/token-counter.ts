/**
 * A model's own token counts, for sizing passages and fitting grounded prompts: its tokenizer,
 * loaded through the same file source and weight cache as the model itself (after the model has
 * loaded once, from IndexedDB, with no request), and its chat template for whole prompts, with
 * message text guarded as the runner guards it (special-text.ts), so both count the same tokens.
 */
import { AutoTokenizer, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { ModelRef } from '../engine-types';
import type { TokenCounter } from '../../rag/tokens';
import { modelSource, withFileSource } from './model-source';
import { guardedMessages } from './special-text';

/** Loads the tokenizer of `ref`; `prepare` runs first with the ref and its file source (integrity expectations, aliases). */
export async function loadTokenizer(
  ref: ModelRef,
  prepare?: (ref: ModelRef, fileUrl: (path: string) => string, alias?: { from: string; to: string }) => void,
): Promise<PreTrainedTokenizer> {
  const source = modelSource(ref);
  prepare?.(ref, source.fileUrl, source.alias);
  return withFileSource(source.env, () => AutoTokenizer.from_pretrained(source.name, source.options));
}

/** Role markers a template adds per message, when a tokenizer has no template to measure them with. */
const UNTEMPLATED_TOKENS_PER_MESSAGE = 8;

/** Counts in `tokenizer`'s tokens; `label` says whose ("Pocket Chat 1M's tokenizer"). */
export function tokenCounter(tokenizer: PreTrainedTokenizer, label: string): TokenCounter {
  const text = (t: string): number => tokenizer.encode(t, { add_special_tokens: false }).length;
  return {
    label,
    text,
    chat: (messages) => {
      const guarded = guardedMessages(messages, tokenizer.all_special_tokens);
      try {
        const ids = tokenizer.apply_chat_template(guarded, {
          add_generation_prompt: true,
          tokenize: true,
          return_tensor: false,
          return_dict: false,
        });
        if (Array.isArray(ids)) return ids.length;
      } catch {
        // No chat template (the runner would refuse such a conversation too): counted without one.
      }
      return guarded.reduce((n, m) => n + text(m.content) + UNTEMPLATED_TOKENS_PER_MESSAGE, 0);
    },
  };
}
