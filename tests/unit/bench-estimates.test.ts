/**
 * Cost and energy estimates: the arithmetic (every expected number worked out by hand beside it),
 * the settings' validation, and their storage. Node has no localStorage, so the store tests pass a
 * small in-memory Storage stand-in (getItem / setItem, all the store uses).
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ESTIMATES,
  EXAMPLE_PRICE,
  estimateCost,
  estimateEnergy,
  formatEnergy,
  formatUsd,
  parseEstimateSettings,
} from '../../src/bench/estimates';
import { BenchValidationError } from '../../src/bench/bench-types';
import { EstimateSettingsStore } from '../../src/app/estimate-settings';
import { sample } from './bench-fixtures';

class MemoryStorage implements Pick<Storage, 'getItem' | 'setItem'> {
  readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
}

const KEY = 'playground.estimates.v1';

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof BenchValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a BenchValidationError');
}

describe('estimateCost', () => {
  const price = { name: 'ref', inputPerMTok: 0.5, outputPerMTok: 2 };

  it('prices each answer by its input and output tokens', () => {
    const answers = [sample({ promptTokens: 1000, generatedTokens: 500 }), sample({ promptTokens: 3000, generatedTokens: 1500 })];
    // (1000 × 0.5 + 500 × 2) / 1e6 = 0.0015; (3000 × 0.5 + 1500 × 2) / 1e6 = 0.0045. Total 0.006,
    // per answer 0.003, per 1,000 answers 3.
    const cost = estimateCost(answers, price)!;
    expect(cost.answers).toBe(2);
    expect(cost.totalUsd).toBeCloseTo(0.006, 15);
    expect(cost.perAnswerUsd).toBeCloseTo(0.003, 15);
    expect(cost.per1kAnswersUsd).toBeCloseTo(3, 12);
    expect(cost.price).toBe(price);
  });

  it('has nothing to price without answers, and a free price costs nothing', () => {
    expect(estimateCost([], price)).toBeNull();
    expect(estimateCost([sample()], { name: 'free', inputPerMTok: 0, outputPerMTok: 0 })?.totalUsd).toBe(0);
  });
});

describe('estimateEnergy', () => {
  it('multiplies the device power by each answer time, per answer and per 1,000 generated tokens', () => {
    const answers = [
      sample({ totalMs: 500, generatedTokens: 20 }),
      sample({ totalMs: 1500, generatedTokens: 60 }),
      sample({ totalMs: null, generatedTokens: 99 }), // never timed: left out, tokens too
    ];
    // 30 W × 0.5 s = 15 J; 30 W × 1.5 s = 45 J. Total 60 J over 2 answers: 30 J each;
    // 60 J over 80 tokens = 0.75 J per token, 750 J per 1,000 tokens.
    expect(estimateEnergy(answers, 30)).toEqual({ watts: 30, totalJ: 60, perAnswerJ: 30, per1kTokensJ: 750 });
  });

  it('has no per-token figure when no token was generated, and nothing without a timed answer', () => {
    // 10 W × 0.2 s = 2 J, no tokens.
    expect(estimateEnergy([sample({ totalMs: 200, generatedTokens: 0 })], 10)).toEqual({
      watts: 10,
      totalJ: 2,
      perAnswerJ: 2,
      per1kTokensJ: null,
    });
    expect(estimateEnergy([sample({ totalMs: null })], 10)).toBeNull();
  });
});

describe('formatting', () => {
  it('writes dollars with cents, or two significant digits below a dollar', () => {
    expect(formatUsd(3)).toBe('$3.00');
    expect(formatUsd(0.025)).toBe('$0.025');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(0.0042)).toBe('$0.0042');
    expect(formatUsd(0.000123)).toBe('$0.00012');
    expect(formatUsd(4e-8)).toBe('< $0.000001');
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(null)).toBe('–');
  });

  it('writes joules with a prefix', () => {
    expect(formatEnergy(0.42)).toBe('420 mJ');
    expect(formatEnergy(3.21)).toBe('3.2 J');
    expect(formatEnergy(750)).toBe('750 J');
    expect(formatEnergy(12_345)).toBe('12 kJ');
    expect(formatEnergy(null)).toBe('–');
  });
});

describe('estimate settings', () => {
  it('starts with no price and no power, and offers an example that says it is one', () => {
    expect(DEFAULT_ESTIMATES).toEqual({ prices: [], deviceWatts: null });
    expect(EXAMPLE_PRICE.name).toMatch(/example/i);
  });

  it('names each bad field', () => {
    const issues = issuesOf(() =>
      parseEstimateSettings({
        prices: [
          { name: 'a', inputPerMTok: -1, outputPerMTok: 1 },
          { name: ' ', inputPerMTok: 1, outputPerMTok: '2' },
          { name: 'a', inputPerMTok: 1, outputPerMTok: 1 },
        ],
        deviceWatts: 0,
      }),
    );
    expect(issues).toEqual([
      'prices[0].inputPerMTok: must not be negative',
      'prices[1].name: must not be empty',
      'prices[1].outputPerMTok: must be a number',
      'deviceWatts: must be more than 0',
    ]);
    // A duplicate name is reported once the rows are well-formed.
    expect(
      issuesOf(() =>
        parseEstimateSettings({
          prices: [
            { name: 'a', inputPerMTok: 1, outputPerMTok: 1 },
            { name: 'a ', inputPerMTok: 2, outputPerMTok: 2 },
          ],
          deviceWatts: null,
        }),
      ),
    ).toEqual(['prices[1].name: "a" is already in the list']);
  });

  it('stores what it accepts and reads it back; refuses a bad change without losing the last good one', () => {
    const storage = new MemoryStorage();
    const store = new EstimateSettingsStore(storage);
    let changes = 0;
    store.subscribe(() => changes++);
    store.update({ prices: [EXAMPLE_PRICE], deviceWatts: 25 });
    expect(changes).toBe(1);
    expect(JSON.parse(storage.data.get(KEY)!)).toEqual({ prices: [EXAMPLE_PRICE], deviceWatts: 25 });
    expect(() => store.update({ deviceWatts: -5 })).toThrow(/deviceWatts: must be more than 0/);
    expect(changes).toBe(1);
    expect(store.settings.deviceWatts).toBe(25);
    expect(new EstimateSettingsStore(storage).settings).toEqual({ prices: [EXAMPLE_PRICE], deviceWatts: 25 });
  });

  it('does not use stored settings that fail validation, and says why', () => {
    const storage = new MemoryStorage();
    storage.setItem(KEY, JSON.stringify({ prices: [{ name: 'x', inputPerMTok: 'cheap', outputPerMTok: 1 }], deviceWatts: 20 }));
    const store = new EstimateSettingsStore(storage);
    expect(store.settings).toEqual(DEFAULT_ESTIMATES);
    expect(store.problem).toMatch(/prices\[0\]\.inputPerMTok: must be a number/);
    storage.setItem(KEY, '{not json');
    expect(new EstimateSettingsStore(storage).problem).toMatch(/could not be used/);
    // Without any storage (a sandboxed frame) it works for the session.
    const memoryOnly = new EstimateSettingsStore(null);
    memoryOnly.update({ deviceWatts: 15 });
    expect(memoryOnly.settings.deviceWatts).toBe(15);
  });
});
