/**
 * The runner with a model that writes Harmony (gpt-oss): reasoning streams apart from the answer,
 * counted and timed on its own; reasoning effort reaches the chat template; the token budget and
 * the stop flag work as for any model. There is no small Harmony model here, so the model is the
 * scripted stand-in of tests/support/harmony-stand-in.ts (a real tokenizer with the Harmony
 * special tokens, a scripted generate()); everything else is the real ModelRunner. Models that do
 * not write Harmony are covered, byte for byte, by runner.test.ts against their PyTorch goldens.
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, GenerationEvent, GenerationParams } from '../../src/engine/engine-types';
import { HARMONY_MARKERS } from '../../src/engine/worker/harmony-stream';
import { ModelRunner, speaksHarmony } from '../../src/engine/worker/model-runner';
import { StopFlag } from '../../src/engine/worker/stop-flag';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';
import { RESERVED, ScriptedHarmonyModel, harmonyTokenizerDir, loadHarmonyTokenizer } from '../support/harmony-stand-in';

const ANALYSIS = '<|channel|>analysis<|message|>User asks: "What is 2 + 2?" Simple arithmetic. Provide answer.<|end|>';
const FINAL = '<|start|>assistant<|channel|>final<|message|>2 + 2 = 4.<|return|>';
/** Reasoning as long as the effort the template was given: the reply depends on the prompt. */
const EFFORT_NOTE: Record<string, string> = { low: '', medium: ' Check once.', high: ' Check once. Check twice.' };

function script(prompt: string): string {
  if (prompt.includes('Skip the reasoning')) return '<|channel|>final<|message|>Four.<|return|>';
  const effort = /Reasoning: (\w+)/.exec(prompt)?.[1] ?? 'none';
  return ANALYSIS.replace('<|end|>', `${EFFORT_NOTE[effort] ?? ''}${RESERVED}<|end|>`) + FINAL;
}

const QUESTION: ChatMessage[] = [{ role: 'user', content: 'What is 2 + 2?' }];
const PARAMS: GenerationParams = { ...DEFAULT_PARAMS, maxNewTokens: 200 };

let tokenizer: PreTrainedTokenizer;
let model: ScriptedHarmonyModel;
const flag = new StopFlag();
let nextId = 1;

function runner(tokenBatchMs = 0): ModelRunner {
  return new ModelRunner(
    {
      now: () => performance.timeOrigin + performance.now(),
      executionDevice: () => 'cpu',
      describe: () => 'CPU · scripted Harmony stand-in',
      loadModel: () => Promise.resolve(model),
    },
    flag,
    tokenBatchMs,
  );
}

const dir = harmonyTokenizerDir();
const unbatched = runner();

async function load(r: ModelRunner): Promise<void> {
  await r.load({ id: 'harmony-stand-in', location: dir, dtype: 'q4', device: 'wasm', contextLength: 512, files: [] }, () => undefined);
}

async function run(r: ModelRunner, params: GenerationParams, messages = QUESTION, onEvent?: (e: GenerationEvent, id: number) => void) {
  const events: GenerationEvent[] = [];
  const requestId = nextId++;
  await r.generate(requestId, messages, params, (e) => {
    events.push(e);
    onEvent?.(e, requestId);
  });
  const end = events.at(-1);
  if (end?.type !== 'end') throw new Error('no end event');
  const of = (type: 'token' | 'reasoning') => events.flatMap((e) => (e.type === type ? [e] : []));
  const count = (list: { count?: number }[]): number => list.reduce((n, e) => n + (e.count ?? 1), 0);
  return {
    events,
    end,
    reasoning: of('reasoning')
      .map((e) => e.text)
      .join(''),
    answer: of('token')
      .map((e) => e.text)
      .join(''),
    reasoningCount: count(of('reasoning')),
    answerCount: count(of('token')),
  };
}

/** Token counts of pieces of the script, from the tokenizer (not from the code under test). */
const tokensOf = (text: string): number => tokenizer.encode(text, { add_special_tokens: false }).length;

beforeAll(async () => {
  tokenizer = await loadHarmonyTokenizer(dir);
  model = new ScriptedHarmonyModel(tokenizer, script);
  await load(unbatched);
});
afterAll(async () => {
  await unbatched.unload();
});

