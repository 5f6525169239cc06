/** The stop flag the page writes and the worker reads at every token. */
import { describe, expect, it } from 'vitest';
import { StopFlag } from '../../src/engine/worker/stop-flag';

describe('StopFlag', () => {
  it('is shared when SharedArrayBuffer exists (as in Node)', () => {
    expect(new StopFlag().shared).toBe(true);
    expect(StopFlag.allocate()).toBeInstanceOf(SharedArrayBuffer);
  });

  it('stops only the request whose id was written', () => {
    const flag = new StopFlag();
    expect(flag.isRequested(1)).toBe(false);
    flag.request(1);
    expect(flag.isRequested(1)).toBe(true);
    expect(flag.isRequested(2)).toBe(false);
    flag.request(2); // a newer stop replaces the older one
    expect(flag.isRequested(1)).toBe(false);
    expect(flag.isRequested(2)).toBe(true);
  });

  it('reads 0 as requested on a fresh flag, so request ids must start at 1', () => {
    expect(new StopFlag().isRequested(0)).toBe(true);
  });

  it('lets the page and the worker see each other through one shared buffer', () => {
    const buffer = new SharedArrayBuffer(4);
    const page = new StopFlag(buffer);
    const worker = new StopFlag(buffer);
    page.request(7);
    expect(worker.isRequested(7)).toBe(true);
    expect(new Int32Array(buffer)[0]).toBe(7);
  });

  it('works on a plain ArrayBuffer (no cross-origin isolation), without sharing', () => {
    const buffer = new ArrayBuffer(4);
    const flag = new StopFlag(buffer);
    expect(flag.shared).toBe(false);
    flag.request(3);
    expect(flag.isRequested(3)).toBe(true);
    expect(new Int32Array(buffer)[0]).toBe(3);
  });
});
