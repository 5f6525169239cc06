/**
 * HTTP/1.1 over a bare TCP socket, for requests no HTTP client would send: the bytes go out
 * exactly as written (no normalised request line, no added Host), and the answer is parsed by
 * hand, including whether the server closed the connection afterwards.
 */
import net from 'node:net';

export interface SocketAnswer {
  /** Status of the final answer (interim 100 Continue skipped); 0 if the connection closed without one. */
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
  /** The server ended the connection (after the answer, or instead of one). */
  closed: boolean;
  /** The connection was reset rather than closed. */
  reset: boolean;
}

export interface ExchangeOptions {
  /** Wait until the server ends the connection, not just for the answer. */
  untilClosed?: boolean;
  /** Give up (resolving with what arrived) after this long; default 5 s. */
  timeoutMs?: number;
  /** Runs once connected, after `request` is written: e.g. trickle a body. */
  then?: (socket: net.Socket) => void;
}

interface Parsed {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  complete: boolean;
}

function parse(data: Buffer): Parsed | null {
  let offset = 0;
  for (;;) {
    const end = data.indexOf('\r\n\r\n', offset);
    if (end < 0) return null;
    const [statusLine = '', ...lines] = data.subarray(offset, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    offset = end + 4;
    if (status === 100) continue;
    const length = Number(headers['content-length'] ?? NaN);
    const body = data.subarray(offset, Number.isFinite(length) ? offset + length : undefined);
    return { status, headers, body, complete: Number.isFinite(length) ? body.length === length : false };
  }
}

/** Writes `request` on a new connection to 127.0.0.1:`port` and resolves with the answer. */
export function exchange(port: number, request: string | Buffer, options: ExchangeOptions = {}): Promise<SocketAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    let reset = false;
    const settle = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const parsed = parse(Buffer.concat(chunks));
      resolve({
        status: parsed?.status ?? 0,
        headers: parsed?.headers ?? {},
        body: parsed?.body.toString('utf8') ?? '',
        closed,
        reset,
      });
    };
    const timer = setTimeout(settle, options.timeoutMs ?? 5000);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (!options.untilClosed && parse(Buffer.concat(chunks))?.complete) settle();
    });
    socket.on('end', () => {
      closed = true;
      settle();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // Writing into a connection the server has closed fails with EPIPE: that is still a close.
      if (error.code === 'ECONNRESET') reset = true;
      closed = true;
      settle();
    });
    socket.on('connect', () => {
      socket.write(typeof request === 'string' ? Buffer.from(request, 'latin1') : request);
      options.then?.(socket);
    });
  });
}

/** Builds a request: `GET /x HTTP/1.1`, the given header lines (Host included only if listed), CRLFs, body. */
export function request(method: string, target: string, headers: readonly string[], body = '', version = 'HTTP/1.1'): string {
  return `${method} ${target} ${version}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`;
}
