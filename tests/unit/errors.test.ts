/** Engine errors survive serialization (structured clone) with class, message and details. */
import { describe, expect, it } from 'vitest';
import {
  ContextLengthError,
  DeviceFaultError,
  DeviceUnavailableError,
  EngineError,
  GenerationError,
  InvalidSettingsError,
  ModelLoadError,
  ModelNotLoadedError,
  WorkerCrashedError,
  isAbortError,
  reviveError,
  serializeError,
} from '../../src/engine/errors';

function engineError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  throw new Error(`not an EngineError: ${String(error)}`);
}

/** What crossing a worker boundary does to the serialized form. */
const roundTrip = (error: unknown): Error => reviveError(structuredClone(serializeError(error)));

describe('serializeError / reviveError', () => {
  const withDetails = [
    new EngineError('base', { a: 1 }),
    new ModelLoadError('could not load', { modelId: 'm', dtype: 'q4', device: 'wasm' }),
    new DeviceUnavailableError('no shader-f16', { shaderF16: false }),
    new GenerationError('failed after 3 tokens', { generatedTokens: 3, reason: null }),
    new WorkerCrashedError('worker died', { stalledMs: 120_000 }),
    new DeviceFaultError('The WebGPU device was lost', {
      cause: 'device-lost',
      device: 'webgpu',
      modelId: 'm',
      original: 'mapAsync failed',
    }),
    new InvalidSettingsError('Top-k must be at least 0.', { field: 'topK' }),
  ];

  for (const original of withDetails) {
    it(`revives ${original.name} with its class, message and details`, () => {
      const revived = roundTrip(original);
      expect(revived.constructor).toBe(original.constructor);
      expect(revived).toBeInstanceOf(EngineError);
      expect(revived.name).toBe(original.name);
      expect(revived.message).toBe(original.message);
      expect(engineError(revived).details).toEqual(original.details);
      expect(revived.stack).toBe(original.stack);
    });
  }

  it('revives ContextLengthError with its token counts', () => {
    const revived = roundTrip(new ContextLengthError(900, 512));
    expect(revived).toBeInstanceOf(ContextLengthError);
    expect(engineError(revived).details).toEqual({ promptTokens: 900, contextLength: 512 });
    expect(revived.message).toContain('900 tokens');
    expect(revived.message).toContain('at most 512');
  });

  it('revives ModelNotLoadedError', () => {
    const original = new ModelNotLoadedError();
    const revived = roundTrip(original);
    expect(revived).toBeInstanceOf(ModelNotLoadedError);
    expect(revived.message).toBe(original.message);
  });

  it('copies details instead of sharing them', () => {
    const original = new GenerationError('x', { n: 1 });
    const serialized = serializeError(original);
    serialized.details['n'] = 2;
    expect(original.details['n']).toBe(1);
  });

  it('keeps the name of foreign errors on a plain Error', () => {
    const revived = roundTrip(new TypeError('bad type'));
    expect(revived.constructor).toBe(Error);
    expect(revived.name).toBe('TypeError');
    expect(revived.message).toBe('bad type');
  });

  it('turns thrown non-errors into an Error with their text', () => {
    expect(serializeError('boom')).toEqual({ name: 'Error', message: 'boom', details: {} });
    expect(roundTrip(42).message).toBe('42');
  });

  it('keeps an abort recognisable as an abort after the round trip', () => {
    const controller = new AbortController();
    controller.abort();
    const reason: unknown = controller.signal.reason;
    expect(isAbortError(reason)).toBe(true);
    expect(isAbortError(roundTrip(reason))).toBe(true);
    expect(isAbortError(new Error('AbortError'))).toBe(false);
    expect(isAbortError({ name: 'AbortError' })).toBe(false);
  });
});
