/**
 * Who may talk to the gateway. It runs models on the user's machine and has no keys, so:
 * - the Host header must name a loopback address: a web page that rebinds its own DNS name to
 *   127.0.0.1 still sends its own name as Host, and is refused (DNS rebinding defence);
 * - browsers get CORS headers only for allow-listed origins (the playground's dev and preview
 *   servers by default), and a browser request from any other origin is refused outright, so a
 *   page elsewhere cannot make the gateway generate, load or unload even without reading the answer.
 * Non-browser clients (curl, SDKs) send no Origin and are not affected by the origin rules.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors';

/** The playground's `npm run dev` and `npm run preview` origins. */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = [
  'http://127.0.0.1:5173',
  'http://localhost:5173',
  'http://127.0.0.1:4173',
  'http://localhost:4173',
];

/** Host names always accepted; any port. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** "localhost:5273" -> "localhost", "[::1]:80" -> "[::1]"; lower-cased. */
function hostName(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end < 0 ? value : value.slice(0, end + 1);
  }
  const colon = value.indexOf(':');
  return colon < 0 ? value : value.slice(0, colon);
}

/** Normalises an origin for comparison ("http://LOCALHOST:5173/" -> "http://localhost:5173"). */
export function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin.trim();
  }
}

/** The origin and host rules of one gateway. */
export class AccessPolicy {
  private readonly origins: Set<string>;
  private readonly hosts: Set<string>;

  /**
   * @param extraOrigins added to DEFAULT_ALLOWED_ORIGINS (`--allow-origin`).
   * @param extraHosts host names accepted besides loopback (`--allow-host`, or a non-wildcard `--host`).
   */
  constructor(extraOrigins: readonly string[] = [], extraHosts: readonly string[] = []) {
    this.origins = new Set([...DEFAULT_ALLOWED_ORIGINS, ...extraOrigins].map(normalizeOrigin));
    this.hosts = new Set([...LOOPBACK_HOSTS, ...extraHosts.map(hostName)]);
  }

  get allowedOrigins(): string[] {
    return [...this.origins];
  }

  /** Throws 403 unless the request may be served at all. */
  check(req: IncomingMessage): void {
    const host = req.headers.host;
    if (!host || !this.hosts.has(hostName(host))) {
      throw new ApiError(
        403,
        `Host '${host ?? ''}' is not allowed: the gateway only answers requests addressed to localhost, 127.0.0.1 or [::1].`,
        { code: 'host_not_allowed' },
      );
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !this.origins.has(normalizeOrigin(origin))) {
      throw new ApiError(
        403,
        `Origin '${origin}' is not allowed. Start the gateway with --allow-origin ${origin} to let that page call it.`,
        { code: 'origin_not_allowed' },
      );
    }
    // A cross-site request without Origin is a no-cors load (<img>, <script>, a link): no real
    // client of this API sends one, and GET /openai/unloadall must not be triggerable by an image.
    if (origin === undefined && req.headers['sec-fetch-site'] === 'cross-site') {
      throw new ApiError(403, 'Cross-site requests without an Origin are not allowed.', { code: 'origin_not_allowed' });
    }
  }

  /** CORS headers for an answer to an allowed origin; none for everyone else. */
  corsHeaders(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    if (origin === undefined || !this.origins.has(normalizeOrigin(origin))) return {};
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
