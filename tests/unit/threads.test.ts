import { describe, expect, it } from 'vitest';
import { wasmThreadCount } from '../../src/engine/threads';

describe('wasmThreadCount', () => {
  it('leaves one core to the page and caps at four', () => {
    expect([1, 2, 3, 4, 5, 8, 32].map((cores) => wasmThreadCount(true, cores))).toEqual([1, 1, 2, 3, 4, 4, 4]);
  });

  it('is one thread without cross-origin isolation, whatever the cores', () => {
    expect(wasmThreadCount(false, 16)).toBe(1);
  });

  it('never goes below one thread on a nonsense core count', () => {
    expect(wasmThreadCount(true, 0)).toBe(1);
  });
});
