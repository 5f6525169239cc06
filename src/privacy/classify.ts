/**
 * Where a request went, in the four groups the privacy meter shows: the app's own origin, the
 * model hub, the gateway (directly or through the same-origin proxy), or anything else.
 */
export type Destination = 'app' | 'hub' | 'gateway' | 'other';

export interface Destinations {
  pageUrl: string;
  hubUrl: string;
  gatewayUrl: string;
  /** The same-origin path that forwards to the gateway ("/gateway"). */
  proxyPath: string;
}

/** Hosts the hub redirects file downloads to. */
const HUB_HOSTS = /(^|\.)huggingface\.co$|(^|\.)hf\.co$/;

function origin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** null for what never leaves the page (blob:, data:) or cannot be parsed. */
export function classifyRequest(url: string, where: Destinations): Destination | null {
  let parsed: URL;
  try {
    parsed = new URL(url, where.pageUrl);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  const page = new URL(where.pageUrl);
  if (parsed.origin === page.origin) {
    const proxied = parsed.pathname === where.proxyPath || parsed.pathname.startsWith(`${where.proxyPath}/`);
    return proxied ? 'gateway' : 'app';
  }
  if (parsed.origin === origin(where.gatewayUrl)) return 'gateway';
  if (parsed.origin === origin(where.hubUrl) || HUB_HOSTS.test(parsed.hostname)) return 'hub';
  return 'other';
}
