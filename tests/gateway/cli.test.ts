/**
 * `npm run gateway` as a user runs it: flags and PORT are honoured, the URL is printed, SIGTERM
 * shuts it down cleanly, and bad flags (an --allow-origin that is no http(s) origin among them)
 * fail with a message naming the value and the usage text.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/paths';
import { raw } from './support';

/**
 * `npm run gateway` runs `tsx gateway/cli.ts`; tsx's own CLI would put a second process in
 * between that cannot pass a SIGKILL on, so the test loads tsx into one node process instead.
 */
function start(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'gateway/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
}

/** Resolves with the first stdout line matching `pattern`, or rejects with everything printed if the process exits. */
function waitFor(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const match = pattern.exec(out);
      if (match) resolve(match);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`exited with ${code ?? 'signal'} before printing ${pattern}:\n${out}`)));
  });
}

function exitCode(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('npm run gateway', () => {
  it('takes PORT from the environment, prints its URL, honours --allow-origin, exits 0 on SIGTERM', async () => {
    const child = start(['--allow-origin', 'http://localhost:3000'], { PORT: '0' });
    try {
      const [, url] = await waitFor(child, /Gateway listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const res = await raw(url!, '/v1/models', { headers: { Origin: 'http://localhost:3000' } });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
      child.kill('SIGTERM');
      expect(await exitCode(child)).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('--port wins over PORT', async () => {
    const child = start(['--port', '0'], { PORT: '1' });
    try {
      const [, port] = await waitFor(child, /Gateway listening on http:\/\/127\.0\.0\.1:(\d+)/);
      expect(Number(port)).toBeGreaterThan(1);
      child.kill('SIGTERM');
      expect(await exitCode(child)).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it.each([
    [['--port', 'eighty'], /Invalid --port 'eighty'/],
    [['--dtype', 'q3'], /Invalid --dtype 'q3'/],
    [['--allow-origin', 'not a url'], /Invalid --allow-origin 'not a url': it has no scheme/],
    [
      ['--allow-origin', 'file:///x.html'],
      /Invalid --allow-origin 'file:\/\/\/x\.html': only http and https pages have an origin \(this is file:\)/,
    ],
    [['--allow-origin', 'localhost:3000'], /Invalid --allow-origin 'localhost:3000': it has no scheme/],
    [['--allow-origin', 'about:blank'], /Invalid --allow-origin 'about:blank': it has no scheme/],
    [['--allow-origin', 'data:'], /Invalid --allow-origin 'data:': it has no scheme/],
    [['--allow-origin', 'http://a/b'], /Invalid --allow-origin 'http:\/\/a\/b': it has a path \('\/b'\)/],
    [['--allow-origin', 'null'], /Invalid --allow-origin 'null': 'null' is what sandboxed iframes/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
  ])('%j exits 2 with a message and the usage', async (args, message) => {
    const child = start(args);
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    expect(await exitCode(child)).toBe(2);
    expect(err).toMatch(message);
    if (args[0] === '--allow-origin')
      expect(err).toContain('expected an origin of the form http(s)://host[:port], e.g. http://localhost:3000');
    expect(err).toContain('Usage: npm run gateway');
  });
});
