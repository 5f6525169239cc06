/**
 * Token counting, in the model's own tokens where the app has its tokenizer (in the retrieval
 * worker), or an estimate where it has none (a gateway model: the server keeps its tokenizer).
 */
import type { ChatMessage } from '../engine/engine-types';

/** Counts the tokens of texts and of whole prompts, as one model reads them. */
export interface TokenCounter {
  /** What the counts are: "pocket-chat-1m's tokenizer", or "an estimate (3 characters a token)". */
  readonly label: string;
  /** Tokens of `text` on its own (no special tokens). */
  text(text: string): number;
  /** Tokens of the whole prompt the chat template makes of `messages`, ready for the answer. */
  chat(messages: readonly ChatMessage[]): number;
}

/**
 * Three characters a token overestimates English for the BPE tokenizers of current chat models
 * (about four), so a budget built on it still fits when the server counts for real.
 */
const CHARS_PER_TOKEN = 3;
/** Role markers and separators a chat template adds around each message, at most, in common templates. */
const TEMPLATE_TOKENS_PER_MESSAGE = 8;

/** Counts by length, for models whose tokenizer the app cannot read (a gateway's). */
export const estimatedTokens: TokenCounter = {
  label: `an estimate (${CHARS_PER_TOKEN} characters a token)`,
  text: (text) => Math.ceil(text.length / CHARS_PER_TOKEN),
  chat: (messages) =>
    messages.reduce(
      (sum, m) => sum + Math.ceil(m.content.length / CHARS_PER_TOKEN) + TEMPLATE_TOKENS_PER_MESSAGE,
      TEMPLATE_TOKENS_PER_MESSAGE,
    ),
};
