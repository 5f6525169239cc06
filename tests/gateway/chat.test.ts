/**
 * Chat completions through the official openai client: greedy answers (JSON and streamed) equal
 * the PyTorch golden with exact usage counts; length limits, stop sequences, seeds and Foundry's
 * extras behave; a too-long conversation is a clear 400; the API key never reaches the log.
 */
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_MODELS, bundledChatModels, readGolden, type GoldenCase } from '../support/paths';
import { MODEL, MODEL_ID, loadModel, openai, raw, useGateway } from './support';

const golden = readGolden(MODEL);
const cases = golden.cases.map((c, i) => ({ i, c, roles: c.messages.map((m) => m.role).join(',') }));
const logLines: string[] = [];
const gw = useGateway({ log: (line) => logLines.push(line) });
let client: OpenAI;
let tokenizer: PreTrainedTokenizer;

/** What OpenAI would report for a golden answer: EOS ends it ("stop") and is not counted. */
function expected(c: GoldenCase): { text: string; finish: 'stop' | 'length'; completionTokens: number } {
  const ids = c.output_ids['q4']!;
  const eos = golden.eos_token_ids.includes(ids.at(-1)!);
  return { text: c.texts['q4']!, finish: eos ? 'stop' : 'length', completionTokens: eos ? ids.length - 1 : ids.length };
}

const caseWith = (content: string): GoldenCase => golden.cases.find((c) => c.messages.at(-1)?.content === content)!;
const moon = caseWith('Tell me about the moon.');

beforeAll(async () => {
  client = openai(gw.url);
  await loadModel(gw.url);
  env.localModelPath = `${PUBLIC_MODELS}/`;
  env.allowRemoteModels = false;
  tokenizer = await AutoTokenizer.from_pretrained(MODEL, { local_files_only: true });
});

async function collect(
  params: Omit<ChatCompletionCreateParamsNonStreaming, 'stream'>,
  includeUsage = true,
): Promise<ChatCompletionChunk[]> {
  const stream = await client.chat.completions.create({
    ...params,
    stream: true,
    ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  });
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const text = (chunks: ChatCompletionChunk[]): string => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

describe('greedy answers equal the golden', () => {
  it.each(cases)('case $i ($roles), JSON answer', async ({ c }) => {
    const want = expected(c);
    const res = await client.chat.completions.create({
      model: MODEL_ID,
      messages: c.messages,
      temperature: 0,
      // Foundry's clients (and older OpenAI ones) still send the deprecated max_tokens.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      max_tokens: golden.max_new_tokens,
    });
    expect(res.object).toBe('chat.completion');
    expect(res.model).toBe(MODEL_ID);
    expect(res.choices).toHaveLength(1);
    expect(res.choices[0]!.message.role).toBe('assistant');
    expect(res.choices[0]!.message.content).toBe(want.text);
    expect(res.choices[0]!.finish_reason).toBe(want.finish);
    expect(res.usage).toEqual({
      prompt_tokens: c.input_ids.length,
      completion_tokens: want.completionTokens,
      total_tokens: c.input_ids.length + want.completionTokens,
    });
  });

  it.each(cases)('case $i ($roles), streamed with usage', async ({ c }) => {
    const want = expected(c);
    const chunks = await collect({ model: MODEL_ID, messages: c.messages, temperature: 0, max_completion_tokens: golden.max_new_tokens });
    expect(new Set(chunks.map((ch) => ch.id)).size).toBe(1);
    expect(new Set(chunks.map((ch) => `${ch.object} ${ch.model}`))).toEqual(new Set([`chat.completion.chunk ${MODEL_ID}`]));
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(text(chunks)).toBe(want.text);
    // The last content-bearing chunk is followed by one with the finish reason, then the usage chunk.
    const usageChunk = chunks.at(-1)!;
    const finishChunk = chunks.at(-2)!;
    expect(finishChunk.choices[0]!.finish_reason).toBe(want.finish);
    expect(chunks.slice(0, -2).every((ch) => ch.choices[0]!.finish_reason === null && ch.usage === null)).toBe(true);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toEqual({
      prompt_tokens: c.input_ids.length,
      completion_tokens: want.completionTokens,
      total_tokens: c.input_ids.length + want.completionTokens,
    });
  });

  it('streams without a usage chunk unless asked', async () => {
    const chunks = await collect({ model: MODEL_ID, messages: moon.messages, temperature: 0 }, false);
    expect(text(chunks)).toBe(expected(moon).text);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.some((ch) => 'usage' in ch)).toBe(false);
  });

  it('defaults to greedy decoding when temperature is absent', async () => {
    const res = await client.chat.completions.create({ model: MODEL_ID, messages: moon.messages });
    expect(res.choices[0]!.message.content).toBe(expected(moon).text);
  });

  it('takes text content parts and the developer role like plain strings and system', async () => {
    const c = golden.cases.find((g) => g.messages[0]?.role === 'system')!;
    const [system, ...rest] = c.messages;
    const content = system!.content;
    const res = await client.chat.completions.create({
      model: MODEL_ID,
      temperature: 0,
      messages: [
        {
          role: 'developer',
          content: [
            { type: 'text', text: content.slice(0, 5) },
            { type: 'text', text: content.slice(5) },
          ],
        },
        ...rest,
      ],
    });
    expect(res.choices[0]!.message.content).toBe(expected(c).text);
  });
});

