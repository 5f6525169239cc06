/**
 * Sampling settings: defaults, range checks (out-of-range values are rejected, never clamped),
 * seed rules, and restoring stored settings field by field.
 */
import { describe, expect, it } from 'vitest';
import { parsePreferences } from '../../src/app/preferences';
import { InvalidSettingsError } from '../../src/engine/errors';
import type { GenerationParams } from '../../src/engine/engine-types';
import { DEFAULT_PARAMS, LIMITS, restoreParams, validateParams } from '../../src/settings/generation-settings';

function rejection(input: unknown): InvalidSettingsError {
  try {
    validateParams(input);
  } catch (error) {
    if (error instanceof InvalidSettingsError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

const withField = (key: keyof GenerationParams, value: unknown): Record<string, unknown> => ({ ...DEFAULT_PARAMS, [key]: value });

describe('defaults', () => {
  it('are greedy, unseeded and valid', () => {
    expect(DEFAULT_PARAMS.temperature).toBe(0);
    expect(DEFAULT_PARAMS.seed).toBeNull();
    expect(validateParams({ ...DEFAULT_PARAMS })).toEqual(DEFAULT_PARAMS);
    expect(Object.isFrozen(DEFAULT_PARAMS)).toBe(true);
  });
});

describe('validateParams', () => {
  it('accepts both ends of every range', () => {
    for (const key of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) {
      for (const bound of [LIMITS[key].min, LIMITS[key].max]) {
        // minNewTokens may not exceed maxNewTokens, so test it against the largest budget.
        const input = { ...withField(key, bound), ...(key === 'minNewTokens' ? { maxNewTokens: LIMITS.maxNewTokens.max } : {}) };
        expect(validateParams(input)[key], `${key}=${bound}`).toBe(bound);
      }
    }
  });

  it('rejects values just outside each range and names the field and the limit', () => {
    const cases: [keyof GenerationParams, number, string][] = [
      ['temperature', -0.01, 'Temperature must be at least 0.'],
      ['temperature', 2.01, 'Temperature must be at most 2.'],
      ['topP', 0, 'Top-p must be at least 0.01.'],
      ['topP', 1.01, 'Top-p must be at most 1.'],
      ['topK', -1, 'Top-k must be at least 0.'],
      ['topK', 1001, 'Top-k must be at most 1000.'],
      ['maxNewTokens', 0, 'Max new tokens must be at least 1.'],
      ['maxNewTokens', 8193, 'Max new tokens must be at most 8192.'],
      ['repetitionPenalty', 0.49, 'Repetition penalty must be at least 0.5.'],
      ['repetitionPenalty', 2.5, 'Repetition penalty must be at most 2.'],
      ['seed', -1, 'Seed must be at least 0.'],
      ['seed', 2 ** 32, 'Seed must be at most 4294967295.'],
    ];
    for (const [field, value, message] of cases) {
      const error = rejection(withField(field, value));
      expect(error.message, `${field}=${value}`).toBe(message);
      expect(error.details['field']).toBe(field);
    }
  });

  it('rejects fractions for whole-number fields but not for temperature', () => {
    expect(rejection(withField('topK', 1.5)).message).toBe('Top-k must be a whole number.');
    expect(rejection(withField('seed', 0.5)).details['field']).toBe('seed');
    expect(validateParams(withField('temperature', 0.75)).temperature).toBe(0.75);
  });

  it('rejects non-numbers, NaN and Infinity instead of coercing them', () => {
    for (const bad of ['0.5', Number.NaN, Number.POSITIVE_INFINITY, null, true]) {
      const error = rejection(withField('temperature', bad));
      expect(error.details['field'], String(bad)).toBe('temperature');
    }
    expect(rejection(withField('maxNewTokens', Number.POSITIVE_INFINITY)).details['field']).toBe('maxNewTokens');
  });

  it('allows a null seed (fresh per request) but requires the key', () => {
    expect(validateParams(withField('seed', null)).seed).toBeNull();
    expect(validateParams(withField('seed', 12345)).seed).toBe(12345);
    const { seed: _seed, ...noSeed } = DEFAULT_PARAMS;
    expect(rejection(noSeed).details['field']).toBe('seed');
  });

  it('treats minNewTokens as optional but never above maxNewTokens', () => {
    const { minNewTokens: _min, ...without } = DEFAULT_PARAMS;
    expect(validateParams(without).minNewTokens).toBeUndefined();
    expect(validateParams({ ...DEFAULT_PARAMS, maxNewTokens: 64, minNewTokens: 64 }).minNewTokens).toBe(64);
    const error = rejection({ ...DEFAULT_PARAMS, maxNewTokens: 64, minNewTokens: 65 });
    expect(error.details['field']).toBe('minNewTokens');
    expect(error.message).toBe('Min new tokens must not exceed max new tokens.');
  });

  it('rejects unknown keys and non-objects', () => {
    expect(() => validateParams({ ...DEFAULT_PARAMS, typo: 1 })).toThrow(InvalidSettingsError);
    expect(() => validateParams(null)).toThrow(InvalidSettingsError);
    expect(() => validateParams('greedy')).toThrow(InvalidSettingsError);
  });
});

describe('restoreParams', () => {
  it('returns the defaults for nothing or garbage', () => {
    for (const stored of [undefined, null, 42, 'x', []]) expect(restoreParams(stored), String(stored)).toEqual(DEFAULT_PARAMS);
  });

  it('keeps valid fields and replaces each invalid one by its default', () => {
    const restored = restoreParams({ temperature: 0.8, topK: -5, topP: 'high', seed: 7, maxNewTokens: 9999, extra: true });
    expect(restored).toEqual({ ...DEFAULT_PARAMS, temperature: 0.8, seed: 7 });
  });

  it('restores a stored null seed and a zero seed as they were', () => {
    expect(restoreParams({ seed: 0 }).seed).toBe(0);
    expect(restoreParams({ seed: null }).seed).toBeNull();
  });

  it('restores a stored min equal to a stored max above the default max', () => {
    const stored = { ...DEFAULT_PARAMS, maxNewTokens: 300, minNewTokens: 300 };
    expect(restoreParams(stored)).toEqual(stored);
    expect(restoreParams({ maxNewTokens: 8192, minNewTokens: 5000 })).toEqual({
      ...DEFAULT_PARAMS,
      maxNewTokens: 8192,
      minNewTokens: 5000,
    });
  });

  it('drops only minNewTokens when it exceeds the stored max, and never throws', () => {
    const stored = { ...DEFAULT_PARAMS, temperature: 0.7, seed: 3, maxNewTokens: 10, minNewTokens: 100 };
    expect(restoreParams(stored)).toEqual({ ...DEFAULT_PARAMS, temperature: 0.7, seed: 3, maxNewTokens: 10 });
    // An invalid stored max falls back to the default (256), which a valid min of 300 then exceeds.
    expect(restoreParams({ maxNewTokens: 0, minNewTokens: 300 })).toEqual(DEFAULT_PARAMS);
    expect(restoreParams({ maxNewTokens: 0, minNewTokens: 200 })).toEqual({ ...DEFAULT_PARAMS, minNewTokens: 200 });
  });

  it('keeps model, device and dtype preferences when the stored min exceeds the stored max', () => {
    const raw = JSON.stringify({ params: { maxNewTokens: 10, minNewTokens: 100 }, modelId: 'pocket-chat-1m', device: 'wasm', dtype: 'q4' });
    expect(parsePreferences(raw)).toEqual({
      params: { ...DEFAULT_PARAMS, maxNewTokens: 10 },
      modelId: 'pocket-chat-1m',
      device: 'wasm',
      dtype: 'q4',
      hubUrl: 'https://huggingface.co/',
      measureVariants: true,
      embedderId: 'auto',
    });
  });
});

describe('reasoning effort', () => {
  it('defaults to medium (gpt-oss’ own default) and accepts low, medium and high', () => {
    expect(DEFAULT_PARAMS.reasoningEffort).toBe('medium');
    for (const level of ['low', 'medium', 'high'] as const)
      expect(validateParams(withField('reasoningEffort', level)).reasoningEffort).toBe(level);
  });

  it('rejects any other level, naming the field', () => {
    for (const value of ['extreme', 'HIGH', 'minimal', '', 3, null]) {
      const error = rejection(withField('reasoningEffort', value));
      expect(error.details['field']).toBe('reasoningEffort');
      expect(error.message).toBe('Reasoning effort must be low, medium or high.');
    }
  });

  it('is restored from storage, and a stored value that is no level (or none, from before) gives medium', () => {
    expect(restoreParams({ ...DEFAULT_PARAMS, reasoningEffort: 'high' }).reasoningEffort).toBe('high');
    expect(restoreParams({ ...DEFAULT_PARAMS, reasoningEffort: 'turbo' }).reasoningEffort).toBe('medium');
    const { reasoningEffort: _, ...before } = DEFAULT_PARAMS;
    expect(parsePreferences(JSON.stringify({ params: { ...before, temperature: 0.5 } })).params).toEqual({
      ...DEFAULT_PARAMS,
      temperature: 0.5,
    });
  });
});
