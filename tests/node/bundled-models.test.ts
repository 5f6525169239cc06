/**
 * Every bundled chat model and dtype, run by transformers.js on onnxruntime-node, must reproduce the
 * golden greedy tokens computed by PyTorch (tools/models/golden.py) exactly, and tokenize every
 * chat-templated prompt to the same ids as the Python reference tokenizer.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { AutoModelForCausalLM, AutoTokenizer, Tensor, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { PUBLIC_MODELS, bundledChatModels, readGolden } from '../support/paths';

env.localModelPath = `${PUBLIC_MODELS}/`;
env.allowRemoteModels = false;
env.useFSCache = false;

for (const model of bundledChatModels()) {
  const golden = readGolden(model.id);

  describe(model.id, () => {
    let tokenizer: PreTrainedTokenizer;
    beforeAll(async () => {
      tokenizer = await AutoTokenizer.from_pretrained(model.id);
    });

    it('holds only answers every kernel must agree on: no case is too close to call on any dtype', () => {
      const undecided = golden.cases.flatMap((c) =>
        Object.entries(c.min_logit_margin)
          .filter(([, margin]) => margin < golden.decidable_margin)
          .map(([dtype]) => `${dtype}: ${JSON.stringify(c.messages)}`),
      );
      expect(undecided).toEqual([]);
      expect(golden.cases.filter((c) => c.too_close_to_call !== undefined)).toEqual([]);
    });

    it('chat-templates and tokenizes every golden prompt like the Python reference', () => {
      for (const c of golden.cases) {
        const text = tokenizer.apply_chat_template(c.messages, { tokenize: false, add_generation_prompt: true });
        const ids = tokenizer.encode(text, { add_special_tokens: false });
        expect(ids, JSON.stringify(c.messages)).toEqual(c.input_ids);
      }
    });

    for (const { dtype } of model.variants) {
      it(`${dtype}: greedy output equals the PyTorch golden ids`, async () => {
        const lm = await AutoModelForCausalLM.from_pretrained(model.id, { dtype, device: 'cpu' });
        try {
          for (const c of golden.cases) {
            const n = c.input_ids.length;
            const input_ids = new Tensor('int64', BigInt64Array.from(c.input_ids, BigInt), [1, n]);
            const attention_mask = new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]);
            const out = await lm.generate({ input_ids, attention_mask, max_new_tokens: golden.max_new_tokens, do_sample: false });
            const ids = Array.from((out as { data: ArrayLike<bigint> }).data, Number).slice(c.input_ids.length);
            expect(ids, `${JSON.stringify(c.messages)}\n${c.texts[dtype] ?? ''}`).toEqual(c.output_ids[dtype]);
          }
        } finally {
          await lm.dispose();
        }
      });
    }
  });
}
