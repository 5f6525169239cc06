/**
 * Web origins as the gateway's allow-list holds them. A browser sends `Origin: scheme://host[:port]`
 * for an http(s) page, and the literal `null` for everything without such an origin (sandboxed
 * iframes, file: pages, data: URLs, some redirects). Only the former can name one page, so the
 * allow-list takes nothing else: `null` would let any sandboxed iframe or data: page in, and a
 * value such as `file:///x.html` or `localhost:3000` (no scheme) used to be accepted and turned
 * into exactly that `null`.
 */
import { quote } from './quote';

/** The accepted form, for messages. */
export const ORIGIN_FORM = 'expected an origin of the form http(s)://host[:port], e.g. http://localhost:3000';

/** A value that is not a web origin; `reason` says why, for a person. */
export class InvalidOriginError extends Error {
  override name = 'InvalidOriginError';
  constructor(
    readonly value: string,
    readonly reason: string,
  ) {
    super(`Invalid origin ${quote(value)}: ${reason}; ${ORIGIN_FORM}.`);
  }
}

function reject(value: string): string | null {
  const text = value.trim();
  if (text === 'null') return `'null' is what sandboxed iframes, file: pages and data: URLs send, so it can never be allowed`;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) return 'it has no scheme';
  if (!URL.canParse(text)) return 'it is not a URL';
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http and https pages have an origin (this is ${url.protocol})`;
  if (url.username || url.password) return 'it contains a user name or password';
  if (!url.hostname) return 'it has no host';
  // What follows scheme://host:port, as written (URL would fold `/.` and drop an empty `?`).
  const rest = text.replace(/^[^:]+:\/\/[^/?#]*/, '');
  if (/[?#]/.test(rest)) return 'it has a query or fragment; an origin ends after the host and port';
  if (rest !== '' && rest !== '/') return `it has a path (${quote(rest)}); an origin ends after the host and port`;
  return null;
}

/**
 * `http://LOCALHOST:3000/` -> `http://localhost:3000`. Throws InvalidOriginError for anything that
 * is not a full http(s) origin. Used for `--allow-origin` and `startGateway({ allowOrigins })`.
 */
export function parseOrigin(value: string): string {
  const reason = reject(value);
  if (reason !== null) throw new InvalidOriginError(value, reason);
  return new URL(value.trim()).origin;
}

/** A request's Origin header normalised like parseOrigin, or null if it is no http(s) origin. */
export function requestOrigin(header: string): string | null {
  return reject(header) === null ? new URL(header.trim()).origin : null;
}
