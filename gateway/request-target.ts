/**
 * The request target (the path in `GET /v1/models HTTP/1.1`), read without trusting it. node:http
 * hands it over as sent, and `new URL(target, base)` reads `//x` as a host and throws on `//` or
 * `http://[/`, so the target is checked against RFC 9112's forms here and nothing else in the
 * gateway parses it:
 * - origin-form `/path?query`: the path is kept exactly as sent (no dot-segment folding, no
 *   decoding) so what is matched and logged is what the client asked for;
 * - absolute-form `http://host:port/path` (RFC 9112 §3.2.2: servers must accept it): its
 *   authority is handed back to be checked like a Host header;
 * - asterisk-form `*`, only for OPTIONS.
 */
import { ApiError } from './api-error';
import { quote } from './quote';

/** Longer targets get 414. Node refuses a request line and headers over 16 KiB with 431 anyway. */
export const MAX_TARGET_LENGTH = 8 * 1024;

export interface RequestTarget {
  /** The path as sent, percent-encoding intact (`*` for `OPTIONS *`). */
  pathname: string;
  query: URLSearchParams;
  /** The host[:port] of an absolute-form target; null otherwise. */
  authority: string | null;
}

// RFC 3986 pchar (unreserved, sub-delims, ':', '@', pct-encoded) plus '/' in the path, '?' too in
// the query. Anything else (space, '\', '#', '"', '<', '{', '|', non-ASCII...) must be encoded.
const PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const QUERY = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;
const NOT_ALLOWED = /[^A-Za-z0-9\-._~!$&'()*+,;=:@%/?]/u;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;
const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;

function invalid(message: string): ApiError {
  return new ApiError(400, message, { code: 'invalid_request_target' });
}

/** `/path?query`; `target` starts with '/'. */
function originForm(target: string): { pathname: string; query: URLSearchParams } {
  const mark = target.indexOf('?');
  const pathname = mark < 0 ? target : target.slice(0, mark);
  const search = mark < 0 ? '' : target.slice(mark + 1);
  if (!PATH.test(pathname) || !QUERY.test(search)) {
    const bad = NOT_ALLOWED.exec(target)?.[0] ?? '';
    throw invalid(`The request target ${quote(target)} is not a valid path: the character ${quote(bad)} must be percent-encoded.`);
  }
  if (BAD_PERCENT.test(target)) {
    throw invalid(`The request target ${quote(target)} is not correctly percent-encoded: every % must be followed by two hex digits.`);
  }
  return { pathname, query: new URLSearchParams(search) };
}

/** Parses `req.url`; throws ApiError 400 (or 414) saying what is wrong with it. */
export function parseRequestTarget(method: string, target: string | undefined): RequestTarget {
  if (!target) throw invalid('The request has no target; send a path such as /v1/models.');
  if (target.length > MAX_TARGET_LENGTH) {
    throw new ApiError(414, `The request target is ${target.length} characters long; the gateway accepts at most ${MAX_TARGET_LENGTH}.`, {
      code: 'request_target_too_long',
    });
  }
  if (target === '*') {
    if (method !== 'OPTIONS') throw invalid(`The request target '*' only goes with OPTIONS, not ${quote(method)}.`);
    return { pathname: '*', query: new URLSearchParams(), authority: null };
  }
  if (target.startsWith('/')) return { ...originForm(target), authority: null };
  const absolute = ABSOLUTE.exec(target);
  if (absolute) {
    const [, scheme = '', authority = '', rest = ''] = absolute;
    if (scheme.toLowerCase() !== 'http') {
      throw invalid(`The request target ${quote(target)} names the scheme ${quote(scheme)}; the gateway speaks plain http.`);
    }
    if (authority.includes('@'))
      throw invalid(`The request target ${quote(target)} carries a user name; send credentials in Authorization.`);
    return { ...originForm(rest.startsWith('/') ? rest : `/${rest}`), authority };
  }
  throw invalid(`The request target ${quote(target)} is not a path; send a path such as /v1/models.`);
}
