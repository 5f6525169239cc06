/**
 * Hostile input never takes the gateway down: every request of the table (hostile-cases.ts), sent
 * as raw bytes, gets its status and, where the connection still takes one, an OpenAI-shaped error
 * that is short whatever was sent. Afterwards the same gateway still chats through the official
 * openai client, has logged no internal error, and nothing in this process was left unhandled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_CASES, TABLE_BODY_LIMIT, expectAnswer } from './hostile-cases';
import { exchange } from './raw-socket';
import { MODEL_ID, loadModel, openai, useGateway } from './support';

const log: string[] = [];
const gw = useGateway({ maxBodyBytes: TABLE_BODY_LIMIT, log: (line) => log.push(line) });
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));

const port = (): number => Number(new URL(gw.url).port);

describe.each(Object.entries(HOSTILE_CASES))('%s', (_group, cases) => {
  it.each(cases)('$name: $status', async (c) => {
    expectAnswer(await exchange(port(), c.bytes, { untilClosed: c.closes === true }), c);
  });
});

describe('after the table', () => {
  it('the gateway still chats through the openai client', async () => {
    await loadModel(gw.url);
    const res = await openai(gw.url).chat.completions.create({
      model: MODEL_ID,
      messages: [{ role: 'user', content: 'Hello' }],
      max_completion_tokens: 3,
    });
    expect(res.usage?.completion_tokens).toBe(3);
  });

  it('logged no internal error, and no rejection went unhandled', () => {
    expect(log.filter((line) => line.startsWith('error:'))).toEqual([]);
    expect(unhandled).toEqual([]);
  });
});
