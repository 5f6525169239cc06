/**
 * KV cache reuse across turns, through the worker's ModelRunner on onnxruntime-node with a bundled
 * model: a follow-up prompt starts from the previous answer's cache and still produces exactly the
 * PyTorch golden tokens (tools/models/golden); regenerating and editing cut the cache back to what
 * the conversations share, and answer exactly as a cold run; reuse off prefills everything.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, GenerationEvent, GenerationParams, GenerationTrace } from '../../src/engine/engine-types';
import { ModelRunner } from '../../src/engine/worker/model-runner';
import { StopFlag } from '../../src/engine/worker/stop-flag';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';
import { PUBLIC_MODELS, bundledModels, readGolden } from '../support/paths';

const model = bundledModels().find((m) => m.id === 'pocket-chat-1m')!;
const golden = readGolden(model.id);
const REUSE: GenerationParams = { ...DEFAULT_PARAMS, maxNewTokens: golden.max_new_tokens, reuseCache: true };
const COLD: GenerationParams = { ...REUSE, reuseCache: false };
/** The golden cases with history: the prompt before their first answer primes the cache. */
const multiTurn = golden.cases.filter((c) => c.messages.some((m) => m.role === 'assistant'));

for (const { dtype } of model.variants) {
  describe(dtype, () => {
    const runner = new ModelRunner(
      { now: () => performance.timeOrigin + performance.now(), executionDevice: () => 'cpu', describe: () => 'CPU · onnxruntime-node' },
      new StopFlag(),
    );
    let nextId = 1;
    async function ask(messages: readonly ChatMessage[], params: GenerationParams): Promise<{ text: string; trace: GenerationTrace }> {
      const events: GenerationEvent[] = [];
      await runner.generate(nextId++, messages, params, (e) => events.push(e));
      const end = events.find((e) => e.type === 'end');
      if (end?.type !== 'end') throw new Error('the stream did not end');
      return { text: events.flatMap((e) => (e.type === 'token' ? [e.text] : [])).join(''), trace: end.trace };
    }

    beforeAll(async () => {
      const variant = model.variants.find((v) => v.dtype === dtype)!;
      await runner.load(
        {
          id: model.id,
          location: path.join(PUBLIC_MODELS, model.id),
          dtype,
          device: 'wasm',
          contextLength: model.contextLength!,
          files: [...model.files, ...variant.files],
        },
        () => undefined,
      );
    });
    afterAll(async () => {
      await runner.unload();
    });

    it.each(multiTurn.map((c, i) => ({ i, c })))(
      'multi-turn case $i: the follow-up reads only new tokens, golden answer',
      async ({ c }) => {
        const firstAnswer = c.messages.findIndex((m) => m.role === 'assistant');
        const opening = c.messages.slice(0, firstAnswer);
        const primed = await ask(opening, REUSE);
        const followUp = await ask(c.messages, REUSE);
        expect(followUp.text).toBe(c.texts[dtype]);
        // At least the opening prompt came from the cache, never the whole follow-up prompt.
        expect(followUp.trace.cachedTokens).toBeGreaterThanOrEqual(primed.trace.promptTokens);
        expect(followUp.trace.cachedTokens).toBeLessThan(followUp.trace.promptTokens);
        // Off: every prompt token is read again, and the answer is the same.
        const cold = await ask(c.messages, COLD);
        expect(cold.text).toBe(c.texts[dtype]);
        expect(cold.trace.cachedTokens).toBeUndefined();
      },
    );

    it('regenerating the same prompt reuses all of it but its last token, golden answer', async () => {
      const c = multiTurn[0]!;
      await ask(c.messages, REUSE);
      const again = await ask(c.messages, REUSE);
      expect(again.text).toBe(c.texts[dtype]);
      expect(again.trace.cachedTokens).toBe(c.input_ids.length - 1);
    });

    it('an edited last question cuts the cache back to the shared turns and answers as a cold run', async () => {
      const c = multiTurn[multiTurn.length - 1]!;
      const edited: ChatMessage[] = [...c.messages.slice(0, -1), { role: 'user', content: 'What color is grass?' }];
      await ask(c.messages, REUSE);
      const reused = await ask(edited, REUSE);
      const cold = await ask(edited, COLD);
      expect(reused.text).toBe(cold.text);
      expect(reused.trace.cachedTokens).toBeGreaterThan(0);
      expect(reused.trace.cachedTokens).toBeLessThan(c.input_ids.length);
    });

    it('another conversation starts cold', async () => {
      await ask(multiTurn[0]!.messages, REUSE);
      const other = golden.cases.find((k) => k.messages.length === 1 && k.messages[0]!.content.startsWith('Tell me'))!;
      const fresh = await ask(other.messages, REUSE);
      expect(fresh.text).toBe(other.texts[dtype]);
      expect(fresh.trace.cachedTokens).toBeUndefined();
    });
  });
}
