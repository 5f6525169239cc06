/**
 * A client that goes away stops its generation on the server, streamed or not; the gateway
 * reports each generation's end through its hooks, which is what these tests observe (token
 * counts and outcomes, never times). Requests wait their turn, and beyond the queue limit get 429.
 * Unloading a model waits for its running answer, or with force=true stops it. A client that
 * leaves is logged as disconnected, never as an internal error.
 */
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GenerationRecord } from '../../gateway/gateway-context';
import { MODEL_ID, loadModel, openai, raw, useGateway } from './support';

/** Collects hook events and lets a test wait for the next one. */
class Recorder {
  readonly ends: GenerationRecord[] = [];
  private waiters: ((r: GenerationRecord) => void)[] = [];
  private startWaiters: (() => void)[] = [];
  private queuedWaiters: (() => void)[] = [];

  readonly hooks = {
    onQueued: (): void => {
      for (const w of this.queuedWaiters.splice(0)) w();
    },
    onGenerationStart: (): void => {
      for (const w of this.startWaiters.splice(0)) w();
    },
    onGenerationEnd: (record: GenerationRecord): void => {
      this.ends.push(record);
      for (const w of this.waiters.splice(0)) w(record);
    },
  };

  nextEnd(): Promise<GenerationRecord> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  nextStart(): Promise<void> {
    return new Promise((resolve) => this.startWaiters.push(resolve));
  }

  nextQueued(): Promise<void> {
    return new Promise((resolve) => this.queuedWaiters.push(resolve));
  }
}

/** A request that cannot end early by itself: EOS is suppressed until the budget is used up. */
const LONG = 400;
const long = {
  model: MODEL_ID,
  messages: [{ role: 'user' as const, content: 'Tell me about the moon.' }],
  max_completion_tokens: LONG,
  min_tokens: LONG,
};

describe('client disconnect', () => {
  const recorder = new Recorder();
  const gw = useGateway({ hooks: recorder.hooks });
  let client: OpenAI;
  beforeAll(async () => {
    client = openai(gw.url);
    await loadModel(gw.url);
  });

  it('without a disconnect the long request runs to its full budget (the control)', async () => {
    const ended = recorder.nextEnd();
    const res = await client.chat.completions.create(long as ChatCompletionCreateParamsNonStreaming);
    expect(res.usage?.completion_tokens).toBe(LONG);
    expect(await ended).toMatchObject({ model: MODEL_ID, outcome: 'length', completionTokens: LONG });
  });

  it('closing a stream after its first text stops generation on the server', async () => {
    const ended = recorder.nextEnd();
    const stream = await client.chat.completions.create({ ...long, stream: true } as ChatCompletionCreateParamsStreaming);
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) {
        received++;
        break; // ends the iteration, which aborts the HTTP request
      }
    }
    expect(received).toBe(1);
    const record = await ended;
    expect(record.outcome).toBe('aborted');
    expect(record.completionTokens).toBeGreaterThan(0);
    expect(record.completionTokens).toBeLessThan(LONG);
  });

  it('aborting a JSON request stops its generation too', async () => {
    const ended = recorder.nextEnd();
    const controller = new AbortController();
    void recorder.nextStart().then(() => controller.abort());
    const request = client.chat.completions.create(long as ChatCompletionCreateParamsNonStreaming, { signal: controller.signal });
    await expect(request).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    const record = await ended;
    expect(record.outcome).toBe('aborted');
    expect(record.completionTokens).toBeLessThan(LONG);
  });

  it('the model answers normally afterwards', async () => {
    const res = await client.chat.completions.create({
      model: MODEL_ID,
      messages: [{ role: 'user', content: 'Hello' }],
      max_completion_tokens: 4,
    });
    expect(res.usage?.completion_tokens).toBe(4);
  });
});

