/** The engine's one watchdog (load and answer alike): silence for its timeout fires it, once. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Watchdog } from '../../src/engine/watchdog';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Watchdog', () => {
  it('fires once, with its timeout, when nothing happens for that long after the first touch', () => {
    const fired: number[] = [];
    const dog = new Watchdog(
      () => 100,
      (ms) => fired.push(ms),
    );
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([]); // not started yet
    dog.touch();
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([100]);
    dog.touch(); // a late sign of life does not revive it
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([100]);
  });

  it('every touch starts the countdown again', () => {
    const fired: number[] = [];
    const dog = new Watchdog(
      () => 100,
      (ms) => fired.push(ms),
    );
    dog.touch();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(80);
      dog.touch();
    }
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([100]);
  });

  it('never fires once stopped', () => {
    const onStall = vi.fn();
    const dog = new Watchdog(() => 100, onStall);
    dog.touch();
    vi.advanceTimersByTime(50);
    dog.stop();
    dog.touch();
    vi.advanceTimersByTime(1000);
    expect(onStall).not.toHaveBeenCalled();
  });

  it('reads its timeout at each touch, so a changed setting applies from the next sign of life', () => {
    let timeout = 100;
    const fired: number[] = [];
    const dog = new Watchdog(
      () => timeout,
      (ms) => fired.push(ms),
    );
    dog.touch();
    timeout = 5000;
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([100]);

    const second = new Watchdog(
      () => timeout,
      (ms) => fired.push(ms),
    );
    second.touch();
    timeout = 10;
    vi.advanceTimersByTime(4999);
    second.touch();
    vi.advanceTimersByTime(10);
    expect(fired).toEqual([100, 10]);
  });
});
