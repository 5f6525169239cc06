/**
 * Grounded answers from a pasted document, end to end with the app's own code: the workshop demo's
 * text indexed and grounded by the retrieval service (tools/rag/workshop-demo.ts: pastedSource,
 * the chunker at the model's passage size, BM25 fused with the embedding model).
 *
 * The prompts the fine-tune is evaluated on and golden.py turns into goldens
 * (tools/models/golden/grounded-prompts.json) must be exactly the ones the app builds. A bundled
 * model whose goldens hold grounded cases (one exported from a fine-tune, `grounded` in
 * tools/models/build.py) must answer every demo question right through the worker's ModelRunner
 * on onnxruntime-node in every dtype: an answerable question gets the sentence that answers it
 * with its passage's mark before the full stop, the others the refusal. No bundled model is there
 * yet (tools/models/README.md: the fine-tunes do not answer the demo questions), so today only the
 * layout is checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, GenerationEvent } from '../../src/engine/engine-types';
import { ModelRunner } from '../../src/engine/worker/model-runner';
import { StopFlag } from '../../src/engine/worker/stop-flag';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';
import {
  NO_ANSWER,
  WORKSHOP_QUESTIONS,
  WORKSHOP_TEXT,
  folderRef,
  workshopPrompts,
  type WorkshopPrompt,
} from '../../tools/rag/workshop-demo';
import { GOLDEN_DIR, PUBLIC_MODELS, bundledChatModels, readCatalog, readGolden } from '../support/paths';

interface GroundedPromptFile {
  text: string;
  models: Record<string, (WorkshopPrompt & { expected: string })[]>;
}
const promptFile = JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, 'grounded-prompts.json'), 'utf8')) as GroundedPromptFile;

/** The bundled chat models whose goldens hold grounded cases: the ones fine-tuned to answer from passages. */
const retrained = bundledChatModels().filter((m) => readGolden(m.id).cases.some((c) => c.grounded));

/** The right answer to a workshop question in `prompt`: the answering sentence cited by its passage's number, or the refusal. */
function rightAnswer(prompt: WorkshopPrompt): string {
  const sentence = WORKSHOP_QUESTIONS.find((q) => q.question === prompt.question)!.answers;
  if (sentence === null) return NO_ANSWER;
  const n = prompt.passages.findIndex((p) => p.includes(sentence)) + 1;
  expect(n, `a passage of the prompt for ${prompt.question} holds ${sentence}`).toBeGreaterThan(0);
  return `${sentence.slice(0, -1)} [${n}].`;
}

describe('the workshop prompts of tools/models/golden/grounded-prompts.json', () => {
  it.each(bundledChatModels().map((m) => m.id))('%s: are the ones the app builds, each with its right answer', async (id) => {
    const prompts = await workshopPrompts(PUBLIC_MODELS, readCatalog().models, id);
    expect(promptFile.text).toBe(WORKSHOP_TEXT);
    expect(promptFile.models[id]).toEqual(prompts.map((p) => ({ ...p, expected: rightAnswer(p) })));
    // The pasted text is two passages at a 512-token model's passage size, both in every prompt.
    for (const p of prompts) expect(p.passages).toHaveLength(2);
  });
});

for (const model of retrained) {
  describe(model.id, () => {
    const golden = readGolden(model.id);
    const grounded = golden.cases.filter((c) => c.grounded);
    let prompts: WorkshopPrompt[] = [];
    beforeAll(async () => {
      prompts = await workshopPrompts(PUBLIC_MODELS, readCatalog().models, model.id);
    });

    it('its grounded goldens are the workshop prompts exactly as the app builds them, answerable and not', () => {
      expect(prompts.map((p) => p.question)).toEqual(WORKSHOP_QUESTIONS.map((q) => q.question));
      for (const c of grounded) {
        const prompt = prompts.find((p) => p.question === c.grounded!.question)!;
        expect(c.messages).toEqual(prompt.messages);
        expect(c.grounded!.expected).toBe(rightAnswer(prompt));
      }
      const kinds = new Set(grounded.map((c) => c.grounded!.expected === NO_ANSWER));
      expect(kinds).toEqual(new Set([true, false]));
    });

    for (const { dtype } of model.variants) {
      it(`${dtype}: the runner answers every workshop question right`, async () => {
        const runner = new ModelRunner(
          { now: () => performance.timeOrigin + performance.now(), executionDevice: () => 'cpu', describe: () => 'CPU · onnxruntime-node' },
          new StopFlag(),
        );
        await runner.load(folderRef(PUBLIC_MODELS, model, { device: 'wasm', dtype }), () => undefined);
        try {
          const answers: string[] = [];
          for (const prompt of prompts) answers.push(await answer(runner, prompt.messages));
          expect(answers).toEqual(prompts.map(rightAnswer));
        } finally {
          await runner.unload();
        }
      });
    }
  });
}

async function answer(runner: ModelRunner, messages: ChatMessage[]): Promise<string> {
  let text = '';
  await runner.generate(1, messages, { ...DEFAULT_PARAMS, maxNewTokens: 128 }, (e: GenerationEvent) => {
    if (e.type === 'token') text += e.text;
  });
  return text;
}
