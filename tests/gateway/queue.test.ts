/**
 * The generation queue on its own, with tasks the test finishes by hand: strict arrival order,
 * no overtaking at hand-over, a bounded line (429), and leaving the line on abort.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../gateway/api-error';
import { GenerationQueue } from '../../gateway/queue';

/** A task that records when it starts and finishes when the test says so. */
function gate(log: string[], name: string): { task: () => Promise<string>; open: () => void } {
  let open = (): void => undefined;
  const done = new Promise<void>((resolve) => (open = resolve));
  return {
    task: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    open: () => open(),
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('GenerationQueue', () => {
  it('runs one task at a time in arrival order', async () => {
    const queue = new GenerationQueue(5);
    const log: string[] = [];
    const [a, b, c] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'c')];
    const results = [queue.run(a.task), queue.run(b.task), queue.run(c.task)];
    await settle();
    expect(log).toEqual(['start a']);
    expect(queue.pending).toBe(2);
    c.open();
    b.open();
    await settle();
    expect(log).toEqual(['start a']);
    a.open();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('says when a request has to wait for its turn, and only then', async () => {
    let waits = 0;
    const queue = new GenerationQueue(5, () => waits++);
    const log: string[] = [];
    const [a, b] = [gate(log, 'a'), gate(log, 'b')];
    const first = queue.run(a.task);
    expect(waits).toBe(0);
    const second = queue.run(b.task);
    await settle();
    expect(waits).toBe(1);
    a.open();
    b.open();
    await Promise.all([first, second]);
    expect(waits).toBe(1);
  });

  it('hands the turn to the next waiter before a newcomer can take it', async () => {
    const queue = new GenerationQueue(5);
    const log: string[] = [];
    const [a, b, late] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'late')];
    const first = queue.run(a.task);
    const second = queue.run(b.task);
    await settle();
    a.open();
    await first;
    const third = queue.run(late.task);
    b.open();
    late.open();
    await Promise.all([second, third]);
    expect(log.indexOf('start b')).toBeLessThan(log.indexOf('start late'));
    expect(log.indexOf('end b')).toBeLessThan(log.indexOf('start late'));
  });

  it('refuses more than maxWaiting waiters with a 429', async () => {
    const queue = new GenerationQueue(1);
    const log: string[] = [];
    const [a, b, c] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'c')];
    const running = queue.run(a.task);
    const waiting = queue.run(b.task);
    const error = await queue.run(c.task).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    a.open();
    b.open();
    await Promise.all([running, waiting]);
    expect(log).not.toContain('start c');
  });

  it('a waiter whose signal aborts leaves the line and never runs', async () => {
    const queue = new GenerationQueue(5);
    const log: string[] = [];
    const [a, b, c] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'c')];
    const controller = new AbortController();
    const running = queue.run(a.task);
    const leaving = queue.run(b.task, controller.signal);
    const staying = queue.run(c.task);
    controller.abort(new Error('client gone'));
    await expect(leaving).rejects.toThrow('client gone');
    expect(queue.pending).toBe(1);
    a.open();
    c.open();
    await Promise.all([running, staying]);
    expect(log).toEqual(['start a', 'end a', 'start c', 'end c']);
  });

  it('a task that throws still passes the turn on', async () => {
    const queue = new GenerationQueue(5);
    const failing = queue.run(() => Promise.reject(new Error('boom')));
    const next = queue.run(() => Promise.resolve('ok'));
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('ok');
  });
});
