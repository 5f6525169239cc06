/**
 * Time limits, the connection cap and closing after a refused body, with small limits so every
 * wait is bounded to about a second: silent and trickling clients get a 408 within the limits
 * (and a client cut off mid-body is logged as a disconnect, not an error), a slow answer is never
 * cut, idle keep-alive connections are closed, connections over the cap are refused, and a client
 * still sending an over-limit body reads its 413 instead of a connection reset.
 */
import http from 'node:http';
import net from 'node:net';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { exchange, request } from './raw-socket';
import { MODEL_ID, loadModel, openai, useGateway } from './support';

const HEADERS_MS = 300;
const REQUEST_MS = 600;
const KEEP_ALIVE_MS = 300;
/** How late a limit may strike: Node checks every HEADERS_MS / 4 (server-limits.ts), plus a busy machine. */
const SLACK_MS = 700;

const slowLog: string[] = [];
const slow = useGateway({
  headersTimeoutMs: HEADERS_MS,
  requestTimeoutMs: REQUEST_MS,
  keepAliveTimeoutMs: KEEP_ALIVE_MS,
  // Answers are delivered slower than the request limit, to show the limit does not cut them.
  paceTokensPerSec: 20,
  log: (line) => slowLog.push(line),
});
const port = (gw: { url: string }): number => Number(new URL(gw.url).port);
const HOST = 'Host: 127.0.0.1';

/** Sends `first`, then `piece` every `everyMs` until the connection ends; resolves with the answer and its time. */
async function trickle(
  gatewayPort: number,
  first: string,
  piece: string,
  everyMs: number,
): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const answer = await exchange(gatewayPort, first, {
    untilClosed: true,
    then: (socket) => {
      timer = setInterval(() => {
        if (socket.writable) socket.write(piece);
      }, everyMs);
    },
  });
  clearInterval(timer);
  return { status: answer.status, body: answer.body, ms: performance.now() - started };
}

describe('time limits', () => {
  it('a connection that sends nothing gets a 408 once the header time is up', async () => {
    const started = performance.now();
    const answer = await exchange(port(slow), '', { untilClosed: true });
    const ms = performance.now() - started;
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'request_timeout', type: 'invalid_request_error' } });
    expect(ms).toBeGreaterThanOrEqual(HEADERS_MS - 50);
    expect(ms).toBeLessThan(HEADERS_MS + SLACK_MS);
  });

  it('headers trickled a byte at a time get a 408 after the header time', async () => {
    const result = await trickle(port(slow), `GET /v1/models HTTP/1.1\r\n${HOST}\r\n`, 'X', 30);
    expect(result.status).toBe(408);
    expect(result.body).toMatch(/waits 300 ms for the headers and 600 ms for the whole request/);
    expect(result.ms).toBeLessThan(HEADERS_MS + SLACK_MS);
  });

  it('a body trickled slower than the request time gets a 408; the log says disconnected, not error', async () => {
    const head = request('POST', '/v1/chat/completions', [HOST, 'Content-Type: application/json', 'Content-Length: 100000'], '{"model":');
    const result = await trickle(port(slow), head, ' ', 50);
    expect(result.status).toBe(408);
    expect(result.ms).toBeGreaterThanOrEqual(REQUEST_MS - 50);
    expect(result.ms).toBeLessThan(REQUEST_MS + SLACK_MS);
    await expect.poll(() => slowLog.some((l) => /^POST \/v1\/chat\/completions disconnected/.test(l))).toBe(true);
    expect(slowLog.filter((l) => l.startsWith('error:'))).toEqual([]);
  });

  it('an answer that takes longer than the request time is not cut', async () => {
    await loadModel(slow.url);
    const started = performance.now();
    // min_tokens (vLLM's, see gateway/README.md) keeps the answer from ending early.
    const params = {
      model: MODEL_ID,
      messages: [{ role: 'user', content: 'Tell me about the moon.' }],
      max_completion_tokens: 24,
      min_tokens: 24,
      stream: true,
    };
    const stream = await openai(slow.url).chat.completions.create(params as ChatCompletionCreateParamsStreaming);
    let pieces = 0;
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) pieces++;
    expect(performance.now() - started).toBeGreaterThan(REQUEST_MS);
    expect(pieces).toBeGreaterThan(10);
  });

  it('an idle keep-alive connection is closed after the keep-alive time', async () => {
    let answeredAt = 0;
    const socket = net.connect(port(slow), '127.0.0.1');
    const ended = new Promise<number>((resolve) => socket.once('end', () => resolve(performance.now())));
    socket.on('data', () => (answeredAt ||= performance.now()));
    socket.write(request('GET', '/v1/models', [HOST]));
    const endedAt = await ended;
    socket.destroy();
    expect(answeredAt).toBeGreaterThan(0);
    // Node closes a second after the advertised time, so a client about to reuse it is not cut off.
    expect(endedAt - answeredAt).toBeGreaterThanOrEqual(KEEP_ALIVE_MS + 1000 - 50);
    expect(endedAt - answeredAt).toBeLessThan(KEEP_ALIVE_MS + 1000 + SLACK_MS);
  });
});

describe('connection cap', () => {
  const capLog: string[] = [];
  const capped = useGateway({ maxConnections: 3, log: (line) => capLog.push(line) });

  it('connections beyond maxConnections are closed unanswered; a freed slot serves again', async () => {
    const open = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<net.Socket>((resolve) => {
            const s = net.connect(port(capped), '127.0.0.1', () => resolve(s));
          }),
      ),
    );
    // The server counts a connection once it has accepted it, a moment after the client's connect.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await exchange(port(capped), request('GET', '/v1/models', [HOST]));
    expect(refused.status).toBe(0);
    expect(refused.closed).toBe(true);
    expect(capLog).toContain('refused a connection: 3 are open (maxConnections)');
    open[0]!.destroy();
    await expect.poll(async () => (await exchange(port(capped), request('GET', '/v1/models', [HOST]))).status).toBe(200);
    for (const s of open) s.destroy();
  });
});

describe('an over-limit body', () => {
  const small = useGateway({ maxBodyBytes: 64 * 1024 });

  it('a client still sending its 8 MiB body reads the 413, without a connection reset, again and again', async () => {
    const body = Buffer.alloc(8 * 1024 * 1024, 'x');
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(
        await new Promise<string>((resolve) => {
          const req = http.request(
            {
              host: '127.0.0.1',
              port: port(small),
              method: 'POST',
              path: '/v1/chat/completions',
              headers: { 'Content-Type': 'application/json', 'Content-Length': body.length },
            },
            (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () =>
                setTimeout(() => resolve(`${res.statusCode ?? 0} ${res.headers.connection ?? ''} ${/request_too_large/.test(text)}`), 50),
              );
            },
          );
          req.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code ?? error.message}`));
          req.end(body);
        }),
      );
    }
    expect(outcomes).toEqual(Array(5).fill('413 close true'));
  });

  it('the gateway answers the next connection normally', async () => {
    expect((await exchange(port(small), request('GET', '/v1/models', [HOST]))).status).toBe(200);
  });
});
