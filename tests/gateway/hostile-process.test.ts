/**
 * The requests of the table that used to kill `npm run gateway` (an unhandled rejection ends a
 * Node process) or go through node:http's own error paths, sent to `gateway/cli.ts` running as
 * its own process, the way users start it. Afterwards the process must still be running, answer,
 * and have written nothing to stderr (Node reports an unhandled rejection there before exiting).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/paths';
import { HOSTILE_CASES, expectAnswer } from './hostile-cases';
import { exchange, request } from './raw-socket';

const fatal = Object.values(HOSTILE_CASES)
  .flat()
  .filter((c) => c.fatal);

let child: ChildProcessWithoutNullStreams;
let port = 0;
let stdout = '';
let stderr = '';

beforeAll(async () => {
  // As cli.test.ts: tsx loaded into one node process, so the test talks to the gateway itself.
  child = spawn(process.execPath, ['--import', 'tsx', 'gateway/cli.ts', '--port', '0'], { cwd: ROOT });
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  port = await new Promise<number>((resolve, reject) => {
    const onData = (): void => {
      const match = /Gateway listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the gateway exited with ${code ?? 'a signal'} before listening:\n${stdout}${stderr}`)));
  });
});

afterAll(() => {
  child.kill('SIGKILL');
});

describe('gateway/cli.ts as a process', () => {
  it.each(fatal)('$name: $status', async (c) => {
    expectAnswer(await exchange(port, c.bytes, { untilClosed: c.closes === true }), c);
    expect(child.exitCode, `the gateway exited:\n${stderr}`).toBeNull();
  });

  it('is still running and answering after the table, with nothing on stderr', async () => {
    const answer = await exchange(port, request('GET', '/v1/models', ['Host: 127.0.0.1']));
    expect(answer.status).toBe(200);
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    expect(stderr).toBe('');
    expect(stdout).not.toMatch(/error: Internal error/);
  });
});
