/**
 * A local stand-in for the Hugging Face hub on 127.0.0.1, laid out like it
 * (`/{owner}/{name}/resolve/{revision}/{file}`, `/api/models/{owner}/{name}/tree/{revision}`),
 * serving the bundled models' folders. The real hub cannot be reached here; everything else on
 * the path (the app's hub URL handling, transformers.js, the integrity checks, the cache) is real.
 *
 * Faults are injected per file, the way they happen in the wild: a connection dropped halfway, a
 * body cut short, an HTML error page served with 200, bytes that are not the published ones.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/** How long a dropped connection stays open after its half body was sent. */
const DROP_DELAY_MS = 1000;

export type Fault =
  /**
   * Sends half the body, then destroys the socket a moment later: at once, a busy browser can
   * lose the unread half along with the connection, and a resume would rightly start from 0.
   */
  | 'drop'
  /** Declares the full length but ends the body at half (no Content-Length match). */
  | 'truncate'
  /** Answers 200 with an HTML page, like a captive portal or a misconfigured proxy. */
  | 'html'
  /** Sends the right number of bytes, one of them flipped. */
  | 'corrupt'
  /** Sends half the body, then nothing more until the client gives up (a dead connection). */
  | 'stall';

export interface MirrorRepo {
  /** Folder served as the repository's tree. */
  dir: string;
  /** The only revision the mirror knows (a 40-hex commit id, like the hub's). */
  revision: string;
}

export interface HubMirror {
  url: string;
  /** Every request path, in order. */
  requests: string[];
  /** Applies `fault` to the next `times` requests for a file whose path ends with `file`. */
  fault: (file: string, fault: Fault, times?: number) => void;
  close: () => Promise<void>;
}

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(dir, rel) : [rel];
  });
}

function contentType(file: string): string {
  return file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
}

/** The hub's tree listing: exact sizes, and the LFS sha256 for large files. */
function tree(repo: MirrorRepo): unknown[] {
  return listFiles(repo.dir).map((rel) => {
    const bytes = fs.readFileSync(path.join(repo.dir, rel));
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    return {
      type: 'file',
      path: rel,
      size: bytes.length,
      oid: sha256.slice(0, 40),
      lfs: rel.endsWith('.onnx') ? { oid: sha256, size: bytes.length } : undefined,
    };
  });
}

export async function startHubMirror(repos: Record<string, MirrorRepo>): Promise<HubMirror> {
  const faults = new Map<string, { fault: Fault; times: number }>();
  const requests: string[] = [];

  function takeFault(file: string): Fault | null {
    for (const [suffix, entry] of faults) {
      if (!file.endsWith(suffix) || entry.times <= 0) continue;
      entry.times--;
      return entry.fault;
    }
    return null;
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://mirror');
    const probe = req.headers.range === 'bytes=0-0' || req.method === 'HEAD';
    // Probes (transformers.js asks for byte 0 to learn a file's size) and resumed downloads are
    // marked, so a test can tell them from plain downloads.
    requests.push(probe ? `${url.pathname} [probe]` : req.headers.range ? `${url.pathname} [${req.headers.range}]` : url.pathname);
    // The hub allows any origin; the page is cross-origin isolated, so it also needs CORP.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-expose-headers', 'content-length, content-range, etag');
    res.setHeader('cross-origin-resource-policy', 'cross-origin');
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-headers', '*');
      res.writeHead(204).end();
      return;
    }
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const notFound = (what: string): void => {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `${what} not found` }));
    };

    if (parts[0] === 'api' && parts[1] === 'models') {
      const repoId = `${parts[2]}/${parts[3]}`;
      const repo = repos[repoId];
      if (!repo) {
        notFound(`Repository ${repoId}`);
        return;
      }
      if (parts[4] === 'tree') {
        if (parts[5] !== repo.revision && parts[5] !== 'main') {
          notFound(`Revision ${parts[5]}`);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tree(repo)));
        return;
      }
      if (parts[4] === 'revision' && parts[5] !== repo.revision && parts[5] !== 'main') {
        notFound(`Revision ${parts[5]}`);
        return;
      }
      const info = {
        id: repoId,
        sha: repo.revision,
        pipeline_tag: 'text-generation',
        library_name: 'transformers.js',
        cardData: { license: 'mit' },
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(info));
      return;
    }

    const [owner, name, resolve, revision, ...rest] = parts;
    const repoId = `${owner}/${name}`;
    const repo = repos[repoId];
    if (!repo || resolve !== 'resolve') {
      notFound(`Repository ${repoId}`);
      return;
    }
    if (revision !== repo.revision && revision !== 'main') {
      notFound(`Revision ${revision}`);
      return;
    }
    const rel = rest.join('/');
    const file = path.join(repo.dir, rel);
    if (rel.includes('..') || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      notFound(`Entry ${rel}`);
      return;
    }
    const body = fs.readFileSync(file);
    const headers = {
      'content-type': contentType(rel),
      etag: `"${crypto.createHash('sha256').update(body).digest('hex')}"`,
      'accept-ranges': 'bytes',
    };

    // The part asked for: the whole file, or a range (a resumed download, or a probe).
    let start = 0;
    let end = body.length - 1;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
      if (start >= body.length || start > end) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
    }
    const part = body.subarray(start, end + 1);
    const partHeaders = range
      ? { ...headers, 'content-length': String(part.length), 'content-range': `bytes ${start}-${end}/${body.length}` }
      : { ...headers, 'content-length': String(part.length) };
    const status = range ? 206 : 200;

    // Faults hit downloads (resumed ones too), not probes: that is where a failure costs something.
    const fault = probe ? null : takeFault(rel);
    if (fault === 'html') {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<!doctype html><title>Oops</title><p>Something went wrong.</p>');
      return;
    }
    if (fault === 'corrupt') {
      const copy = Buffer.from(part);
      copy[copy.length >> 1] = (copy[copy.length >> 1] ?? 0) ^ 0xff;
      res.writeHead(status, partHeaders).end(copy);
      return;
    }
    if (fault === 'truncate') {
      // No Content-Length, so the client cannot tell from the headers; only the catalog's size can.
      const { 'content-length': _length, ...noLength } = partHeaders;
      res.writeHead(status, noLength).end(part.subarray(0, part.length >> 1));
      return;
    }
    if (fault === 'stall') {
      res.writeHead(status, partHeaders);
      res.write(part.subarray(0, part.length >> 1));
      return;
    }
    if (fault === 'drop') {
      res.writeHead(status, partHeaders);
      res.write(part.subarray(0, part.length >> 1), () => setTimeout(() => res.destroy(), DROP_DELAY_MS));
      return;
    }
    res.writeHead(status, partHeaders);
    res.end(req.method === 'HEAD' ? undefined : part);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('hub mirror has no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    requests,
    fault: (file, fault, times = 1) => faults.set(file, { fault, times }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
