/** The push-based async iterable that bridges worker callbacks to `for await`. */
import { describe, expect, it } from 'vitest';
import { AsyncQueue } from '../../src/engine/async-queue';

async function drain<T>(queue: AsyncQueue<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of queue) items.push(item);
  } catch (error) {
    return { items, error };
  }
  return { items, error: null };
}

describe('AsyncQueue', () => {
  it('yields items pushed before iteration, in order, then ends on close', async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    q.push(2);
    q.push(3);
    q.close();
    expect(await drain(q)).toEqual({ items: [1, 2, 3], error: null });
  });

  it('wakes a waiting consumer for items pushed later', async () => {
    const q = new AsyncQueue<string>();
    const result = drain(q);
    await Promise.resolve();
    q.push('a');
    await new Promise((r) => setTimeout(r, 0));
    q.push('b');
    q.close();
    expect(await result).toEqual({ items: ['a', 'b'], error: null });
  });

  it('ends a consumer that is already waiting when closed', async () => {
    const q = new AsyncQueue<number>();
    const next = q[Symbol.asyncIterator]().next();
    q.close();
    expect(await next).toEqual({ value: undefined, done: true });
  });

  it('ignores pushes after close', async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    q.close();
    q.push(2);
    expect((await drain(q)).items).toEqual([1]);
  });

  it('delivers queued items before the failure', async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    q.push(2);
    const failure = new Error('worker crashed');
    q.fail(failure);
    const { items, error } = await drain(q);
    expect(items).toEqual([1, 2]);
    expect(error).toBe(failure);
  });

  it('rejects a consumer that is already waiting, and wraps non-Error reasons', async () => {
    const q = new AsyncQueue<number>();
    const next = q[Symbol.asyncIterator]().next();
    q.fail('plain text');
    await expect(next).rejects.toThrow('plain text');
    await expect(q[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(Error);
  });

  it('ignores a failure after a normal close', async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    q.close();
    q.fail(new Error('late'));
    expect(await drain(q)).toEqual({ items: [1], error: null });
  });
});
