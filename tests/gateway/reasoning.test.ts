/**
 * A reasoning model behind the bundled gateway: its reasoning streams as `reasoning_content`
 * deltas apart from `content` (and as `message.reasoning_content` without streaming), usage says
 * how many of the completion tokens were reasoning, `reasoning_effort` reaches the chat template,
 * and stop sequences end the answer only. There is no small Harmony model here: the gateway
 * serves the stand-in of tests/support/harmony-stand-in.ts (a real tokenizer with the Harmony
 * special tokens, a scripted model); HTTP, validation, the queue, the runner, the parser and the
 * SSE are the real ones. The bundled models, which do not reason, keep their usage unchanged.
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { harmonyPublicDir, loadHarmonyTokenizer, ScriptedHarmonyModel } from '../support/harmony-stand-in';
import { MODEL_ID, loadModel, openai, useGateway } from './support';

const ANALYSIS = '<|channel|>analysis<|message|>User asks: "What is 2 + 2?" Simple arithmetic.';
const FINAL = '<|end|><|start|>assistant<|channel|>final<|message|>2 + 2 = 4.<|return|>';
const EFFORT_NOTE: Record<string, string> = { low: ' Easy.', medium: ' Check once.', high: ' Check once. Check twice.' };
const script = (prompt: string): string => `${ANALYSIS}${EFFORT_NOTE[/Reasoning: (\w+)/.exec(prompt)?.[1] ?? ''] ?? ''}${FINAL}`;

const { publicDir, folder } = harmonyPublicDir();
let tokenizer: PreTrainedTokenizer;
const standIn = async (): Promise<ScriptedHarmonyModel> => new ScriptedHarmonyModel(await loadHarmonyTokenizer(folder), script);
const gw = useGateway({ publicDir, loadModel: standIn });
const paced = useGateway({ publicDir, loadModel: standIn, paceTokensPerSec: 400 });
const bundled = useGateway();
const ID = 'harmony-stand-in-generic-cpu:1';

type Delta = OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };

/** Streams one answer; the deltas in order, and the usage. */
async function stream(url: string, body: Partial<OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming> = {}) {
  const chunks = await openai(url).chat.completions.create({
    model: ID,
    messages: [{ role: 'user', content: 'What is 2 + 2?' }],
    stream: true,
    stream_options: { include_usage: true },
    ...body,
  });
  const deltas: { kind: 'reasoning' | 'content'; text: string }[] = [];
  let usage: OpenAI.CompletionUsage | null = null;
  let finish: string | null = null;
  for await (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    const delta = choice.delta as Delta;
    if (delta.reasoning_content) deltas.push({ kind: 'reasoning', text: delta.reasoning_content });
    if (delta.content) deltas.push({ kind: 'content', text: delta.content });
    finish = choice.finish_reason ?? finish;
  }
  const join = (kind: 'reasoning' | 'content'): string =>
    deltas
      .filter((d) => d.kind === kind)
      .map((d) => d.text)
      .join('');
  return { deltas, usage, finish, reasoning: join('reasoning'), content: join('content') };
}

const tokensOf = (text: string): number => tokenizer.encode(text, { add_special_tokens: false }).length;

beforeAll(async () => {
  tokenizer = await loadHarmonyTokenizer(folder);
  await loadModel(gw.url, ID);
  await loadModel(paced.url, ID);
  await loadModel(bundled.url);
});

describe('a reasoning model on the gateway', () => {
  it('streams reasoning as reasoning_content deltas before the content, and counts its tokens in the usage', async () => {
    const { deltas, usage, finish, reasoning, content } = await stream(gw.url);
    expect(reasoning).toBe('User asks: "What is 2 + 2?" Simple arithmetic. Check once.');
    expect(content).toBe('2 + 2 = 4.');
    expect(deltas.findLastIndex((d) => d.kind === 'reasoning')).toBeLessThan(deltas.findIndex((d) => d.kind === 'content'));
    expect(finish).toBe('stop');
    // Every generated token but the final <|return|> (OpenAI's rule), reasoning included.
    const reasoningTokens = tokensOf(`${ANALYSIS}${EFFORT_NOTE['medium']}<|end|>`);
    expect(usage?.completion_tokens).toBe(reasoningTokens + tokensOf(FINAL) - 1 - 1);
    expect(usage?.completion_tokens_details?.reasoning_tokens).toBe(reasoningTokens);
  });

  it('answers without streaming with message.reasoning_content', async () => {
    const res = await openai(gw.url).chat.completions.create({ model: ID, messages: [{ role: 'user', content: 'What is 2 + 2?' }] });
    const message = res.choices[0]?.message as OpenAI.Chat.Completions.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.content).toBe('2 + 2 = 4.');
    expect(message.reasoning_content).toBe('User asks: "What is 2 + 2?" Simple arithmetic. Check once.');
  });

  it('passes reasoning_effort to the chat template', async () => {
    for (const effort of ['low', 'high'] as const) {
      const { reasoning } = await stream(gw.url, { reasoning_effort: effort });
      expect(reasoning.endsWith(`Simple arithmetic.${EFFORT_NOTE[effort]}`)).toBe(true);
    }
  });

  it('ends the answer at a stop sequence, which reasoning does not trigger', async () => {
    const { reasoning, content, finish } = await stream(gw.url, { stop: ['arithmetic', '= 4'] });
    expect(reasoning).toContain('Simple arithmetic.');
    expect(content).toBe('2 + 2 ');
    expect(finish).toBe('stop');
  });

  it('with --pace, delivers reasoning and content in the order they were generated', async () => {
    const direct = await stream(gw.url);
    const slow = await stream(paced.url);
    expect(slow.reasoning).toBe(direct.reasoning);
    expect(slow.content).toBe(direct.content);
    expect(slow.deltas.findLastIndex((d) => d.kind === 'reasoning')).toBeLessThan(slow.deltas.findIndex((d) => d.kind === 'content'));
  });
});

describe('a bundled model, which does not reason', () => {
  it('accepts reasoning_effort and answers as before, with no reasoning in the stream or the usage', async () => {
    const res = await openai(bundled.url).chat.completions.create({
      model: MODEL_ID,
      messages: [{ role: 'user', content: 'Hello' }],
      max_completion_tokens: 3,
      reasoning_effort: 'high',
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | null = null;
    let reasoningDeltas = 0;
    for await (const chunk of res) {
      if (chunk.usage) usage = chunk.usage;
      const delta: Delta | undefined = chunk.choices[0]?.delta;
      if (delta?.reasoning_content !== undefined) reasoningDeltas++;
    }
    expect(reasoningDeltas).toBe(0);
    expect(usage?.completion_tokens).toBe(3);
    expect(usage?.completion_tokens_details).toBeUndefined();
  });
});