describe('limits and stop sequences', () => {
  const firstTokens = (n: number): string => tokenizer.decode(moon.output_ids['q4']!.slice(0, n), { skip_special_tokens: true });

  it('max_completion_tokens cuts the answer with finish_reason length and counts exactly', async () => {
    const res = await client.chat.completions.create({
      model: MODEL_ID,
      messages: moon.messages,
      temperature: 0,
      max_completion_tokens: 5,
    });
    expect(res.choices[0]!.finish_reason).toBe('length');
    expect(res.choices[0]!.message.content).toBe(firstTokens(5));
    expect(res.usage?.completion_tokens).toBe(5);
  });

  it('max_completion_tokens wins over max_tokens', async () => {
    const both = { model: MODEL_ID, messages: moon.messages, temperature: 0, max_tokens: 50, max_completion_tokens: 3 };
    const res = await client.chat.completions.create(both as ChatCompletionCreateParamsNonStreaming);
    expect(res.choices[0]!.message.content).toBe(firstTokens(3));
    expect(res.usage?.completion_tokens).toBe(3);
  });

  it('a stop sequence ends the answer right before it, in JSON and in a stream', async () => {
    const full = expected(moon).text;
    const stop = full.slice(full.indexOf(' ', 15), full.indexOf(' ', 15) + 5);
    const before = full.slice(0, full.indexOf(stop));
    const res = await client.chat.completions.create({
      model: MODEL_ID,
      messages: moon.messages,
      temperature: 0,
      stop: [stop, 'never-appears'],
    });
    expect(res.choices[0]!.message.content).toBe(before);
    expect(res.choices[0]!.finish_reason).toBe('stop');
    const chunks = await collect({ model: MODEL_ID, messages: moon.messages, temperature: 0, stop });
    expect(text(chunks)).toBe(before);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('a conversation longer than the context window is a 400 that says so', async () => {
    const long = Array.from({ length: 600 }, () => 'apple').join(' ');
    const error = await client.chat.completions
      .create({ model: MODEL_ID, messages: [{ role: 'user', content: long }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const e = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.code).toBe('context_length_exceeded');
    expect(e.param).toBe('messages');
    expect(e.message).toMatch(/maximum context length is 512 tokens, but the messages use \d+ tokens/);
  });

  it('a conversation the chat template refuses is a 400 naming messages', async () => {
    const error = await client.chat.completions
      .create({
        model: MODEL_ID,
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'system', content: 'Be brief.' },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');
    expect((error as Error).message).toMatch(/system message is only allowed as the first message/);
  });
});

describe('sampling controls', () => {
  const hot = { model: MODEL_ID, messages: moon.messages, temperature: 2, top_p: 1, max_completion_tokens: 24 };

  it('the same seed reproduces a sampled answer, and different seeds explore', async () => {
    const answer = async (extra: object): Promise<string> =>
      (await client.chat.completions.create({ ...hot, ...extra } as ChatCompletionCreateParamsNonStreaming)).choices[0]!.message.content ??
      '';
    const a = await answer({ seed: 1, top_k: 0 });
    expect(await answer({ seed: 1, top_k: 0 })).toBe(a);
    const others = new Set([a]);
    for (const seed of [2, 3, 4]) others.add(await answer({ seed, top_k: 0 }));
    expect(others.size).toBeGreaterThan(1);
    // Foundry's extras: random_seed at top level (older service) or as a string in metadata (newer).
    expect(await answer({ random_seed: 1, top_k: 0 })).toBe(a);
    expect(await answer({ metadata: { random_seed: '1', top_k: '0' } })).toBe(a);
  });

  it('top_k 1 reduces hot sampling to the greedy answer, top level or in metadata', async () => {
    const greedy = firstTokensOf(moon, 24);
    const seeded = { ...hot, seed: 5 };
    const top = await client.chat.completions.create({ ...seeded, top_k: 1 } as ChatCompletionCreateParamsNonStreaming);
    const meta = await client.chat.completions.create({ ...seeded, metadata: { top_k: '1' } } as ChatCompletionCreateParamsNonStreaming);
    expect(top.choices[0]!.message.content).toBe(greedy);
    expect(meta.choices[0]!.message.content).toBe(greedy);
  });

  function firstTokensOf(c: GoldenCase, n: number): string {
    return tokenizer.decode(c.output_ids['q4']!.slice(0, n), { skip_special_tokens: true });
  }
});

describe('keys', () => {
  it('accepts any API key and never writes it to the log', async () => {
    const secret = 'sk-test-very-secret-4711';
    const res = await openai(gw.url, secret).chat.completions.create({
      model: MODEL_ID,
      messages: moon.messages,
      max_completion_tokens: 2,
    });
    expect(res.choices[0]!.finish_reason).toBe('length');
    const direct = await raw(gw.url, '/v1/models', { headers: { Authorization: `Bearer ${secret}` } });
    expect(direct.status).toBe(200);
    expect(logLines.some((l) => l.includes('/v1/chat/completions'))).toBe(true);
    expect(logLines.join('\n')).not.toContain(secret);
  });
});

describe('every bundled chat model', () => {
  it.each(bundledChatModels().map((m) => m.id))('%s loads and answers its first golden case', async (id) => {
    const modelGolden = readGolden(id);
    const c = modelGolden.cases[0]!;
    const modelId = `${id}-generic-cpu:1`;
    await loadModel(gw.url, modelId);
    const res = await client.chat.completions.create({
      model: modelId,
      messages: c.messages,
      temperature: 0,
      max_completion_tokens: modelGolden.max_new_tokens,
    });
    expect(res.choices[0]!.message.content).toBe(c.texts['q4']);
    expect(res.usage?.prompt_tokens).toBe(c.input_ids.length);
  });
});
