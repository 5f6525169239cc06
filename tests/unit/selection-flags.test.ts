/** The headless driver's --price and --watts flags, read into estimate settings or refused with the flag named. */
import { describe, expect, it } from 'vitest';
import { estimatesFromFlags } from '../../tools/bench/selection-flags';

describe('estimatesFromFlags', () => {
  it('reads NAME=IN/OUT prices and a power', () => {
    expect(estimatesFromFlags({ price: ['example=0.5/1.5', ' my ref =2/8'], watts: '25' })).toEqual({
      prices: [
        { name: 'example', inputPerMTok: 0.5, outputPerMTok: 1.5 },
        { name: 'my ref', inputPerMTok: 2, outputPerMTok: 8 },
      ],
      deviceWatts: 25,
    });
    expect(estimatesFromFlags({})).toEqual({ prices: [], deviceWatts: null });
  });

  it('names the flag and the field that is wrong', () => {
    expect(() => estimatesFromFlags({ price: ['cheap'] })).toThrow('--price "cheap": use NAME=INPUT/OUTPUT in dollars per million tokens');
    expect(() => estimatesFromFlags({ price: ['a=1/x'] })).toThrow('--price / --watts: prices[0].outputPerMTok: must be a number');
    expect(() => estimatesFromFlags({ watts: '-3' })).toThrow('--price / --watts: deviceWatts: must be more than 0');
  });
});
