/**
 * KeyedSections, the lock around transformers.js' global file settings: tasks with the same value
 * overlap, a task with another value never overlaps them and sees its own value for as long as
 * it runs, and groups start in arrival order.
 */
import { describe, expect, it } from 'vitest';
import { KeyedSections } from '../../src/engine/worker/keyed-sections';

/** A promise the test settles by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const ticks = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

describe('KeyedSections', () => {
  it('tasks with equal values run side by side; one with another value waits for all of them, then sees its value', async () => {
    let setting = '';
    const sections = new KeyedSections<string>((value) => (setting = value));
    const log: string[] = [];
    const a1 = gate();
    const a2 = gate();
    const task = (name: string, wait: Promise<void>) => async (): Promise<string> => {
      log.push(`${name} starts under ${setting}`);
      await wait;
      log.push(`${name} ends under ${setting}`);
      return name;
    };
    const first = sections.run('local', task('a1', a1.promise));
    const second = sections.run('local', task('a2', a2.promise));
    const third = sections.run('hub', task('b', Promise.resolve()));
    await ticks();
    expect(log).toEqual(['a1 starts under local', 'a2 starts under local']);
    a1.open();
    await ticks();
    expect(log).toEqual(['a1 starts under local', 'a2 starts under local', 'a1 ends under local']);
    a2.open();
    expect(await Promise.all([first, second, third])).toEqual(['a1', 'a2', 'b']);
    expect(log.slice(3)).toEqual(['a2 ends under local', 'b starts under hub', 'b ends under hub']);
  });

  it('a task arriving behind a waiting group of another value waits its turn (no overtaking)', async () => {
    let setting = '';
    const sections = new KeyedSections<string>((value) => (setting = value));
    const order: string[] = [];
    const held = gate();
    const running = sections.run('x', async () => {
      order.push(`x1:${setting}`);
      await held.promise;
    });
    const waiting = sections.run('y', () => {
      order.push(`y:${setting}`);
      return Promise.resolve();
    });
    // Same value as the running group, but the group for y arrived first.
    const late = sections.run('x', () => {
      order.push(`x2:${setting}`);
      return Promise.resolve();
    });
    await ticks();
    expect(order).toEqual(['x1:x']);
    held.open();
    await Promise.all([running, waiting, late]);
    expect(order).toEqual(['x1:x', 'y:y', 'x2:x']);
  });

  it('a failing task releases its group, and its error reaches the caller', async () => {
    const applied: string[] = [];
    const sections = new KeyedSections<string>((value) => applied.push(value));
    await expect(sections.run('a', () => Promise.reject(new Error('load failed')))).rejects.toThrow('load failed');
    await expect(sections.run('b', () => Promise.resolve(1))).resolves.toBe(1);
    await expect(sections.run('a', () => Promise.resolve(2))).resolves.toBe(2);
    expect(applied).toEqual(['a', 'b', 'a']);
  });
});
