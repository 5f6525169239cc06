import { expect, it } from 'vitest';
import { recentLatency } from '../../src/bench/recent';
import type { AnswerMeta, Conversation, Turn } from '../../src/chat/conversation';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';

function answer(createdAt: number, modelId: string, ttftMs: number, extra: Partial<AnswerMeta> = {}): Turn {
  const meta: AnswerMeta = {
    modelId,
    modelName: modelId,
    backend: 'wasm',
    dtype: 'q4',
    detail: '',
    routeReason: '',
    params: DEFAULT_PARAMS,
    metrics: {
      ttftMs,
      prefillTokensPerSec: null,
      decodeTokensPerSec: ttftMs * 2,
      promptTokens: 3,
      generatedTokens: 4,
      totalMs: 100,
      interTokenMs: [],
    },
    ...extra,
  };
  return { id: `t${createdAt}`, role: 'assistant', content: 'x', createdAt, meta };
}

const chat = (turns: Turn[]): Conversation => ({ id: 'c', title: 't', systemPrompt: '', turns, createdAt: 0, updatedAt: 0 });

it('keeps the last answers of one model across conversations, oldest first, without failed ones', () => {
  const a = chat([answer(3, 'm', 30), answer(1, 'm', 10), answer(2, 'other', 99)]);
  const b = chat([answer(4, 'm', 40, { error: 'boom' }), answer(5, 'm', 50), { id: 'u', role: 'user', content: 'hi', createdAt: 6 }]);
  expect(recentLatency([a, b], 'm')).toEqual({ labels: [1, 2, 3], ttftMs: [10, 30, 50], decodeTokensPerSec: [20, 60, 100] });
  expect(recentLatency([a, b], 'm', 2).ttftMs).toEqual([30, 50]);
});
