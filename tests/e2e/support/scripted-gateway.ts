/**
 * An OpenAI-compatible server on 127.0.0.1 whose answers are scripted: the bundled models cannot
 * be made to write a megabyte of pathological Markdown, or to reason like gpt-oss; a model
 * somewhere else can. It speaks what the playground's gateway engine reads (`GET /v1/models`,
 * streamed `POST /v1/chat/completions` with usage, `reasoning_content` deltas as vLLM and
 * Foundry Local send gpt-oss' reasoning), as plain OpenAI servers do (no Foundry routes), streams
 * at a set pace so the page meets the answer as it would from a fast server, can hold a chunk back
 * until the test lets it go, and keeps each request body for the test to read.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  text: string;
  /** Characters per SSE chunk (a real server sends a token or a few per chunk). */
  chunkChars: number;
  /** Pause between chunks. */
  intervalMs: number;
  /** Reasoning streamed before the text, as `delta.reasoning_content` chunks of `chunkChars`. */
  reasoning?: string;
  /** `usage.completion_tokens_details.reasoning_tokens`; absent: one per reasoning chunk. */
  reasoningTokens?: number;
  /** Chunk n (reasoning chunks first, then text chunks, from 0) waits for its promise. */
  holds?: ReadonlyMap<number, Promise<unknown>>;
}

export interface ScriptedGateway {
  url: string;
  /** When the last answer's first and last chunks were written (Date.now()). */
  timings(): { firstChunkAt: number; lastChunkAt: number } | null;
  /** The JSON bodies of the chat requests so far, in order. */
  requests(): unknown[];
  close(): Promise<void>;
}

/** The model ids it lists; the bundled models' catalog ids resolve to them. */
const MODELS = ['pocket-chat-1m', 'pocket-chat-3m'];

function sse(res: http.ServerResponse, payload: unknown): void {
  res.write(`data: ${JSON.stringify(payload)}\n\n`);
}

/** `models`: the ids it lists (default: the bundled models' catalog ids). */
export async function startScriptedGateway(
  port: number,
  answer: () => ScriptedAnswer,
  models: readonly string[] = MODELS,
): Promise<ScriptedGateway> {
  let timings: { firstChunkAt: number; lastChunkAt: number } | null = null;
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'test' })) }));
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
    const received: Buffer[] = [];
    req.on('data', (c: Buffer) => received.push(c));
    req.on('end', () => {
      try {
        bodies.push(JSON.parse(Buffer.concat(received).toString('utf8')));
      } catch {
        bodies.push(null);
      }
      const { text, chunkChars, intervalMs, reasoning = '', reasoningTokens, holds } = answer();
      const base = { id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: 0, model: models[0] };
      const chunk = (delta: object, finish: string | null): object => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
      const pieces = (all: string, field: 'reasoning_content' | 'content'): object[] => {
        const out: object[] = [];
        for (let at = 0; at < all.length; at += chunkChars) out.push({ [field]: all.slice(at, at + chunkChars) });
        return out;
      };
      const thoughts = pieces(reasoning, 'reasoning_content');
      const deltas = [...thoughts, ...pieces(text, 'content')];
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.socket?.setNoDelay(true);
      sse(res, chunk({ role: 'assistant', content: '' }, null));
      const firstChunkAt = Date.now();
      let index = 0;
      const next = (): void => {
        if (res.destroyed) return;
        if (index >= deltas.length) {
          const thinking = reasoningTokens ?? thoughts.length;
          const completion = thinking + deltas.length - thoughts.length;
          const details = thoughts.length ? { completion_tokens_details: { reasoning_tokens: thinking } } : {};
          sse(res, chunk({}, 'stop'));
          sse(res, {
            ...base,
            choices: [],
            usage: { prompt_tokens: 5, completion_tokens: completion, total_tokens: 5 + completion, ...details },
          });
          res.end('data: [DONE]\n\n');
          timings = { firstChunkAt, lastChunkAt: Date.now() };
          return;
        }
        const send = (): void => {
          if (res.destroyed) return;
          sse(res, chunk(deltas[index]!, null));
          index++;
          setTimeout(next, intervalMs);
        };
        const hold = holds?.get(index);
        if (hold) void hold.then(send);
        else send();
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
    requests: () => [...bodies],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
