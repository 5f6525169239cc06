/** Shared helpers for the gateway tests: the official openai client and raw node:http requests. */
import http from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll } from 'vitest';
import { startGateway, type Gateway, type GatewayOptions } from '../../gateway/server';

/** The model the tests chat with (the fastest bundled one). */
export const MODEL = 'pocket-chat-1m';
export const MODEL_ID = 'pocket-chat-1m-generic-cpu:1';

/** Starts a gateway on a free port for the file's tests and closes it afterwards. */
export function useGateway(options: GatewayOptions = {}): { readonly url: string; readonly gateway: Gateway } {
  let gateway: Gateway | null = null;
  beforeAll(async () => {
    gateway = await startGateway({ port: 0, ...options });
  });
  afterAll(async () => {
    await gateway?.close();
  });
  return {
    get url() {
      if (!gateway) throw new Error('gateway not started');
      return gateway.url;
    },
    get gateway() {
      if (!gateway) throw new Error('gateway not started');
      return gateway;
    },
  };
}

/** The official client pointed at the gateway; retries off so every status is seen as sent. */
export function openai(url: string, apiKey = 'any-key'): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): unknown;
}

/**
 * One request with full control of the headers (fetch may not set Host), e.g. a foreign Host or
 * Origin. `body` objects are sent as JSON, strings as they are.
 */
export function raw(
  url: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<RawResponse> {
  const target = new URL(path, url);
  const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: init.method ?? (body === undefined ? 'GET' : 'POST'),
        headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...init.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The `error` object of an OpenAI-shaped error answer. */
export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** The `error` object of a raw error answer. */
export function errorOf(res: RawResponse): ErrorBody['error'] {
  return (res.json() as ErrorBody).error;
}

/** Loads a model through the newer Foundry route and checks that it worked. */
export async function loadModel(url: string, id = MODEL_ID): Promise<void> {
  const res = await raw(url, `/models/load/${id}`);
  if (res.status !== 200) throw new Error(`loading ${id} failed: ${res.status} ${res.text}`);
}
