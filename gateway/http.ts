/**
 * Small node:http helpers: JSON bodies with a size limit, JSON and empty answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors';

/** Default request body limit: chat requests for 512-token models are a few KiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Past this many bytes an oversized body is no longer drained but the connection is dropped: the
 * 413 is only readable by a client that finishes sending, yet nobody may stream forever at us.
 */
const DRAIN_LIMIT_FACTOR = 8;

function tooLarge(limit: number): ApiError {
  return new ApiError(413, `The request body is larger than the gateway accepts (${limit} bytes).`, {
    code: 'request_too_large',
  });
}

/** Reads the whole body and parses it as JSON; 413 over `limit` bytes, 400 for malformed JSON. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const chunks: Buffer[] = [];
  let size = 0;
  let over = Number.isFinite(declared) && declared > limit;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) over = true;
    if (over) {
      if (size > limit * DRAIN_LIMIT_FACTOR) {
        req.socket.destroy();
        throw tooLarge(limit);
      }
      continue;
    }
    chunks.push(chunk);
  }
  if (over) throw tooLarge(limit);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw new ApiError(400, 'The request body is empty; send a JSON object.', { code: 'invalid_json' });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError(400, `The request body is not valid JSON: ${reason}.`, { code: 'invalid_json' });
  }
}

/** Answers with a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Answers 200 with no body (Foundry's older service answers load and unload this way). */
export function sendEmpty(res: ServerResponse, status = 200, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'Content-Length': 0 });
  res.end();
}

/** Answers with an API error, unless the answer has already started (then it just ends). */
export function sendError(res: ServerResponse, error: ApiError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, error.status, error.toBody(), { ...error.headers });
}
