/**
 * Errors thrown on one side of a comlink channel reach the other with class, message and details,
 * once installErrorTransfer() has run. Uses a real MessageChannel (Node has one built in).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expose, transferHandlers, wrap, type Remote } from 'comlink';
import { ContextLengthError, EngineError, GenerationError, ModelNotLoadedError } from '../../src/engine/errors';
import { installErrorTransfer } from '../../src/engine/rpc';

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
