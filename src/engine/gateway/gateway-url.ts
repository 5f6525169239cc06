/**
 * Gateway addresses. Users paste "localhost:5273", "http://localhost:5273/v1/" or a hosted
 * endpoint; everything else in the gateway code works with one normalized root URL (no trailing
 * slash, no "/v1"), from which the OpenAI path (`/v1`) and Foundry's management paths are built.
 *
 * Foundry Local sends no CORS headers, so a page cannot call it directly. The playground's own
 * dev and preview servers proxy `/gateway` to one configured target (vite.config.ts) and describe
 * it at `/__gateway-proxy`; when the user's URL is that target, requests go through the proxy.
 */

export const DEFAULT_GATEWAY_URL = 'http://localhost:5273';
export const PROXY_PATH = '/gateway';
export const PROXY_INFO_PATH = '/__gateway-proxy';
/** Set by the proxy on its own error answers (target down), so they are not mistaken for the gateway's. */
export const PROXY_ERROR_HEADER = 'x-gateway-proxy-error';

export class InvalidGatewayUrlError extends Error {
  override readonly name = 'InvalidGatewayUrlError';
}

/** "localhost:5273/v1/" → "http://localhost:5273". Throws an InvalidGatewayUrlError with advice. */
export function normalizeGatewayUrl(input: string): string {
  const text = input.trim();
  if (!text) throw new InvalidGatewayUrlError('Enter the gateway address, for example http://localhost:5273.');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidGatewayUrlError(`"${text}" is not a URL. Use the form http://localhost:5273.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidGatewayUrlError(`The gateway address must start with http:// or https:// (got ${url.protocol}).`);
  }
  if (url.username || url.password) {
    throw new InvalidGatewayUrlError('Put the API key in the key field, not in the address.');
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${url.origin}${path}`;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** Same scheme, port and path, with "localhost" and "127.0.0.1" treated as the same host. */
export function sameGateway(a: string, b: string): boolean {
  try {
    const ua = new URL(normalizeGatewayUrl(a));
    const ub = new URL(normalizeGatewayUrl(b));
    const host = (u: URL): string => (isLoopbackUrl(u.href) ? 'loopback' : u.hostname);
    return ua.protocol === ub.protocol && ua.port === ub.port && host(ua) === host(ub) && ua.pathname === ub.pathname;
  } catch {
    return false;
  }
}

/** What the page's own server says about its proxy (absent on a static host). */
export interface ProxyInfo {
  /** The gateway the proxy forwards to. */
  target: string;
  /** Absolute URL of the proxy root on this page's origin. */
  root: string;
}

/** Asks the page's server whether it proxies a gateway; null on a static host or any error. */
export async function discoverProxy(pageUrl: string, fetcher: typeof fetch = fetch): Promise<ProxyInfo | null> {
  try {
    const response = await fetcher(new URL(PROXY_INFO_PATH, pageUrl).href);
    if (!response.ok) return null;
    const data = (await response.json()) as unknown;
    const target = data && typeof data === 'object' ? (data as Record<string, unknown>)['target'] : undefined;
    if (typeof target !== 'string') return null;
    return { target: normalizeGatewayUrl(target), root: new URL(PROXY_PATH, pageUrl).href };
  } catch {
    return null;
  }
}

/** The root the browser should call for `baseUrl`: the same-origin proxy when it forwards there. */
export function effectiveRoot(baseUrl: string, proxy: ProxyInfo | null): { root: string; viaProxy: boolean } {
  const normalized = normalizeGatewayUrl(baseUrl);
  if (proxy && sameGateway(proxy.target, normalized)) return { root: proxy.root.replace(/\/+$/, ''), viaProxy: true };
  return { root: normalized, viaProxy: false };
}
