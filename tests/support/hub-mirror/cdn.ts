/**
 * The mirror's CDN: a second HTTP server, on another origin, that serves the LFS files the hub
 * redirects to (as huggingface.co redirects weight downloads to cdn-lfs.hf.co). Its URLs are
 * content-addressed (`/repos/{repo hash}/{sha256}` and a signed-looking query), so nothing in them
 * names the file: a client must keep the hub's URL as the file's identity.
 *
 * The page that fetches is cross-origin isolated and the request arrives after a cross-origin
 * redirect (its Origin is then "null"): the CDN allows any origin (`*`), exposes the headers a
 * download reads, answers preflights (Range), and marks its bytes cross-origin (CORP). Checked in
 * Chromium with the app's COEP (credentialless): its fetches are CORS requests, so without CORP
 * they still succeed, but without `access-control-allow-origin` on the CDN every download fails
 * (as a network error, which the app retries). CORP matters to no-cors loads only.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import type { FaultBook } from './faults';
import type { RepoFile } from './repo-files';
import { sendFile } from './send-file';

/** Far in the future, and fixed, so redirect targets are the same on every run. */
const EXPIRES = '4102444800';

/** Where the CDN keeps one repository's file: the path part of its URL. */
export function cdnPath(repoId: string, sha256: string): string {
  const repoHash = crypto.createHash('sha256').update(repoId).digest('hex');
  return `/repos/${repoHash.slice(0, 2)}/${repoHash.slice(2, 4)}/${repoHash}/${sha256}`;
}

export interface Cdn {
  origin: string;
  /** The URL the hub redirects a download of `file` to; the CDN serves it from now on. */
  publish: (repoId: string, file: RepoFile) => string;
  close: () => Promise<void>;
}

interface Published {
  rel: string;
  bytes: Buffer;
  sha256: string;
}

/** Starts the CDN; `record` gets each request's label, `faults` are shared with the hub. */
export async function startCdn(
  faults: FaultBook,
  record: (label: string, req: http.IncomingMessage, url: URL) => void,
  cors = true,
): Promise<Cdn> {
  const published = new Map<string, Published>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://cdn');
    record('cdn:', req, url);
    // Without CORS headers (a proxy that strips them, a CDN that refuses the page) the browser
    // refuses the page every answer.
    if (cors) res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-expose-headers', 'content-length, content-range, etag, accept-ranges, content-disposition');
    res.setHeader('cross-origin-resource-policy', 'cross-origin');
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'GET, HEAD, OPTIONS');
      res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? 'range');
      res.setHeader('access-control-max-age', '3000');
      res.writeHead(204).end();
      return;
    }
    const file = published.get(url.pathname);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code></Error>');
      return;
    }
    const probe = req.method === 'HEAD' || req.headers.range === 'bytes=0-0';
    const name = path.posix.basename(file.rel);
    sendFile(
      req,
      res,
      {
        body: file.bytes,
        headers: {
          'content-type': 'application/octet-stream',
          etag: `"${file.sha256}"`,
          'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(name)}; filename="${name}";`,
        },
        compressible: false,
      },
      // Faults hit downloads (resumed ones too), not probes: that is where a failure costs something.
      probe ? null : faults.take(file.rel),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('hub mirror CDN has no port');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    publish: (repoId, file) => {
      const where = cdnPath(repoId, file.sha256);
      published.set(where, { rel: file.rel, bytes: file.bytes, sha256: file.sha256 });
      const name = path.posix.basename(file.rel);
      const disposition = `inline; filename*=UTF-8''${encodeURIComponent(name)}; filename="${name}";`;
      return `${origin}${where}?response-content-disposition=${encodeURIComponent(disposition)}&Expires=${EXPIRES}&Signature=mirror`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
