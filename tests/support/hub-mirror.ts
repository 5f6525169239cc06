/**
 * A local stand-in for the Hugging Face hub on 127.0.0.1, behaving like huggingface.co where our
 * code meets it: the model info and tree APIs (sizes, git oids, LFS sha256, paging), `resolve/`
 * answering LFS files (weights) with a 302 to a CDN on a second origin (tests/support/hub-mirror/cdn.ts)
 * and the hub's headers, JSON files gzip-encoded, HEAD answered apart from GET, byte ranges. The
 * real hub cannot be reached here; everything else on the path (the app's hub client,
 * transformers.js, the integrity checks, the cache) is real.
 *
 * All of it is on by default, since that is what users meet; `MirrorOptions` turns parts off.
 * Faults are injected per file where the bytes are served (the CDN, for a redirected file): a
 * connection dropped halfway, a body cut short, an HTML error page served with 200, bytes that are
 * not the published ones.
 */
import http from 'node:http';
import { answerApi, knowsRevision, sendError } from './hub-mirror/api';
import { cdnPath, startCdn } from './hub-mirror/cdn';
import { FaultBook, type Fault } from './hub-mirror/faults';
import { readRepoFile } from './hub-mirror/repo-files';
import { sendFile } from './hub-mirror/send-file';

export type { Fault } from './hub-mirror/faults';

export interface MirrorRepo {
  /** Folder served as the repository's tree. */
  dir: string;
  /** The only commit the mirror knows (a 40-hex id, like the hub's); `main` and `HEAD` point to it. */
  revision: string;
}

/** Parts of the hub's behaviour a test can turn off (all on by default). */
export interface MirrorOptions {
  /** `resolve/` answers LFS files with a 302 to the CDN, as the hub does (else it serves them itself). */
  redirectLfs?: boolean;
  /** JSON files and API answers go gzip-encoded to a request that accepts gzip, as the hub sends them. */
  gzip?: boolean;
  /** Entries per page of the tree API; the rest are linked with `Link: <...>; rel="next"`. */
  treePageSize?: number;
  /** The CDN sends CORS headers (default); false: the browser refuses the page its answers. */
  cdnCors?: boolean;
}

export interface HubMirror {
  url: string;
  /** The CDN's origin (redirect targets), e.g. to tell its requests apart in the page. */
  cdnUrl: string;
  /**
   * Every request, in order: the path for the hub, `cdn:` and the path for the CDN; with
   * ` [probe]` (a `Range: bytes=0-0` size probe), ` [head]`, ` [preflight]` or ` [bytes=N-]`.
   */
  requests: string[];
  /** How `requests` records the CDN's download of `file` of `repo` (its content-addressed path). */
  cdnRequest: (repo: string, file: string) => string;
  /** Applies `fault` to the next `times` downloads of a file whose path ends with `file`. */
  fault: (file: string, fault: Fault, times?: number) => void;
  close: () => Promise<void>;
}

/** What the hub's answers let a cross-origin page read (huggingface.co exposes these). */
const EXPOSED_HEADERS = [
  'X-Repo-Commit',
  'X-Request-Id',
  'X-Error-Code',
  'X-Error-Message',
  'X-Total-Count',
  'ETag',
  'Link',
  'Accept-Ranges',
  'Content-Range',
  'Content-Length',
  'X-Linked-Size',
  'X-Linked-ETag',
].join(',');

/** A request as `requests` records it. */
function label(origin: string, req: http.IncomingMessage, url: URL): string {
  const range = req.headers.range;
  const mark =
    req.method === 'OPTIONS'
      ? ' [preflight]'
      : req.method === 'HEAD'
        ? ' [head]'
        : range === 'bytes=0-0'
          ? ' [probe]'
          : range
            ? ` [${range}]`
            : '';
  return `${origin}${url.pathname}${mark}`;
}

