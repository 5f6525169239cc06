/**
 * The hub's JSON API for one repository: the model info of a revision (`api/models/{repo}` and
 * `.../revision/{rev}`, which with `expand=` params answers only the fields asked for, as the hub
 * does) and the tree listing (`.../tree/{rev}[/{path}]?recursive=true`), paged with
 * `Link: <next>; rel="next"` the way @huggingface/hub's listFiles follows it.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import { treeEntries } from './repo-files';
import { sendJson } from './send-file';

/** What the API needs of a mirrored repository. */
export interface ApiRepo {
  id: string;
  dir: string;
  revision: string;
}

export interface ApiOptions {
  /** The mirror's own origin, for absolute `Link` URLs (the hub's are absolute). */
  origin: string;
  treePageSize: number;
  gzip: boolean;
}

/** A hub error: its status, `X-Error-Code` (which @huggingface/hub reads) and a JSON `error`. */
export function sendError(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
  gzip = false,
): void {
  sendJson(req, res, status, { error: message }, { gzip, headers: { 'x-error-code': code, 'x-error-message': message } });
}

/** The revisions a mirrored repository answers to: its one commit, its branch, and HEAD. */
export function knowsRevision(repo: ApiRepo, revision: string | undefined): boolean {
  return revision === repo.revision || revision === 'main' || revision === 'HEAD';
}

/** The model info the hub returns without `expand`: a few of its fields, `sha` and `cardData` among them. */
function modelInfo(repo: ApiRepo): Record<string, unknown> {
  const files = treeEntries(repo.dir, '', true) ?? [];
  return {
    _id: crypto.createHash('sha1').update(repo.id).digest('hex').slice(0, 24),
    id: repo.id,
    modelId: repo.id,
    author: repo.id.split('/')[0],
    sha: repo.revision,
    lastModified: '2026-01-01T00:00:00.000Z',
    createdAt: '2026-01-01T00:00:00.000Z',
    private: false,
    gated: false,
    disabled: false,
    downloads: 0,
    likes: 0,
    pipeline_tag: 'text-generation',
    library_name: 'transformers.js',
    tags: ['transformers.js', 'onnx', 'text-generation'],
    cardData: { license: 'mit', library_name: 'transformers.js' },
    siblings: files.filter((e) => e.type === 'file').map((e) => ({ rfilename: e.path })),
  };
}

/** `expand=a&expand=b` (or `expand[]=`): only `_id`, `id` and those fields. */
function expanded(info: Record<string, unknown>, url: URL): Record<string, unknown> {
  const fields = [...url.searchParams.getAll('expand'), ...url.searchParams.getAll('expand[]')];
  if (fields.length === 0) return info;
  return Object.fromEntries(Object.entries(info).filter(([key]) => key === '_id' || key === 'id' || fields.includes(key)));
}

/** The cursor of a tree page: where it starts, opaque to clients as the hub's is. */
function cursorAt(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function offsetOf(cursor: string | null): number {
  if (!cursor) return 0;
  try {
    const value = (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { offset?: unknown }).offset;
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : -1;
  } catch {
    return -1;
  }
}

/**
 * Answers `api/models/{owner}/{name}[/revision/{rev} | /tree/{rev}[/{path}]]`; `rest` is what
 * follows the repo id.
 */
export function answerApi(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  repo: ApiRepo,
  rest: string[],
  options: ApiOptions,
): void {
  const [kind, revision, ...folder] = rest;
  if (kind === undefined || kind === 'revision') {
    if (kind === 'revision' && !knowsRevision(repo, revision)) {
      sendError(req, res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`, options.gzip);
      return;
    }
    sendJson(req, res, 200, expanded(modelInfo(repo), url), { gzip: options.gzip });
    return;
  }
  if (kind !== 'tree') {
    sendError(req, res, 404, 'EntryNotFound', `Sorry, we can't find the page you are looking for.`, options.gzip);
    return;
  }
  if (!knowsRevision(repo, revision)) {
    sendError(req, res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`, options.gzip);
    return;
  }
  const recursive = ['true', '1'].includes(url.searchParams.get('recursive') ?? '');
  const entries = treeEntries(repo.dir, folder.join('/'), recursive);
  if (!entries) {
    sendError(req, res, 404, 'EntryNotFound', `${folder.join('/')} does not exist on "${revision}"`, options.gzip);
    return;
  }
  const offset = offsetOf(url.searchParams.get('cursor'));
  if (offset < 0) {
    sendError(req, res, 400, 'BadRequest', 'Invalid cursor', options.gzip);
    return;
  }
  const page = entries.slice(offset, offset + options.treePageSize);
  const headers: Record<string, string> = {};
  if (offset + options.treePageSize < entries.length) {
    const next = new URL(`${url.pathname}${url.search}`, options.origin);
    next.searchParams.set('cursor', cursorAt(offset + options.treePageSize));
    headers['link'] = `<${next.href}>; rel="next"`;
  }
  sendJson(req, res, 200, page, { gzip: options.gzip, headers });
}
