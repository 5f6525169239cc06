/**
 * Whether a request to the dev or preview server came from the app's own pages. The `/gateway`
 * proxy strips Origin before forwarding (the gateway would otherwise see this server's random
 * port), so the gateway cannot tell a page on another localhost port from the app: this check,
 * made before forwarding, is the only one.
 *
 * Node-only: used by gateway-proxy.ts, never bundled.
 */
import type { IncomingMessage } from 'node:http';

/** `Sec-Fetch-Site` values that say no other page sent the request (a typed URL is `none`). */
const OWN = new Set(['same-origin', 'none']);

function originOf(url: string): string | null {
  return URL.canParse(url) ? new URL(url).origin : null;
}

/** This server's origin as the browser sees it: scheme plus the Host header it was reached by. */
function ownOrigin(req: IncomingMessage): string | null {
  const host = req.headers.host;
  if (host === undefined) return null;
  const scheme = 'encrypted' in req.socket ? 'https' : 'http';
  return originOf(`${scheme}://${host}`);
}

/**
 * Why `req` must not be forwarded, or null if it may. Allowed: the app's own pages (Sec-Fetch-Site
 * same-origin, Origin equal to this server's) and non-browser clients that send neither header.
 */
export function foreignRequestReason(req: IncomingMessage): string | null {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && !OWN.has(site)) return `the browser says it came from another page (Sec-Fetch-Site: ${site.slice(0, 40)})`;
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  const own = ownOrigin(req);
  if (own === null || originOf(origin) !== own)
    return `its Origin ${origin.slice(0, 200)} is not this server's (${own ?? 'no Host header'})`;
  return null;
}
