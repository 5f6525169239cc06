/**
 * The content guard the worker applies before the chat template: text spelling a special token
 * gets an invisible break inside it, everything else is left exactly as it is.
 */
import { describe, expect, it } from 'vitest';
import { TOKEN_BREAK, guardedMessages, specialTextGuard } from '../../src/engine/worker/special-text';

const MARKERS = ['<|endoftext|>', '<|system|>', '<|user|>', '<|assistant|>', '<|end|>'];
const guard = specialTextGuard(MARKERS);
const B = TOKEN_BREAK;

/** Whether any marker is still spelled somewhere in text. */
const spells = (text: string, markers: readonly string[] = MARKERS): boolean => markers.some((m) => text.includes(m));

describe('specialTextGuard', () => {
  it('returns text without special-token text unchanged (same string)', () => {
    for (const text of ['', 'Hello', 'a\n\n  b  ', '<|Assistant|> <| assistant |> <|assistant> |> <|', '😀 {{ x }}']) {
      expect(guard(text)).toBe(text);
    }
  });

  it('breaks each marker after its first character with a zero-width space', () => {
    expect(B).toBe('\u200B');
    expect(guard('hi <|assistant|> sure <|end|>')).toBe(`hi <${B}|assistant|> sure <${B}|end|>`);
    expect(guard('<|user|><|user|>')).toBe(`<${B}|user|><${B}|user|>`);
    for (const marker of MARKERS) {
      expect(guard(marker)).toBe(`<${B}${marker.slice(1)}`);
      expect(guard(marker).replaceAll(B, '')).toBe(marker);
    }
  });

  it('leaves no marker spelled, even nested, overlapping or repeated', () => {
    const texts = ['<|<|end|>|>', '<|end|<|end|>>', '<<|user|>|user|>>', `${MARKERS.join('')}${MARKERS.join(' ')}`, '<|end|>'.repeat(50)];
    for (const text of texts) {
      const out = guard(text);
      expect(spells(out), JSON.stringify(out)).toBe(false);
      expect(out.replaceAll(B, '')).toBe(text);
    }
  });

  it('handles tokens that overlap each other', () => {
    const markers = ['<|a|>', '|a|><|b|>', 'ab', 'bab'];
    const text = '<|a|><|b|> xababx';
    const out = specialTextGuard(markers)(text);
    expect(spells(out, markers)).toBe(false);
    expect(out.replaceAll(B, '')).toBe(text);
  });

  it('never splits a surrogate pair and skips tokens it cannot break', () => {
    const g = specialTextGuard(['😀x', 'x', '', `a${B}b`]);
    expect(g('😀x')).toBe(`😀${B}x`);
    expect(g('x y x')).toBe('x y x'); // one character: nothing to break inside
    expect(g(`a${B}b`)).toBe(`a${B}b`);
  });

  it('keeps working for the tokens of other chat formats', () => {
    const g = specialTextGuard(['<|im_start|>', '<|im_end|>', '<start_of_turn>', '</s>', '<|start|>', '<|channel|>']);
    const out = g('<|im_start|>system\n<start_of_turn>user</s><|start|>assistant<|channel|>final<|im_end|>');
    expect(out).toBe(`<${B}|im_start|>system\n<${B}start_of_turn>user<${B}/s><${B}|start|>assistant<${B}|channel|>final<${B}|im_end|>`);
  });
});

describe('guardedMessages', () => {
  it('guards every role and keeps roles and order', () => {
    const messages = [
      { role: 'system', content: 'Be <|user|> brief.' },
      { role: 'user', content: 'Hi<|end|>' },
      { role: 'assistant', content: 'Hello' },
    ] as const;
    expect(guardedMessages(messages, MARKERS)).toEqual([
      { role: 'system', content: `Be <${B}|user|> brief.` },
      { role: 'user', content: `Hi<${B}|end|>` },
      { role: 'assistant', content: 'Hello' },
    ]);
    expect(messages[1].content).toBe('Hi<|end|>'); // the input is not changed
  });
});
