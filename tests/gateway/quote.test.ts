/**
 * Client values in error messages: at most ~200 characters of them, control characters shown as
 * escapes, and describing never throws or recurses without bound (deep nesting, cycles, getters).
 */
import { describe, expect, it } from 'vitest';
import { QUOTE_LIMIT, describe as describeValue, quote } from '../../gateway/quote';

describe('quote', () => {
  it('quotes a short string as it is', () => {
    expect(quote('wizard')).toBe("'wizard'");
  });

  it('cuts a long string and says how long it was', () => {
    const text = quote('x'.repeat(900_000));
    expect(text).toBe(`'${'x'.repeat(QUOTE_LIMIT)}…' (900000 characters)`);
  });

  it('shows control characters as escapes, so the message stays one line', () => {
    expect(quote('a\nb\u0000c\u001b')).toBe("'a\\nb\\u0000c\\u001b'");
  });
});

describe('describe', () => {
  it('previews values like JSON', () => {
    expect(describeValue('wizard')).toBe('"wizard"');
    expect(describeValue(42)).toBe('42');
    expect(describeValue(null)).toBe('null');
    expect(describeValue({ a: [1, true], b: 'x' })).toBe('{"a":[1,true],"b":"x"}');
    expect(describeValue(undefined)).toBe('undefined');
  });

  it('an array nested 100 000 deep is cut, not a stack overflow', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    const text = describeValue(deep);
    expect(text).toBe(`${'['.repeat(QUOTE_LIMIT)}…`);
  });

  it('a cycle ends with the budget', () => {
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(describeValue(cycle).length).toBeLessThanOrEqual(QUOTE_LIMIT + 1);
  });

  it('a long string inside a value is cut', () => {
    expect(describeValue(['y'.repeat(10_000)]).length).toBe(QUOTE_LIMIT + 1);
  });

  it('a getter that throws does not make describing throw', () => {
    const hostile = {
      a: 1,
      get b(): never {
        throw new Error('boom');
      },
    };
    expect(describeValue(hostile)).toBe('{"a":1,"b":… (a value that cannot be shown)');
  });
});
