/**
 * Sending a file's bytes the way the hub and its CDN do: byte ranges (206 + Content-Range, 416),
 * gzip for a whole text file when the request accepts it and CloudFront would compress it
 * (Content-Length is then the compressed size), HEAD with the headers of the GET and no body, and the injected faults.
 */
import type http from 'node:http';
import zlib from 'node:zlib';
import type { Fault } from './faults';

/** How long a dropped connection stays open after its half body was sent. */
const DROP_DELAY_MS = 1000;

/**
 * The hub's answers pass through CloudFront, which compresses bodies of 1,000 to 10,000,000
 * bytes only (and then turns a strong ETag into a weak one).
 */
const GZIP_MIN_BYTES = 1000;
const GZIP_MAX_BYTES = 10_000_000;

function gzipWorthy(req: http.IncomingMessage, body: Buffer): boolean {
  return body.length >= GZIP_MIN_BYTES && body.length <= GZIP_MAX_BYTES && acceptsGzip(req);
}

function weakEtag(etag: string | undefined): string | undefined {
  return etag === undefined || etag.startsWith('W/') ? etag : `W/${etag}`;
}

export interface FileToSend {
  body: Buffer;
  /** Content-Type, ETag and whatever else the origin sends with every answer for this file. */
  headers: Record<string, string>;
  /** Sent gzip-encoded to a whole-file request that accepts gzip (the hub does so for JSON). */
  compressible: boolean;
}

/** Whether Accept-Encoding allows gzip (present and not `gzip;q=0`). */
export function acceptsGzip(req: http.IncomingMessage): boolean {
  const header = req.headers['accept-encoding'] ?? '';
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().split(';');
    return name?.trim() === 'gzip' && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });
}

/** Answers `req` with `file`, or part of it, with `fault` applied to the bytes on the wire. */
export function sendFile(req: http.IncomingMessage, res: http.ServerResponse, file: FileToSend, fault: Fault | null): void {
  const { body } = file;
  const headers: Record<string, string> = { ...file.headers, 'accept-ranges': 'bytes' };
  if (file.compressible) headers['vary'] = 'Accept-Encoding';
  let status = 200;
  let wire = body;
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (range) {
    // A range is of the file itself, never compressed (the hub sends ranges as they are).
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
    if (start >= body.length || start > end) {
      res.writeHead(416, { ...headers, 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    status = 206;
    wire = body.subarray(start, end + 1);
    headers['content-range'] = `bytes ${start}-${end}/${body.length}`;
  } else if (file.compressible && gzipWorthy(req, body)) {
    wire = zlib.gzipSync(body);
    headers['content-encoding'] = 'gzip';
    const etag = weakEtag(headers['etag']);
    if (etag) headers['etag'] = etag;
  }
  headers['content-length'] = String(wire.length);

  if (req.method === 'HEAD') {
    res.writeHead(status, headers).end();
    return;
  }
  if (fault === 'html') {
    res
      .writeHead(200, { ...file.headers, 'content-type': 'text/html; charset=utf-8' })
      .end('<!doctype html><title>Oops</title><p>Something went wrong.</p>');
    return;
  }
  if (fault === 'corrupt') {
    const copy = Buffer.from(wire);
    copy[copy.length >> 1] = (copy[copy.length >> 1] ?? 0) ^ 0xff;
    res.writeHead(status, headers).end(copy);
    return;
  }
  if (fault === 'truncate') {
    // No Content-Length, so the client cannot tell from the headers; only the catalog's size can.
    const { 'content-length': _length, ...noLength } = headers;
    res.writeHead(status, noLength).end(wire.subarray(0, wire.length >> 1));
    return;
  }
  if (fault === 'stall') {
    res.writeHead(status, headers);
    res.write(wire.subarray(0, wire.length >> 1));
    return;
  }
  if (fault === 'drop') {
    res.writeHead(status, headers);
    res.write(wire.subarray(0, wire.length >> 1), () => setTimeout(() => res.destroy(), DROP_DELAY_MS));
    return;
  }
  res.writeHead(status, headers).end(wire);
}

/** A JSON answer of an API, gzip-encoded when the request accepts it (as the hub's are). */
export function sendJson(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  value: unknown,
  options: { gzip: boolean; headers?: Record<string, string> },
): void {
  const body = Buffer.from(JSON.stringify(value));
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', ...options.headers };
  const encoded = options.gzip && gzipWorthy(req, body);
  const wire = encoded ? zlib.gzipSync(body) : body;
  if (encoded) headers['content-encoding'] = 'gzip';
  if (options.gzip) headers['vary'] = 'Accept-Encoding';
  headers['content-length'] = String(wire.length);
  res.writeHead(status, headers).end(req.method === 'HEAD' ? undefined : wire);
}