describe('unloading a model that is answering', () => {
  const recorder = new Recorder();
  const gw = useGateway({ hooks: recorder.hooks });
  let client: OpenAI;
  beforeAll(async () => {
    client = openai(gw.url);
    await loadModel(gw.url);
  });
  const events: string[] = [];

  it('waits for the running answer to finish', async () => {
    const started = recorder.nextStart();
    const ended = recorder.nextEnd().then((r) => events.push(`end ${r.outcome}`));
    const answer = client.chat.completions.create(long as ChatCompletionCreateParamsNonStreaming);
    await started;
    const unload = raw(gw.url, `/models/unload/${MODEL_ID}`).then((res) => {
      events.push('unloaded');
      return res.json();
    });
    expect((await answer).usage?.completion_tokens).toBe(LONG);
    expect(await unload).toEqual({ status: 'unloaded' });
    await ended;
    expect(events).toEqual(['end length', 'unloaded']);
  });

  it('with force=true stops it; the stream ends with an error event', async () => {
    await loadModel(gw.url);
    const ended = recorder.nextEnd();
    const stream = await client.chat.completions.create({ ...long, stream: true } as ChatCompletionCreateParamsStreaming);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const unload = await raw(gw.url, `/models/unload/${MODEL_ID}?force=true`);
    expect(unload.json()).toEqual({ status: 'unloaded' });
    const error = await (async () => {
      for (;;) if ((await iterator.next()).done) return null;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toMatch(/unloaded while it was answering/);
    const record = await ended;
    expect(record.outcome).toBe('error');
    expect(record.completionTokens).toBeLessThan(LONG);
  });
});

describe('one generation at a time', () => {
  const recorder = new Recorder();
  const gw = useGateway({ hooks: recorder.hooks, maxQueue: 0 });
  let client: OpenAI;
  beforeAll(async () => {
    client = openai(gw.url);
    await loadModel(gw.url);
  });

  it('with a full queue a second request is refused with 429 while the first runs', async () => {
    const first = await client.chat.completions.create({ ...long, stream: true } as ChatCompletionCreateParamsStreaming);
    const iterator = first[Symbol.asyncIterator]();
    await iterator.next(); // the role chunk: the first request holds the model now
    const second = await client.chat.completions
      .create({ model: MODEL_ID, messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 2 })
      .catch((e: unknown) => e);
    expect(second).toBeInstanceOf(OpenAI.RateLimitError);
    expect((second as Error).message).toMatch(/busy/);
    const ended = recorder.nextEnd();
    first.controller.abort();
    expect((await ended).outcome).toBe('aborted');
    const third = await client.chat.completions.create({
      model: MODEL_ID,
      messages: [{ role: 'user', content: 'Hi' }],
      max_completion_tokens: 2,
    });
    expect(third.usage?.completion_tokens).toBe(2);
  });
});

describe('a client that leaves while it waits for its turn', () => {
  const recorder = new Recorder();
  const log: string[] = [];
  const gw = useGateway({ hooks: recorder.hooks, maxQueue: 1, log: (line) => log.push(line) });
  let client: OpenAI;
  beforeAll(async () => {
    client = openai(gw.url);
    await loadModel(gw.url);
  });

  it('leaves the queue and is logged as disconnected, not as an internal error', async () => {
    // Armed first: on a quiet machine the long answer can finish in a fraction of a second.
    const firstEnded = recorder.nextEnd();
    const first = await client.chat.completions.create({ ...long, stream: true } as ChatCompletionCreateParamsStreaming);
    const iterator = first[Symbol.asyncIterator]();
    await iterator.next(); // the first request holds the model; the next one has to wait
    const waiting = new AbortController();
    const queued = recorder.nextQueued();
    const second = client.chat.completions
      .create({ model: MODEL_ID, messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 2 }, { signal: waiting.signal })
      .catch((e: unknown) => e);
    await queued;
    waiting.abort();
    expect(await second).toBeInstanceOf(OpenAI.APIUserAbortError);
    const disconnected = (): number => log.filter((l) => /^POST \/v1\/chat\/completions disconnected/.test(l)).length;
    await expect.poll(disconnected).toBeGreaterThanOrEqual(1);
    // The request that left the line never ran: no generation ended for it.
    first.controller.abort();
    expect(['aborted', 'length']).toContain((await firstEnded).outcome);
    expect(recorder.ends).toHaveLength(1);
    expect(log.filter((l) => l.startsWith('error:'))).toEqual([]);
  });
});
