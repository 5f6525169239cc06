/**
 * GenerationStream, the page side of one answer, over a real MessageChannel (Node has one): the
 * test posts on the far port what the inference worker would post, and stands in for the rest
 * of the worker (stop message, kill, death) with a recording StreamWorker. Timers are real and
 * short where a test only needs a timer to fire eventually; where one must NOT fire while events
 * keep coming, the clock is faked, since a loaded machine stretches any real interval.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeviceFaultError, GenerationError, WorkerCrashedError, serializeError } from '../../src/engine/errors';
import type { GenerationEvent } from '../../src/engine/engine-types';
import { GenerationStream, type StreamWorker } from '../../src/engine/generation-stream';
import type { WorkerEvent } from '../../src/engine/worker/api';
import { StopFlag } from '../../src/engine/worker/stop-flag';

const trace = { requestAt: 0, prefillStartAt: 1, tokenTimes: [2, 3], endAt: 4, promptTokens: 5 };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The worker's side: its end of the port, and what the stream asked of it. */
interface FakeSide extends StreamWorker {
  port: MessagePort;
  post: (...events: WorkerEvent[]) => void;
  stops: number[];
  kills: number;
  listening: number;
  die: (error: Error) => void;
}

const open: MessagePort[] = [];
afterEach(() => {
  for (const port of open.splice(0)) port.close();
});

function setup(options: { stallTimeoutMs?: number; stopGraceMs?: number; signal?: AbortSignal; requestId?: number } = {}) {
  const { port1, port2 } = new MessageChannel();
  open.push(port2);
  const listeners = new Set<(error: Error) => void>();
  const side: FakeSide = {
    port: port2,
    post: (...events) => {
      for (const e of events) port2.postMessage(e);
    },
    stops: [],
    kills: 0,
    get listening() {
      return listeners.size;
    },
    requestStop: (id) => side.stops.push(id),
    kill: () => side.kills++,
    onDeath: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    die: (error) => {
      for (const l of [...listeners]) l(error);
    },
  };
  const flag = new StopFlag();
  const requestId = options.requestId ?? 7;
  const stream = new GenerationStream({
    requestId,
    port: port1,
    stopFlag: flag,
    worker: side,
    stallTimeoutMs: () => options.stallTimeoutMs ?? 60_000,
    stopGraceMs: options.stopGraceMs ?? 60_000,
    now: () => 1000,
    signal: options.signal,
  });
  /** Resolves once the stream's port has received `count` messages (its own listener ran first). */
  const received = (count: number): Promise<void> =>
    new Promise((resolve) => {
      let seen = 0;
      const onMessage = (): void => {
        if (++seen < count) return;
        port1.removeEventListener('message', onMessage);
        resolve();
      };
      port1.addEventListener('message', onMessage);
    });
  return { stream, side, flag, requestId, received };
}

/** Reads the stream to its end: the events, and the error it ended with (if any). */
async function collect(stream: AsyncIterable<GenerationEvent>, onEvent?: (e: GenerationEvent, i: number) => void) {
  const events: GenerationEvent[] = [];
  try {
    for await (const e of stream) {
      events.push(e);
      onEvent?.(e, events.length);
    }
    return { events, error: null };
  } catch (error) {
    return { events, error };
  }
}

const text = (events: GenerationEvent[]): string => events.map((e) => (e.type === 'token' ? e.text : '')).join('');

