/**
 * Who may talk to the gateway. It runs models on the user's machine and has no keys, so:
 * - the Host header must name a loopback address: a web page that rebinds its own DNS name to
 *   127.0.0.1 still sends its own name as Host, and is refused (DNS rebinding defence);
 * - browsers get CORS headers only for allow-listed origins (the playground's dev and preview
 *   servers by default), and a browser request from any other origin is refused outright, so a
 *   page elsewhere cannot make the gateway generate, load or unload even without reading the answer;
 * - a browser request without Origin is refused unless the browser says it came from no other
 *   page (`Sec-Fetch-Site` same-origin or none): that is an `<img>`, `<script>` or link pointing
 *   at the gateway, from another site or from another port of localhost (`same-site`).
 * Non-browser clients (curl, SDKs) send neither header and are not affected by the browser rules.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error';
import { parseOrigin, requestOrigin } from './origin';
import { quote } from './quote';
import type { RequestTarget } from './request-target';

/** The playground's `npm run dev` and `npm run preview` origins. */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = [
  'http://127.0.0.1:5173',
  'http://localhost:5173',
  'http://127.0.0.1:4173',
  'http://localhost:4173',
];

/** Host names always accepted; any port. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** RFC 3986 host (IP literal or reg-name) with an optional port. */
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::(\d{0,5}))?$/;

/** "localhost:5273" -> "localhost", "[::1]:80" -> "[::1]"; lower-cased; null if it is no host[:port]. */
export function hostName(host: string): string | null {
  const match = HOST.exec(host.trim());
  if (!match || Number(match[2] ?? 0) > 65535) return null;
  return match[1]!.toLowerCase();
}

/** An `--allow-host` or `--host` value as the Host header carries it (IPv6 in brackets). */
function allowedHost(value: string): string {
  const bracketed = (value.match(/:/g)?.length ?? 0) >= 2 && !value.startsWith('[') ? `[${value}]` : value;
  const name = hostName(bracketed);
  if (name === null)
    throw new Error(`Invalid host name ${quote(value)}: expected a name or address such as my-laptop.local or 192.168.1.20.`);
  return name;
}

/** `Sec-Fetch-Site` values (W3C Fetch Metadata) saying no other page made the request. */
const OWN_REQUEST = new Set(['same-origin', 'none']);

const loopbackAdvice = 'the gateway only answers requests addressed to localhost, 127.0.0.1 or [::1]';

/** The origin and host rules of one gateway. */
export class AccessPolicy {
  private readonly origins: Set<string>;
  private readonly hosts: Set<string>;

  /**
   * @param extraOrigins added to DEFAULT_ALLOWED_ORIGINS (`--allow-origin`); each must be a full
   *   http(s) origin, or this throws InvalidOriginError.
   * @param extraHosts host names accepted besides loopback (`--allow-host`, or a non-wildcard `--host`).
   */
  constructor(extraOrigins: readonly string[] = [], extraHosts: readonly string[] = []) {
    this.origins = new Set([...DEFAULT_ALLOWED_ORIGINS, ...extraOrigins].map(parseOrigin));
    this.hosts = new Set([...LOOPBACK_HOSTS, ...extraHosts.map(allowedHost)]);
  }

  get allowedOrigins(): string[] {
    return [...this.origins];
  }

  /** Throws 400 for a malformed Host, 403 unless the request may be served at all. */
  check(req: IncomingMessage, target: RequestTarget): void {
    this.checkHost(req.headersDistinct['host']);
    // An absolute-form target names the host itself (RFC 9112 §3.2.2); it must pass too.
    if (target.authority !== null) this.checkHost([target.authority]);
    this.checkBrowser(req);
  }

  private checkHost(values: string[] | undefined): void {
    if (!values?.length) {
      throw new ApiError(400, 'The request has no Host header; HTTP/1.1 requires one (e.g. Host: localhost:5273).', {
        code: 'missing_host',
      });
    }
    if (values.length > 1)
      throw new ApiError(400, 'The request has more than one Host header; send exactly one.', { code: 'invalid_host' });
    const value = values[0]!;
    const name = hostName(value);
    if (name === null) throw new ApiError(400, `Host ${quote(value)} is not a host name with an optional port.`, { code: 'invalid_host' });
    if (!this.hosts.has(name)) {
      throw new ApiError(403, `Host ${quote(value)} is not allowed: ${loopbackAdvice}.`, { code: 'host_not_allowed' });
    }
  }

  private checkBrowser(req: IncomingMessage): void {
    const origins = req.headersDistinct['origin'];
    if (origins !== undefined) {
      const header = origins.join(', ');
      const origin = origins.length === 1 ? requestOrigin(header) : null;
      if (origin === null) {
        throw new ApiError(
          403,
          `Origin ${quote(header)} is not allowed: it names no web page (sandboxed iframes, file: pages and data: URLs send 'null'). ` +
            'Serve the page from an http(s) origin that the gateway allows (--allow-origin).',
          { code: 'origin_not_allowed' },
        );
      }
      if (!this.origins.has(origin)) {
        throw new ApiError(
          403,
          `Origin ${quote(header)} is not allowed. Start the gateway with --allow-origin ${origin} to let that page call it.`,
          {
            code: 'origin_not_allowed',
          },
        );
      }
      return;
    }
    // No Origin: a browser sends none on a no-cors load (<img>, <script>, a link), which no
    // client of this API makes, and GET /openai/unloadall must not be triggerable by an image.
    const sites = req.headersDistinct['sec-fetch-site'];
    if (sites === undefined || (sites.length === 1 && OWN_REQUEST.has(sites[0]!))) return;
    const site = sites.join(', ');
    throw new ApiError(
      403,
      `A browser request without Origin from another page (Sec-Fetch-Site: ${quote(site)}) is not allowed: ` +
        'only a page whose origin the gateway allows may call it, with fetch().',
      { code: 'origin_not_allowed' },
    );
  }

  /** CORS headers for an answer to an allowed origin; none for everyone else. */
  corsHeaders(req: IncomingMessage): Record<string, string> {
    const header = req.headers.origin;
    const origin = header === undefined ? null : requestOrigin(header);
    if (origin === null || !this.origins.has(origin)) return {};
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  }

  /** Headers of the answer to an allowed preflight. */
  preflightHeaders(req: IncomingMessage): Record<string, string> {
    const requested = req.headers['access-control-request-headers'];
    return {
      ...this.corsHeaders(req),
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      // The openai client sends Authorization plus a dozen x-stainless-* headers; the origin is
      // already trusted, so echo whatever it asks for.
      'Access-Control-Allow-Headers': typeof requested === 'string' && requested ? requested : 'Authorization, Content-Type',
      'Access-Control-Max-Age': '600',
      // Chrome's Private/Local Network Access asks this before a page may reach loopback.
      ...(req.headers['access-control-request-private-network'] === 'true' ? { 'Access-Control-Allow-Private-Network': 'true' } : {}),
    };
  }
}
