/**
 * An OpenAI-compatible server on 127.0.0.1 whose answers are scripted: the bundled models cannot
 * be made to write a megabyte of pathological Markdown, a model somewhere else can. It speaks
 * what the playground's gateway engine reads (`GET /v1/models`, streamed
 * `POST /v1/chat/completions` with usage), as plain OpenAI servers do (no Foundry routes), and
 * streams at a set pace so the page meets the answer as it would from a fast server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  text: string;
  /** Characters per SSE chunk (a real server sends a token or a few per chunk). */
  chunkChars: number;
  /** Pause between chunks. */
  intervalMs: number;
}

export interface ScriptedGateway {
  url: string;
  /** When the last answer's first and last chunks were written (Date.now()). */
  timings(): { firstChunkAt: number; lastChunkAt: number } | null;
  close(): Promise<void>;
}

/** The model ids it lists; the bundled models' catalog ids resolve to them. */
const MODELS = ['pocket-chat-1m', 'pocket-chat-3m'];

function sse(res: http.ServerResponse, payload: unknown): void {
  res.write(`data: ${JSON.stringify(payload)}\n\n`);
}

export async function startScriptedGateway(port: number, answer: () => ScriptedAnswer): Promise<ScriptedGateway> {
  let timings: { firstChunkAt: number; lastChunkAt: number } | null = null;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: MODELS.map((id) => ({ id, object: 'model', created: 0, owned_by: 'test' })) }));
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: `no route ${req.method ?? ''} ${path ?? ''}`, type: 'invalid_request_error', param: null, code: null },
        }),
      );
      return;
    }
    req.resume();
    req.on('end', () => {
      const { text, chunkChars, intervalMs } = answer();
      const base = { id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: 0, model: MODELS[0] };
      const chunk = (delta: object, finish: string | null): object => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.socket?.setNoDelay(true);
      sse(res, chunk({ role: 'assistant', content: '' }, null));
      const firstChunkAt = Date.now();
      let at = 0;
      let chunks = 0;
      const next = (): void => {
        if (res.destroyed) return;
        if (at >= text.length) {
          sse(res, chunk({}, 'stop'));
          sse(res, { ...base, choices: [], usage: { prompt_tokens: 5, completion_tokens: chunks, total_tokens: 5 + chunks } });
          res.end('data: [DONE]\n\n');
          timings = { firstChunkAt, lastChunkAt: Date.now() };
          return;
        }
        sse(res, chunk({ content: text.slice(at, at + chunkChars) }, null));
        at += chunkChars;
        chunks++;
        setTimeout(next, intervalMs);
      };
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    timings: () => timings,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
