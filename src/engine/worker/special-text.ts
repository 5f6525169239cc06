/**
 * Message text that cannot become special tokens.
 *
 * The worker renders the chat template and tokenizes the result in one call. The tokenizer
 * matches special tokens (`<|user|>`, `<|end|>`, `<|im_start|>`…) anywhere in that string, so
 * the literal text "<|assistant|>" typed or pasted into a message would become the same token id
 * as the marker the template writes, and could fake turns (prompt injection). transformers.js
 * 4.3.1 has no option to tokenize parts of a string without matching special tokens
 * (`apply_chat_template` → `_call` → `@huggingface/tokenizers` `encode` always runs the added-token
 * splitter), and tokenizing content apart from the template would change how the text around
 * each marker is tokenized, and so every prompt.
 *
 * So the content is changed instead, before templating: a ZERO WIDTH SPACE (U+200B) goes after
 * the first character of every special token found in it ("<\u200B|assistant|>"). The text still
 * reads the same (the mark is invisible), it is tokenized as plain text, and content without any
 * special-token text is returned unchanged, so ordinary prompts keep their exact token ids. Only
 * the prompt given to the model is changed; the conversation keeps what the user wrote.
 *
 * Limits: a special token of a single character cannot be broken this way and is left alone, as is
 * one that itself contains U+200B; tokens matched after the tokenizer's normalizer ("normalized":
 * true, rare for chat markers) are only caught when the raw text already spells them.
 */
import type { ChatMessage } from '../engine-types';

/** Inserted inside special-token text. Not whitespace to JS `trim` or Jinja `strip`. */
export const TOKEN_BREAK = '\u200B';

/** Breaks every occurrence of the given special tokens in text; see the module comment. */
export type SpecialTextGuard = (text: string) => string;

export function specialTextGuard(specialTokens: Iterable<string>): SpecialTextGuard {
  // Where the break goes in each token: after its first code point (never inside a surrogate pair).
  const tokens = new Map<string, number>();
  for (const token of specialTokens) {
    const first = token.codePointAt(0);
    if (first === undefined || token.includes(TOKEN_BREAK)) continue;
    const offset = first > 0xffff ? 2 : 1;
    if (token.length > offset) tokens.set(token, offset);
  }
  return (text) => {
    const breaks = new Set<number>();
    for (const [token, offset] of tokens) {
      // Every occurrence, overlapping ones included, so each span of the original text that
      // spells a token has a break inside it and none can survive or be formed anew.
      for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) breaks.add(at + offset);
    }
    if (breaks.size === 0) return text;
    let out = '';
    let from = 0;
    for (const at of [...breaks].sort((a, b) => a - b)) {
      out += text.slice(from, at) + TOKEN_BREAK;
      from = at;
    }
    return out + text.slice(from);
  };
}

/** The messages as the chat template gets them: every content guarded, roles as they are. */
export function guardedMessages(messages: readonly ChatMessage[], specialTokens: Iterable<string>): ChatMessage[] {
  const guard = specialTextGuard(specialTokens);
  return messages.map((m) => ({ role: m.role, content: guard(m.content) }));
}
