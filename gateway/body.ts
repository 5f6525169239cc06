/**
 * Request bodies: JSON only, within a size limit.
 * - `Content-Type` must be application/json. text/plain, form and multipart bodies are what a web
 *   page may POST without a CORS preflight, so parsing them as JSON would let any page send chat
 *   requests; no client of this API sends them.
 * - A declared `Content-Length` over the limit is refused before a byte of the body is read; a
 *   chunked body is refused as soon as it passes the limit. The rest of the body is left unread,
 *   so the answer closes the connection (see answer-close.ts).
 */
import type { IncomingMessage } from 'node:http';
import { ApiError, ClientGoneError } from './api-error';
import { quote } from './quote';
import { errorMessage } from '../src/errors/error-message';

/** Default request body limit: chat requests for 512-token models are a few KiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function tooLarge(limit: number): ApiError {
  return new ApiError(413, `The request body is larger than the gateway accepts (${limit} bytes).`, { code: 'request_too_large' });
}

/** Throws 415 unless the request says its body is JSON (in UTF-8, the only encoding JSON has). */
export function checkJsonContentType(req: IncomingMessage): void {
  const header = req.headers['content-type'];
  const [type = '', ...params] = (header ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"(.*)"$/, '$1');
  if (type === 'application/json' && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) return;
  const sent = header === undefined ? 'no Content-Type' : `Content-Type ${quote(header)}`;
  throw new ApiError(415, `The request has ${sent}; send the body as JSON with Content-Type: application/json.`, {
    code: 'unsupported_media_type',
  });
}

/**
 * Throws 400 (or 417) for framing the gateway will not guess at: a Transfer-Encoding other than
 * chunked (RFC 9112 §6.1: the body length cannot be known), an Expect it cannot meet, and a body
 * on a request that takes none (it would sit unread in front of the next request).
 */
export function checkFraming(req: IncomingMessage): void {
  const coding = req.headers['transfer-encoding'];
  if (coding !== undefined && coding.trim().toLowerCase() !== 'chunked') {
    throw new ApiError(400, `Transfer-Encoding ${quote(coding)} is not supported; send the body with Content-Length or chunked.`, {
      code: 'unsupported_transfer_encoding',
    });
  }
  const expect = req.headers.expect;
  if (expect !== undefined && expect.trim().toLowerCase() !== '100-continue') {
    throw new ApiError(417, `Expect ${quote(expect)} cannot be met; the gateway only knows Expect: 100-continue.`, {
      code: 'expectation_failed',
    });
  }
  if ((req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') && hasBody(req)) {
    throw new ApiError(400, `A ${req.method} request carries no body; send it without one.`, { code: 'unexpected_body' });
  }
}

/** Whether the request announces a body (Content-Length above 0, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** Reads the whole body (at most `limit` bytes); rejects with 413 past it, ClientGoneError if the client leaves. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  // node:http has already refused a malformed or duplicated Content-Length (400).
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error: Error | null): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      // Stop collecting but keep the stream flowing: what still arrives is discarded, not buffered.
      if (size > limit) {
        finish(tooLarge(limit));
        req.resume();
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = (): void => finish(null);
    const onClose = (): void => finish(new ClientGoneError('The client disconnected while sending its request.'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onClose);
  });
}

/** Reads and parses a JSON body: 415 for another Content-Type, 413 over `limit`, 400 for bad JSON. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  checkJsonContentType(req);
  const text = (await readBody(req, limit)).toString('utf8');
  if (!text.trim()) throw new ApiError(400, 'The request body is empty; send a JSON object.', { code: 'invalid_json' });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // V8 quotes a few characters of the input; still cut, in case that changes.
    const reason = errorMessage(error).slice(0, 300);
    throw new ApiError(400, `The request body is not valid JSON: ${reason}.`, { code: 'invalid_json' });
  }
}