export async function startHubMirror(repos: Record<string, MirrorRepo>, options: MirrorOptions = {}): Promise<HubMirror> {
  const redirectLfs = options.redirectLfs ?? true;
  const gzip = options.gzip ?? true;
  const treePageSize = options.treePageSize ?? 1000;
  const faults = new FaultBook();
  const requests: string[] = [];
  const record = (origin: string, req: http.IncomingMessage, url: URL): void => {
    requests.push(label(origin, req, url));
  };
  const cdn = await startCdn(faults, record, options.cdnCors ?? true);
  let origin = '';

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://mirror');
    record('', req, url);
    // The hub allows any origin; the page is cross-origin isolated, so it also needs CORP.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    res.setHeader('cross-origin-resource-policy', 'cross-origin');
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'GET, HEAD, OPTIONS');
      res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? '*');
      res.writeHead(204).end();
      return;
    }
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);

    if (parts[0] === 'api' && parts[1] === 'models') {
      const repoId = `${parts[2]}/${parts[3]}`;
      const repo = repos[repoId];
      if (!repo) {
        sendError(req, res, 404, 'RepoNotFound', `Repository ${repoId} not found`, gzip);
        return;
      }
      answerApi(req, res, url, { id: repoId, ...repo }, parts.slice(4), { origin, treePageSize, gzip });
      return;
    }

    const [owner, name, resolve, revision, ...rest] = parts;
    const repoId = `${owner}/${name}`;
    const repo = repos[repoId];
    if (!repo || resolve !== 'resolve') {
      sendError(req, res, 404, 'RepoNotFound', `Repository ${repoId} not found`);
      return;
    }
    if (!knowsRevision({ id: repoId, ...repo }, revision)) {
      sendError(req, res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
      return;
    }
    const file = readRepoFile(repo.dir, rest.join('/'));
    if (!file) {
      sendError(req, res, 404, 'EntryNotFound', `Entry not found: ${rest.join('/')}`);
      return;
    }
    const commit = { 'x-repo-commit': repo.revision };
    if (file.lfs && redirectLfs) {
      // The hub's redirect: the size and sha256 ride along, so a HEAD learns them without the CDN.
      const location = cdn.publish(repoId, file);
      const text = `Found. Redirecting to ${location}`;
      res
        .writeHead(302, {
          ...commit,
          location,
          'x-linked-size': String(file.lfs.size),
          'x-linked-etag': `"${file.lfs.oid}"`,
          etag: `"${file.gitOid}"`,
          'accept-ranges': 'bytes',
          'content-type': 'text/plain; charset=utf-8',
          'content-length': String(Buffer.byteLength(text)),
          vary: 'Origin, Accept',
        })
        .end(req.method === 'HEAD' ? undefined : text);
      return;
    }
    const probe = req.method === 'HEAD' || req.headers.range === 'bytes=0-0';
    const json = file.rel.endsWith('.json');
    sendFile(
      req,
      res,
      {
        body: file.bytes,
        headers: {
          ...commit,
          'content-type': json ? 'application/json' : 'application/octet-stream',
          etag: `"${file.lfs ? file.sha256 : file.gitOid}"`,
          ...(file.lfs ? { 'x-linked-size': String(file.lfs.size), 'x-linked-etag': `"${file.lfs.oid}"` } : {}),
        },
        compressible: gzip && json,
      },
      // Faults hit downloads (resumed ones too), not probes: that is where a failure costs something.
      probe ? null : faults.take(file.rel),
    );
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('hub mirror has no port');
  origin = `http://127.0.0.1:${address.port}`;
  return {
    url: `${origin}/`,
    cdnUrl: `${cdn.origin}/`,
    requests,
    cdnRequest: (repo, path) => {
      const dir = repos[repo]?.dir;
      const file = dir === undefined ? null : readRepoFile(dir, path);
      if (!file) throw new Error(`the mirror has no ${repo}/${path}`);
      return `cdn:${cdnPath(repo, file.sha256)}`;
    },
    fault: (file, fault, times = 1) => faults.set(file, fault, times),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await cdn.close();
    },
  };
}
