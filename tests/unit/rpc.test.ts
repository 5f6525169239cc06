/**
 * Errors thrown on one side of a comlink channel reach the other with class, message and details,
 * once installErrorTransfer() has run, and at least name and message when only one side has. Uses
 * a real MessageChannel (Node has one built in), within this thread and to a worker thread.
 */
import { MessageChannel as ThreadChannel, Worker, type MessagePort as ThreadPort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { expose, transferHandlers, wrap, type Remote } from 'comlink';
import { threadEndpoint } from './thread-endpoint';
import { ContextLengthError, EngineError, GenerationError, ModelLoadError, ModelNotLoadedError } from '../../src/engine/errors';
import { installErrorTransfer } from '../../src/engine/rpc';
import type { Caught, PeerApi, PeerOptions } from './comlink-peer';

interface Api {
  add(a: number, b: number): number;
  fail(kind: string): Promise<never>;
}

const ports: MessagePort[] = [];

function connect(): Remote<Api> {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const api: Api = {
    add: (a, b) => a + b,
    fail(kind) {
      if (kind === 'context') throw new ContextLengthError(900, 512);
      if (kind === 'not-loaded') throw new ModelNotLoadedError();
      if (kind === 'generation') return Promise.reject(new GenerationError('failed after 3 tokens', { generatedTokens: 3 }));
      if (kind === 'range') throw new RangeError('out of range');
      return Promise.reject(new Error(kind));
    },
  };
  expose(api, port1);
  return wrap<Api>(port2);
}

async function thrown(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`, { cause: error });
  }
  throw new Error('expected a rejection');
}

function engineError(error: Error): EngineError {
  if (error instanceof EngineError) return error;
  throw new Error(`not an EngineError: ${error.name}`);
}

afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

describe('installErrorTransfer', () => {
  it('replaces the comlink "throw" handler once (idempotent)', () => {
    installErrorTransfer();
    const handler = transferHandlers.get('throw');
    installErrorTransfer();
    expect(transferHandlers.get('throw')).toBe(handler);
  });

  it('leaves normal calls alone', async () => {
    installErrorTransfer();
    expect(await connect().add(2, 3)).toBe(5);
  });

  it('delivers a thrown ContextLengthError as that class with its details', async () => {
    installErrorTransfer();
    const error = await thrown(connect().fail('context'));
    expect(error).toBeInstanceOf(ContextLengthError);
    expect(engineError(error).details).toEqual({ promptTokens: 900, contextLength: 512 });
  });

  it('delivers rejected promises and argument-less errors too', async () => {
    installErrorTransfer();
    const remote = connect();
    const generation = await thrown(remote.fail('generation'));
    expect(generation).toBeInstanceOf(GenerationError);
    expect(generation.message).toBe('failed after 3 tokens');
    expect(engineError(generation).details).toEqual({ generatedTokens: 3 });
    expect(await thrown(remote.fail('not-loaded'))).toBeInstanceOf(ModelNotLoadedError);
  });

  it('keeps name and message of errors it has no class for', async () => {
    installErrorTransfer();
    const error = await thrown(connect().fail('range'));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('RangeError');
    expect(error.message).toBe('out of range');
  });
});

/**
 * The far side in a thread of its own, with its own comlink: as a Web Worker is. The bench's bare
 * worker never installed our handler, and the page (which had) turned comlink's stock error form
 * into an Error without a name or message: "page.evaluate: Error" and nothing else.
 */
describe('installErrorTransfer across threads', () => {
  // Node 20 ignores `--import tsx` in a worker's execArgv: the worker registers tsx itself first.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const peerUrl = new URL('./comlink-peer.ts', import.meta.url).href;
  const peerBootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(peerUrl)}); });`;
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.terminate()));
  });

  const threadPorts: ThreadPort[] = [];
  afterEach(() => {
    for (const port of threadPorts.splice(0)) port.close();
  });

  function peer(options: Omit<PeerOptions, 'port'>): { port: ThreadPort; worker: Worker } {
    // node:worker_threads' own channel: its ports are what a Worker's transferList takes.
    const { port1, port2 } = new ThreadChannel();
    threadPorts.push(port1);
    const worker = new Worker(peerBootstrap, { eval: true, workerData: { ...options, port: port2 }, transferList: [port2] });
    workers.push(worker);
    return { port: port1, worker };
  }

  const throwingPeer = (install: boolean): Remote<PeerApi> => wrap<PeerApi>(threadEndpoint(peer({ role: 'throw', install }).port));

  it("keeps the message and name of an error from a worker that kept comlink's stock handler", async () => {
    installErrorTransfer();
    const plain = await thrown(throwingPeer(false).fail('protobuf parsing failed'));
    expect(plain.name).toBe('Error');
    expect(plain.message).toBe('protobuf parsing failed');
    const range = await thrown(throwingPeer(false).fail('range'));
    expect(range).toBeInstanceOf(Error);
    expect(range.name).toBe('RangeError');
    expect(range.message).toBe('offset is outside the bounds of the DataView');
    expect(range.stack).toContain('comlink-peer');
  });

  it('turns a thrown non-Error from such a worker into an Error that shows the value', async () => {
    installErrorTransfer();
    const error = await thrown(throwingPeer(false).fail('string'));
    expect(error.message).toContain('a thrown string');
  });

  it('delivers class, message and details from a worker that installed it', async () => {
    installErrorTransfer();
    const error = await thrown(throwingPeer(true).fail('load'));
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error.message).toBe('Could not load pocket-chat-3m (fp32) on WASM: protobuf parsing failed');
    expect(engineError(error).details).toEqual({ modelId: 'pocket-chat-3m' });
  });

  it("sends a form that a side with comlink's stock handler reads with name, message and details", async () => {
    installErrorTransfer();
    const { port, worker } = peer({ role: 'call', install: false, kind: 'context' });
    const caught = new Promise<Caught>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expose({ fail: () => Promise.reject(new ContextLengthError(900, 512)) }, threadEndpoint(port));
    const seen = await caught;
    expect(seen.isError).toBe(true);
    expect(seen.name).toBe('ContextLengthError');
    expect(seen.message).toContain('900 tokens');
    expect(seen.details).toEqual({ promptTokens: 900, contextLength: 512 });
  });
});