describe('GenerationStream', () => {
  it('yields the events in the order they were posted and ends on `end`, with no count of events', async () => {
    const { stream, side } = setup();
    side.post(
      { type: 'start', promptTokens: 5, maxNewTokens: 9 },
      { type: 'token', text: 'The', at: 2 },
      { type: 'token', text: ' moon', at: 3, count: 2 },
      { type: 'token', text: '', at: 3, count: 0 },
      { type: 'end', reason: 'eos', trace },
    );
    const { events, error } = await collect(stream);
    expect(error).toBeNull();
    expect(events.map((e) => (e.type === 'token' ? `token:${e.text}` : e.type))).toEqual([
      'start',
      'token:The',
      'token: moon',
      'token:',
      'end',
    ]);
    expect(stream.state).toBe('ended');
    expect(side.listening).toBe(0); // no longer listens for the worker's death
  });

  it("stop() raises the shared flag at once, sends the stop message, and delivers the rest up to the worker's end", async () => {
    const controller = new AbortController();
    const { stream, side, flag, requestId } = setup({ signal: controller.signal });
    side.post({ type: 'start', promptTokens: 5, maxNewTokens: 9 }, { type: 'token', text: 'a', at: 2 });
    const done = collect(stream, (e) => {
      if (e.type !== 'token') return;
      controller.abort();
      // Synchronously: the worker reads the flag after its current token, no message needed.
      expect(flag.isRequested(requestId)).toBe(true);
      expect(stream.state).toBe('stopping');
      // The token that was being computed, then the worker's own end.
      side.post({ type: 'token', text: 'b', at: 3 }, { type: 'end', reason: 'aborted', trace });
    });
    const { events, error } = await done;
    expect(error).toBeNull();
    expect(text(events)).toBe('ab');
    expect(events.at(-1)).toMatchObject({ type: 'end', reason: 'aborted' });
    expect(side.stops).toEqual([requestId]);
    expect(side.kills).toBe(0);
  });

  it('a signal aborted before the answer starts stops it at once', async () => {
    const controller = new AbortController();
    controller.abort();
    const { stream, side, flag, requestId } = setup({ signal: controller.signal });
    expect(stream.state).toBe('stopping');
    expect(flag.isRequested(requestId)).toBe(true);
    side.post({ type: 'end', reason: 'aborted', trace });
    expect((await collect(stream)).events.map((e) => e.type)).toEqual(['end']);
  });

  it('a worker that does not wind down within the grace period is killed, and the stream ends itself as aborted', async () => {
    const controller = new AbortController();
    const { stream, side } = setup({ signal: controller.signal, stopGraceMs: 30 });
    side.post(
      { type: 'start', promptTokens: 5, maxNewTokens: 9 },
      { type: 'token', text: 'par', at: 42 },
      { type: 'token', text: 'tial', at: 43 },
    );
    const { events, error } = await collect(stream, (_e, i) => {
      if (i === 3) controller.abort();
    });
    expect(error).toBeNull();
    expect(side.kills).toBe(1);
    expect(text(events)).toBe('partial');
    expect(events.at(-1)).toEqual({
      type: 'end',
      reason: 'aborted',
      trace: { requestAt: 1000, prefillStartAt: null, tokenTimes: [43], endAt: 1000, promptTokens: 0 },
    });
  });

  it('silence for the stall timeout kills the worker and fails with WorkerCrashedError after the tokens so far', async () => {
    const { stream, side } = setup({ stallTimeoutMs: 50 });
    side.post(
      { type: 'start', promptTokens: 5, maxNewTokens: 9 },
      { type: 'token', text: 'Half', at: 2 },
      { type: 'token', text: ' an', at: 3 },
    );
    const { events, error } = await collect(stream);
    expect(text(events)).toBe('Half an');
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect((error as WorkerCrashedError).message).toMatch(/stopped answering for 0 s and was restarted/);
    expect((error as WorkerCrashedError).details).toEqual({ stalledMs: 50 });
    expect(side.kills).toBe(1);
  });

  it('events keep the stall watchdog from firing', async () => {
    // The watchdog's clock is faked (a loaded machine can stretch a real 50 ms sleep past any
    // timeout); messages still cross the real MessageChannel.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { stream, side, received } = setup({ stallTimeoutMs: 250 });
      const events = collect(stream);
      let arrived = received(1);
      side.post({ type: 'start', promptTokens: 5, maxNewTokens: 9 });
      await arrived;
      for (let i = 0; i < 8; i++) {
        vi.advanceTimersByTime(200); // 1.6 s in all, never 250 ms without an event
        arrived = received(1);
        side.post({ type: 'token', text: String(i), at: i });
        await arrived;
      }
      expect(side.kills).toBe(0);
      side.post({ type: 'end', reason: 'length', trace });
      const { events: got, error } = await events;
      expect(error).toBeNull();
      expect(text(got)).toBe('01234567');
      expect(side.kills).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('while stopping, the stall watchdog is off: the grace period decides', async () => {
    const controller = new AbortController();
    const { stream, side } = setup({ signal: controller.signal, stallTimeoutMs: 20, stopGraceMs: 60_000 });
    controller.abort();
    await sleep(120);
    expect(side.kills).toBe(0);
    side.post({ type: 'end', reason: 'aborted', trace });
    const { error } = await collect(stream);
    expect(error).toBeNull();
  });

  it('the worker dying mid-answer fails the stream with its error, the partial text delivered first', async () => {
    const { stream, side } = setup();
    side.post(
      { type: 'start', promptTokens: 5, maxNewTokens: 9 },
      { type: 'token', text: 'So', at: 2 },
      { type: 'token', text: ' far', at: 3 },
    );
    const crash = new WorkerCrashedError('The inference worker crashed: boom. It will restart on the next request.');
    const { events, error } = await collect(stream, (_e, i) => {
      if (i === 3) side.die(crash);
    });
    expect(text(events)).toBe('So far');
    expect(error).toBe(crash);
    expect(side.listening).toBe(0);
  });

  it('a lost device mid-answer arrives as a DeviceFaultError after the tokens, and kills the worker', async () => {
    const { stream, side } = setup();
    const lost = new DeviceFaultError('The WebGPU device was lost after 2 tokens. The inference worker was restarted.', {
      cause: 'device-lost',
      device: 'webgpu',
    });
    side.post(
      { type: 'start', promptTokens: 5, maxNewTokens: 9 },
      { type: 'token', text: 'Lu', at: 2 },
      { type: 'token', text: 'na', at: 3 },
      { type: 'error', error: serializeError(lost) },
    );
    const { events, error } = await collect(stream);
    expect(text(events)).toBe('Luna');
    expect(error).toBeInstanceOf(DeviceFaultError);
    expect((error as DeviceFaultError).message).toBe(lost.message);
    expect((error as DeviceFaultError).details).toEqual({ cause: 'device-lost', device: 'webgpu' });
    expect(side.kills).toBe(1);
  });

  it('an error after the first token ends the stream with that error, the token kept, the worker left running', async () => {
    const { stream, side } = setup();
    side.post(
      { type: 'start', promptTokens: 5, maxNewTokens: 9 },
      { type: 'token', text: 'One', at: 2 },
      { type: 'error', error: serializeError(new GenerationError('Generation failed after 1 tokens: bad logits', { generatedTokens: 1 })) },
    );
    const { events, error } = await collect(stream);
    expect(text(events)).toBe('One');
    expect(error).toBeInstanceOf(GenerationError);
    expect((error as GenerationError).details).toEqual({ generatedTokens: 1 });
    expect(side.kills).toBe(0);
  });

  it('once ended, it ignores a late stop, failure or death', async () => {
    const controller = new AbortController();
    const { stream, side } = setup({ signal: controller.signal });
    side.post({ type: 'end', reason: 'eos', trace });
    const { events } = await collect(stream);
    controller.abort();
    stream.fail(new Error('late'));
    side.die(new Error('later'));
    expect(events.map((e) => e.type)).toEqual(['end']);
    expect(side.stops).toEqual([]);
    expect(stream.state).toBe('ended');
  });
});
