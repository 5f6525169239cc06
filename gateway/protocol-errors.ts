/**
 * Answers for what node:http never hands to the request handler: a request line or header it
 * cannot parse, a request that does not arrive within the time limits, `CONNECT`. Node's own
 * answer to these is a bare status line; the gateway's is an OpenAI-shaped JSON error like every
 * other, so a client (or a person with curl) reads what went wrong. The connection closes after.
 */
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { lingeringClose } from './answer-close';
import { ApiError } from './api-error';
import type { ServerLimits } from './server-limits';

/** The response in progress on each connection, so a protocol error never writes into the middle of one. */
const responses = new WeakMap<Duplex, ServerResponse>();
/** Connections already answered and closing: the parser reports its error again for every later packet. */
const answered = new WeakSet<Duplex>();

/** Called by the request handler for each response, before anything is written. */
export function trackResponse(req: IncomingMessage, res: ServerResponse): void {
  responses.set(req.socket, res);
}

/** A whole `Connection: close` error answer, for a socket that has no ServerResponse. */
function rawAnswer(error: ApiError): string {
  const body = JSON.stringify(error.toBody());
  return [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

interface ParseError extends Error {
  code?: string;
  /** llhttp's reason, e.g. "Invalid header value char". */
  reason?: string;
}

/** The answer to a parse or timeout error; null when the socket itself failed (nobody to answer). */
function answerFor(error: ParseError, limits: ServerLimits): ApiError | null {
  const code = error.code ?? '';
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new ApiError(
      408,
      `The request did not arrive in time: the gateway waits ${limits.headersTimeoutMs} ms for the headers and ` +
        `${limits.requestTimeoutMs} ms for the whole request.`,
      { code: 'request_timeout' },
    );
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new ApiError(
      431,
      'The request line and headers are larger than the gateway accepts (16 KiB); send a shorter URL or fewer headers.',
      {
        code: 'headers_too_large',
      },
    );
  }
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') {
    return new ApiError(413, 'The chunk extensions of the request body are too large.', { code: 'request_too_large' });
  }
  if (!code.startsWith('HPE_')) return null;
  const reason = (error.reason ?? code).slice(0, 200);
  return new ApiError(400, `The request is not valid HTTP/1.1: ${reason} (${code}).`, { code: 'malformed_request' });
}

/** Installs the `clientError` and `connect` answers on `server`. */
export function answerProtocolErrors(server: Server, limits: ServerLimits, log: (line: string) => void): void {
  server.on('clientError', (error: ParseError, socket) => {
    if (answered.has(socket)) return;
    answered.add(socket);
    const answer = answerFor(error, limits);
    const inFlight = responses.get(socket);
    // The socket failed (the client reset it): there is nobody to answer.
    if (!answer || !socket.writable) {
      socket.destroy();
      return;
    }
    // Mid-answer: a status line now would corrupt the answer being sent; only close.
    if (inFlight?.headersSent === true && !inFlight.writableFinished) {
      log(`${answer.status} ${error.code ?? ''} during an answer: closed the connection`);
      lingeringClose(socket);
      return;
    }
    log(`${answer.status} ${error.code ?? ''}`);
    socket.write(rawAnswer(answer));
    lingeringClose(socket);
  });
  // node:http hands CONNECT over as a raw socket and, without a listener, drops it unanswered.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    answered.add(socket);
    const error = new ApiError(405, 'CONNECT is not supported: the gateway is not a proxy.', { code: 'method_not_allowed' });
    log('CONNECT 405');
    socket.on('error', () => undefined);
    socket.write(rawAnswer(error));
    lingeringClose(socket);
  });
}