describe('a Harmony model', () => {
  it('is recognised by its tokenizer, or by its config; Pocket Chat is not', () => {
    const pocket = ['<|endoftext|>', '<|system|>', '<|user|>', '<|assistant|>', '<|end|>'];
    expect(speaksHarmony(tokenizer.all_special_tokens, { model_type: 'llama' })).toBe(true);
    expect(speaksHarmony(pocket, model.config)).toBe(true);
    expect(speaksHarmony(pocket, { model_type: 'llama' })).toBe(false);
  });

  it('streams its reasoning apart from the answer, with no markup or reserved token in either', async () => {
    const { reasoning, answer, events } = await run(unbatched, PARAMS);
    expect(reasoning).toBe('User asks: "What is 2 + 2?" Simple arithmetic. Provide answer. Check once.');
    expect(answer).toBe('2 + 2 = 4.');
    for (const text of [reasoning, answer]) {
      for (const marker of [...HARMONY_MARKERS, RESERVED]) expect(text).not.toContain(marker);
    }
    // All reasoning comes before the answer's first text.
    const firstAnswer = events.findIndex((e) => e.type === 'token' && e.text !== '');
    const lastReasoning = events.map((e) => e.type === 'reasoning' && e.text !== '').lastIndexOf(true);
    expect(lastReasoning).toBeLessThan(firstAnswer);
  });

  it('counts reasoning tokens apart, within the total, and times the reasoning and the answer’s start', async () => {
    const { end, reasoningCount, answerCount } = await run(unbatched, PARAMS);
    const reasoningTokens = tokensOf(ANALYSIS.replace('<|end|>', `${EFFORT_NOTE['medium']}${RESERVED}<|end|>`));
    const answerTokens = tokensOf(FINAL);
    const { tokenTimes, reasoning, answerAt } = end.trace;
    expect(end.reason).toBe('eos');
    expect(tokenTimes).toHaveLength(reasoningTokens + answerTokens);
    expect(reasoning?.tokens).toBe(reasoningTokens);
    expect(reasoningCount).toBe(reasoningTokens);
    expect(answerCount).toBe(answerTokens);
    expect(reasoning?.firstAt).toBe(tokenTimes[0]);
    expect(reasoning?.lastAt).toBe(tokenTimes[reasoningTokens - 1]);
    // The answer's text begins with the token after its header.
    expect(answerAt).toBe(tokenTimes[reasoningTokens + tokensOf('<|start|>assistant<|channel|>final<|message|>')]);
  });

  it('gives the reasoning effort to the chat template, and the template its default without one', async () => {
    const seen: string[] = [];
    for (const effort of ['low', 'high', undefined] as const) {
      const params: GenerationParams = { ...PARAMS };
      if (effort) params.reasoningEffort = effort;
      else delete params.reasoningEffort;
      const { reasoning } = await run(unbatched, params);
      seen.push(/Reasoning: (\w+)/.exec(model.prompts.at(-1) ?? '')?.[1] ?? 'none');
      expect(reasoning.endsWith(`Provide answer.${EFFORT_NOTE[effort ?? 'medium']}`)).toBe(true);
    }
    expect(seen).toEqual(['low', 'high', 'medium']);
  });

  it('spends the token budget on reasoning too, and stops there with the reasoning kept', async () => {
    const { end, reasoning, answer, reasoningCount, answerCount } = await run(unbatched, { ...PARAMS, maxNewTokens: 16 });
    expect(end.reason).toBe('length');
    expect(end.trace.tokenTimes).toHaveLength(16);
    expect(end.trace.reasoning?.tokens).toBe(16);
    expect(reasoningCount).toBe(16);
    expect(answerCount).toBe(0);
    expect(end.trace.answerAt).toBeNull();
    expect(answer).toBe('');
    expect(reasoning).not.toBe('');
    expect('User asks: "What is 2 + 2?" Simple arithmetic.'.startsWith(reasoning)).toBe(true);
  });

  it('stops after the token during which the stop flag was raised, in the middle of the reasoning', async () => {
    // The header's tokens arrive in one event (counted once "analysis" is known); then one per token.
    let tokens = 0;
    let raisedAt = 0;
    const { end, answer, reasoning } = await run(unbatched, PARAMS, QUESTION, (e, requestId) => {
      if (e.type === 'reasoning' || e.type === 'token') tokens += e.count ?? 1;
      if (tokens >= 12 && !raisedAt) {
        raisedAt = tokens;
        flag.request(requestId);
      }
    });
    expect(end.reason).toBe('aborted');
    expect(end.trace.tokenTimes).toHaveLength(raisedAt);
    expect(end.trace.reasoning?.tokens).toBe(raisedAt);
    expect(reasoning.length).toBeGreaterThan(0);
    expect(answer).toBe('');
  });

  it('without reasoning, answers with no reasoning event and takes TTFT where the answer begins', async () => {
    const { events, end, answer } = await run(unbatched, PARAMS, [{ role: 'user', content: 'Skip the reasoning.' }]);
    expect(answer).toBe('Four.');
    expect(events.some((e) => e.type === 'reasoning')).toBe(false);
    expect(end.trace.reasoning).toBeUndefined();
    expect(end.trace.answerAt).toBe(end.trace.tokenTimes[tokensOf('<|channel|>final<|message|>')]);
  });

  it('batched, sends the same text and counts in fewer events', async () => {
    const batched = runner(60_000);
    await load(batched);
    try {
      const one = await run(unbatched, PARAMS);
      const many = await run(batched, PARAMS);
      expect(many.reasoning).toBe(one.reasoning);
      expect(many.answer).toBe(one.answer);
      expect(many.reasoningCount).toBe(one.reasoningCount);
      expect(many.answerCount).toBe(one.answerCount);
      expect(many.events.length).toBeLessThan(one.events.length);
    } finally {
      await batched.unload();
    }
  });
});
