/**
 * Cost and energy of a benchmark run, as estimates that say what they rest on:
 * - cost: the tokens each answer used, priced at a reference the user enters (US dollars per
 *   million input and output tokens). No vendor's price is built in: the list starts empty, and the
 *   one row the editor offers to add is named as an example;
 * - energy: a device power the user enters (watts, the whole machine while it answers) times each
 *   answer's total time. Nothing is measured at the wall socket.
 */
import { z } from 'zod';
import { parseWith, type BenchSample } from './bench-types';

const usdPerMTok = z.number({ error: 'must be a number' }).nonnegative('must not be negative').max(10_000, 'must be at most 10000');

/** One reference price; the name is what a report says it is "at". */
export const referencePriceSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(60, 'must be at most 60 characters'),
  /** US dollars per million prompt (input) tokens. */
  inputPerMTok: usdPerMTok,
  /** US dollars per million generated (output) tokens. */
  outputPerMTok: usdPerMTok,
});

export const estimateSettingsSchema = z.strictObject({
  prices: z
    .array(referencePriceSchema)
    .max(8, 'at most 8 reference prices')
    .superRefine((prices, ctx) => {
      const seen = new Set<string>();
      prices.forEach((p, i) => {
        if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${p.name}" is already in the list` });
        seen.add(p.name);
      });
    }),
  /** The device's power draw while it answers, in watts; null until the user sets it. */
  deviceWatts: z.number({ error: 'must be a number' }).positive('must be more than 0').max(10_000, 'must be at most 10000').nullable(),
});

export type ReferencePrice = z.infer<typeof referencePriceSchema>;
export type EstimateSettings = z.infer<typeof estimateSettingsSchema>;

/** Nothing assumed: no price, no power. Reports then leave cost and energy out and say why. */
export const DEFAULT_ESTIMATES: EstimateSettings = Object.freeze({ prices: [], deviceWatts: null });

/** What "Add a price" fills in: a made-up round number, named so nobody mistakes it for a quote. */
export const EXAMPLE_PRICE: ReferencePrice = Object.freeze({ name: 'Example (not a real price)', inputPerMTok: 0.5, outputPerMTok: 1.5 });

/** Validates settings or throws a BenchValidationError naming each bad field (`prices[1].name: ...`). */
export function parseEstimateSettings(data: unknown): EstimateSettings {
  return parseWith(estimateSettingsSchema, data, 'estimate settings');
}

/** What the measured answers of one target would cost at one reference price. */
export interface CostEstimate {
  price: ReferencePrice;
  answers: number;
  totalUsd: number;
  perAnswerUsd: number;
  per1kAnswersUsd: number;
}

/** The price of each answer's tokens, summed; null when there is no answer to price. */
export function estimateCost(answers: readonly BenchSample[], price: ReferencePrice): CostEstimate | null {
  if (!answers.length) return null;
  const totalUsd = answers.reduce(
    (sum, s) => sum + (s.promptTokens * price.inputPerMTok + s.generatedTokens * price.outputPerMTok) / 1e6,
    0,
  );
  const perAnswerUsd = totalUsd / answers.length;
  return { price, answers: answers.length, totalUsd, perAnswerUsd, per1kAnswersUsd: perAnswerUsd * 1000 };
}

/** Energy of one target's measured answers at a device power. */
export interface EnergyEstimate {
  watts: number;
  totalJ: number;
  perAnswerJ: number;
  /** Per 1,000 generated tokens; null when the answers generated none. */
  per1kTokensJ: number | null;
}

/** watts × each answer's total time; answers without a total time are left out. */
export function estimateEnergy(answers: readonly BenchSample[], watts: number): EnergyEstimate | null {
  const timed = answers.filter((s) => s.totalMs !== null);
  if (!timed.length) return null;
  const totalJ = timed.reduce((sum, s) => sum + (watts * (s.totalMs ?? 0)) / 1000, 0);
  const tokens = timed.reduce((sum, s) => sum + s.generatedTokens, 0);
  return { watts, totalJ, perAnswerJ: totalJ / timed.length, per1kTokensJ: tokens > 0 ? (totalJ / tokens) * 1000 : null };
}

/** "$0.0042", "$0.025", "$1.23", "$0": two significant digits below a dollar, else cents. */
export function formatUsd(usd: number | null): string {
  if (usd === null || !Number.isFinite(usd)) return '–';
  if (usd === 0) return '$0';
  // toPrecision switches to exponent notation below 1e-6.
  if (usd < 1e-6) return '< $0.000001';
  if (usd < 1) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(2)}`;
}

/** "420 mJ", "3.2 J", "12 kJ": joules with an SI prefix, two or three significant digits. */
export function formatEnergy(joules: number | null): string {
  if (joules === null || !Number.isFinite(joules)) return '–';
  const [value, unit] = joules < 1 ? [joules * 1000, 'mJ'] : joules < 1000 ? [joules, 'J'] : [joules / 1000, 'kJ'];
  return `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ${unit}`;
}
