/**
 * The grounded prompt and its budget: the instruction and numbered passages in the prompt, the
 * whole prompt plus the answer's room within the context window by the counter passed in, the
 * best passages kept, and what was left out said.
 */
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/engine/engine-types';
import { QuestionTooLongError, answerRoom, planGroundedPrompt, type PlanInput } from '../../src/rag/budget';
import { GROUNDING_INSTRUCTION, NO_PASSAGES } from '../../src/rag/prompt';
import { estimatedTokens, type TokenCounter } from '../../src/rag/tokens';
import type { RankedChunk } from '../../src/rag/types';

/** One token per word or punctuation mark, and a chat template that adds 3 tokens per message and 2 for the answer's start. */
const words = (text: string): number => text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)?.length ?? 0;
const counter: TokenCounter = {
  label: 'the test counter',
  text: words,
  chat: (messages: readonly ChatMessage[]) => messages.reduce((n, m) => n + 3 + words(m.content), 2),
};

/** A passage of `n` words, ranked `rank`. */
function ranked(rank: number, n: number, source = 's1'): RankedChunk {
  const text = Array.from({ length: n }, (_, i) => `w${rank}x${i}`).join(' ');
  return {
    chunk: { id: `${source}#${rank}`, sourceId: source, index: rank, heading: `Part ${rank}`, text, tokens: n },
    fused: 1 / (60 + rank),
  } as RankedChunk;
}

function input(extra: Partial<PlanInput>): PlanInput {
  return {
    systemPrompt: '',
    history: [],
    question: 'Where is the lamp?',
    ranked: [],
    sourceNames: new Map([['s1', 'notes.md']]),
    contextLength: 512,
    maxNewTokens: 256,
    counter,
    maxPassages: 6,
    ...extra,
  };
}

describe('answerRoom', () => {
  it('keeps what the user asked for, at most a quarter of the window, at least 32 tokens', () => {
    expect(answerRoom(512, 256)).toBe(128);
    expect(answerRoom(32768, 256)).toBe(256);
    expect(answerRoom(64, 200)).toBe(32);
    expect(answerRoom(64, 10)).toBe(10);
  });
});

describe('planGroundedPrompt', () => {
  it('puts the instruction in the system message and the numbered passages before the question', () => {
    const plan = planGroundedPrompt(input({ systemPrompt: 'Be brief.', ranked: [ranked(1, 5), ranked(2, 5)] }));
    expect(plan.messages[0]).toEqual({ role: 'system', content: `Be brief.\n\n${GROUNDING_INSTRUCTION}` });
    const last = plan.messages[plan.messages.length - 1]!;
    expect(last.role).toBe('user');
    expect(last.content).toBe(
      `Context:\n[1] notes.md › Part 1\n${ranked(1, 5).chunk.text}\n\n[2] notes.md › Part 2\n${ranked(2, 5).chunk.text}\n\nQuestion: Where is the lamp?`,
    );
    expect(plan.passages.map((p) => p.n)).toEqual([1, 2]);
    expect(plan.leftOut).toEqual([]);
    expect(plan.statement).toBe('');
  });

  it('says so in the prompt when no passage matched', () => {
    const plan = planGroundedPrompt(input({ ranked: [] }));
    expect(plan.messages.at(-1)!.content).toBe(`Context:\n${NO_PASSAGES}\n\nQuestion: Where is the lamp?`);
  });

  it('fills the window in rank order, skipping a passage too big for what is left, and says what was left out', () => {
    // Window 200, answer room 50: 150 for the prompt. The fixed part is about 35 tokens.
    const list = [ranked(1, 40), ranked(2, 90), ranked(3, 30), ranked(4, 40)];
    const plan = planGroundedPrompt(input({ ranked: list, contextLength: 200, maxNewTokens: 50 }));
    expect(plan.promptTokens + plan.answerTokens).toBeLessThanOrEqual(200);
    expect(counter.chat(plan.messages)).toBe(plan.promptTokens);
    expect(plan.passages.map((p) => p.ranked.chunk.id)).toEqual(['s1#1', 's1#3']);
    expect(plan.passages.map((p) => p.n)).toEqual([1, 2]);
    expect(plan.leftOut.map((r) => r.chunk.id)).toEqual(['s1#2', 's1#4']);
    expect(plan.statement).toBe(
      '2 retrieved passages left out (notes.md › Part 2; notes.md › Part 4): the 200-token context window holds the question, 2 passages and 50 tokens for the answer (counted with the test counter).',
    );
  });

  it('keeps at most maxPassages, and says why the rest are out', () => {
    const plan = planGroundedPrompt(input({ ranked: [1, 2, 3, 4].map((r) => ranked(r, 3)), maxPassages: 2 }));
    expect(plan.passages).toHaveLength(2);
    expect(plan.statement).toMatch(/^2 retrieved passages left out .*at most 2 passages go into one prompt/);
  });

  it('drops the oldest turns before the question when the question needs their room', () => {
    const long = 'talk '.repeat(60).trim();
    const history: ChatMessage[] = [
      { role: 'user', content: long },
      { role: 'assistant', content: long },
      { role: 'user', content: 'short' },
      { role: 'assistant', content: 'reply' },
    ];
    const plan = planGroundedPrompt(input({ history, ranked: [ranked(1, 10)], contextLength: 200, maxNewTokens: 50 }));
    expect(plan.droppedMessages).toBe(2);
    expect(plan.messages.slice(1, -1)).toEqual(history.slice(2));
    expect(plan.passages).toHaveLength(1);
    expect(plan.statement).toContain('2 earlier messages of this conversation left out');
  });

  it('refuses a question that cannot fit at all, saying how many tokens it takes', () => {
    const question = 'why '.repeat(300);
    expect(() => planGroundedPrompt(input({ question, contextLength: 200, maxNewTokens: 50 }))).toThrow(QuestionTooLongError);
    expect(() => planGroundedPrompt(input({ question, contextLength: 200, maxNewTokens: 50 }))).toThrow(
      /the 200-token context window has no room/,
    );
  });

  it('checks the whole templated prompt, not only the sum of its parts', () => {
    // A template that costs 30 tokens more once there is any context: the piecewise count misses it.
    const hungry: TokenCounter = { ...counter, chat: (m) => counter.chat(m) + (m.at(-1)!.content.includes('[1]') ? 30 : 0) };
    const plan = planGroundedPrompt(
      input({ ranked: [ranked(1, 40), ranked(2, 40)], contextLength: 200, maxNewTokens: 50, counter: hungry }),
    );
    expect(plan.promptTokens + plan.answerTokens).toBeLessThanOrEqual(200);
    expect(plan.passages.length).toBeLessThan(2);
  });

  it('works with the estimate for models whose tokenizer is elsewhere', () => {
    const plan = planGroundedPrompt(input({ ranked: [ranked(1, 20)], contextLength: 4096, counter: estimatedTokens }));
    expect(plan.passages).toHaveLength(1);
    expect(plan.promptTokens).toBe(estimatedTokens.chat(plan.messages));
  });
});
