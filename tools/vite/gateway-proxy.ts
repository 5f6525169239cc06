/**
 * Same-origin access to a local gateway for the dev and preview servers. Foundry Local sends no
 * CORS headers, so the page calls `/gateway/...` on its own origin and this proxy forwards to
 * GATEWAY_URL (default http://localhost:5273). `/__gateway-proxy` tells the page the target, so
 * it routes through the proxy only when the user's gateway address is that target.
 *
 * Only the app's own pages may use the proxy (same-origin.ts): it makes every request look like
 * the server's own to the gateway, so a page on another localhost port could otherwise load,
 * unload and generate through it. Refused requests get a 403 and never reach the gateway.
 *
 * Node-only: used by vite.config.ts, never bundled.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin, ProxyOptions } from 'vite';
import { foreignRequestReason } from './same-origin.ts';

// Keep in sync with src/engine/gateway/gateway-url.ts (the page imports no Node code).
const PROXY_PATH = '/gateway';
const PROXY_INFO_PATH = '/__gateway-proxy';
const PROXY_ERROR_HEADER = 'x-gateway-proxy-error';

export const DEFAULT_GATEWAY_TARGET = 'http://localhost:5273';

function isResponse(value: unknown): value is ServerResponse {
  return typeof value === 'object' && value !== null && 'writeHead' in value && 'headersSent' in value;
}

/**
 * Vite's `bypass` hook, used as the proxy's gate: a refused request is answered here, and returning
 * its own path with the answer ended tells Vite to stop (it skips the proxy when the response has
 * ended); `undefined` lets the request through.
 */
function refuseForeign(req: IncomingMessage, res: ServerResponse | undefined): string | undefined {
  const reason = foreignRequestReason(req);
  if (reason === null) return undefined;
  const message = `The ${PROXY_PATH} proxy only forwards requests from this app's own pages; this one was refused because ${reason}.`;
  const body = JSON.stringify({ error: { message, type: 'permission_error', param: null, code: 'proxy_origin_not_allowed' } });
  // Without a response (a WebSocket upgrade; the proxy does not forward those) there is nothing to answer.
  res?.writeHead(403, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res?.end(body);
  return req.url ?? PROXY_PATH;
}

/** The `server.proxy` / `preview.proxy` entry. */
export function gatewayProxyOptions(target: string): Record<string, ProxyOptions> {
  return {
    [PROXY_PATH]: {
      target,
      // Our gateway rejects non-loopback Host headers (DNS rebinding); send the target's own.
      changeOrigin: true,
      rewrite: (path) => path.slice(PROXY_PATH.length) || '/',
      bypass: refuseForeign,
      configure: (proxy) => {
        // refuseForeign has checked that the page is same-origin with this server, so the request
        // is ours to make. Its Origin (a random test port, or a LAN name) would only trip the
        // bundled gateway's origin check.
        proxy.on('proxyReq', (proxyReq) => proxyReq.removeHeader('origin'));
        // When the gateway dies mid-answer, pass the break on: without this the page's stream
        // would stay open forever, waiting for bytes that will never come.
        proxy.on('proxyRes', (proxyRes, _req, res) => {
          proxyRes.on('close', () => {
            if (!proxyRes.complete && isResponse(res)) res.destroy();
          });
        });
        proxy.on('error', (error, _req, res) => {
          if (!isResponse(res)) return;
          if (res.headersSent) {
            // Mid-stream: break the connection so the page sees the answer was cut, not finished.
            res.destroy(error);
            return;
          }
          const code = (error as NodeJS.ErrnoException).code ?? 'error';
          res.writeHead(502, { 'Content-Type': 'application/json', [PROXY_ERROR_HEADER]: code });
          res.end(JSON.stringify({ error: { message: `${target} is unreachable (${code})`, type: 'proxy_error', code } }));
        });
      },
    },
  };
}

/** Serves `/__gateway-proxy` → `{"target": "..."}` on the dev and preview servers. */
export function gatewayProxyInfo(target: string): Plugin {
  const body = JSON.stringify({ target });
  const handler = (url: string | undefined, res: ServerResponse): boolean => {
    if (url?.split('?')[0] !== PROXY_INFO_PATH) return false;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(body);
    return true;
  };
  return {
    name: 'gateway-proxy-info',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (!handler(req.url, res)) next();
      });
    },
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        if (!handler(req.url, res)) next();
      });
    },
  };
}
