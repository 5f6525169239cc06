/**
 * Sampling settings: defaults, and validation whose errors name the field and the allowed range.
 */
import { z } from 'zod';
import { InvalidSettingsError } from '../engine/errors';
import type { GenerationParams, ReasoningEffort } from '../engine/engine-types';

/** The reasoning efforts gpt-oss knows (its template and the Harmony system message). */
export const REASONING_EFFORTS = ['low', 'medium', 'high'] as const satisfies readonly ReasoningEffort[];

/** Greedy by default: small models answer best, and answers are reproducible. */
export const DEFAULT_PARAMS: Readonly<GenerationParams> = Object.freeze({
  temperature: 0,
  topP: 0.95,
  topK: 50,
  maxNewTokens: 256,
  minNewTokens: 0,
  repetitionPenalty: 1,
  seed: null,
  // gpt-oss' own default.
  reasoningEffort: 'medium',
  reuseCache: true,
});

/** Limits shown next to each field and enforced on every request. */
export const LIMITS = {
  temperature: { min: 0, max: 2, step: 0.05 },
  topP: { min: 0.01, max: 1, step: 0.01 },
  topK: { min: 0, max: 1000, step: 1 },
  maxNewTokens: { min: 1, max: 8192, step: 1 },
  minNewTokens: { min: 0, max: 8192, step: 1 },
  repetitionPenalty: { min: 0.5, max: 2, step: 0.05 },
  seed: { min: 0, max: 2 ** 32 - 1, step: 1 },
} as const;

const ranged = (key: keyof typeof LIMITS, integer: boolean) => {
  const { min, max } = LIMITS[key];
  const base = z.number({ error: 'must be a number' });
  return (integer ? base.int('must be a whole number') : base).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
};

/** Each field on its own; `schema` adds the rule between fields. */
const fields = z.strictObject({
  temperature: ranged('temperature', false),
  topP: ranged('topP', false),
  topK: ranged('topK', true),
  maxNewTokens: ranged('maxNewTokens', true),
  minNewTokens: ranged('minNewTokens', true).optional(),
  repetitionPenalty: ranged('repetitionPenalty', false),
  seed: ranged('seed', true).nullable(),
  reasoningEffort: z.enum(REASONING_EFFORTS, { error: 'must be low, medium or high' }).optional(),
  reuseCache: z.boolean({ error: 'must be on or off' }).optional(),
});

const schema = fields.refine((p) => (p.minNewTokens ?? 0) <= p.maxNewTokens, {
  path: ['minNewTokens'],
  message: 'must not exceed max new tokens',
});

/** Human names, for error messages and labels. */
export const FIELD_LABELS: Record<keyof GenerationParams, string> = {
  temperature: 'Temperature',
  topP: 'Top-p',
  topK: 'Top-k',
  maxNewTokens: 'Max new tokens',
  minNewTokens: 'Min new tokens',
  repetitionPenalty: 'Repetition penalty',
  seed: 'Seed',
  reasoningEffort: 'Reasoning effort',
  reuseCache: 'Reuse the conversation\u2019s cache',
};

/** Returns valid params or throws InvalidSettingsError with `details.field` set to the first bad field. */
export function validateParams(input: unknown): GenerationParams {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = String(issue?.path[0] ?? '');
  const label = field in FIELD_LABELS ? FIELD_LABELS[field as keyof GenerationParams] : field || 'settings';
  throw new InvalidSettingsError(`${label} ${issue?.message ?? 'is invalid'}.`, { field });
}

/**
 * Merges stored settings over the defaults, dropping any field that is no longer valid. Fields are
 * checked on their own first (each against its range), then the rule between them: a stored
 * minNewTokens above the restored maxNewTokens falls back to its default alone. Never throws.
 */
export function restoreParams(stored: unknown): GenerationParams {
  const merged: GenerationParams = { ...DEFAULT_PARAMS };
  if (stored && typeof stored === 'object') {
    for (const key of Object.keys(fields.shape) as (keyof typeof fields.shape)[]) {
      const value = (stored as Record<string, unknown>)[key];
      if (value === undefined) continue;
      const parsed = fields.shape[key].safeParse(value);
      // keep the default for a field that no longer validates
      if (parsed.success) Object.assign(merged, { [key]: parsed.data });
    }
  }
  if ((merged.minNewTokens ?? 0) > merged.maxNewTokens) merged.minNewTokens = DEFAULT_PARAMS.minNewTokens;
  return validateParams(merged);
}
