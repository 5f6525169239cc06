/**
 * The gateway's HTTP server: access checks, CORS, routing, error answers, request log.
 * `startGateway()` is what `npm run gateway` and the tests call.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dtype } from '../src/catalog/schema';
import type { GatewayContext, GatewayHooks, Route } from './context';
import { ApiError, toApiError } from './errors';
import { foundryRoutes } from './foundry-routes';
import { DEFAULT_MAX_BODY_BYTES, sendEmpty, sendError } from './http';
import { readBundledModels } from './models';
import { openAiRoutes } from './openai-routes';
import { GenerationQueue } from './queue';
import { ModelRegistry } from './registry';
import { AccessPolicy } from './security';

/** Foundry Local's usual port in the workshops this playground follows. */
export const DEFAULT_PORT = 5273;
export const DEFAULT_HOST = '127.0.0.1';

export interface GatewayOptions {
  /** Default 5273; 0 picks a free port (tests). */
  port?: number;
  /** Default 127.0.0.1: nothing else on the network can reach the gateway. */
  host?: string;
  /** Origins allowed besides the playground's dev and preview origins. */
  allowOrigins?: readonly string[];
  /** Host names accepted in the Host header besides loopback ones. */
  allowHosts?: readonly string[];
  /** The ONNX variant to run; default q4. */
  dtype?: Dtype;
  /** The folder holding models/models.json; default the repository's public/. */
  publicDir?: string;
  /** Request body limit; default 1 MiB. */
  maxBodyBytes?: number;
  /** Chat requests that may wait while one is generated; more get 429. Default 16. */
  maxQueue?: number;
  /** Deliver at most this many tokens per second, to imitate a slow server (`--pace`); default off. */
  paceTokensPerSec?: number;
  hooks?: GatewayHooks;
  /** One line per request (method, path, status, time); never headers. Default: silent. */
  log?: (line: string) => void;
}

export interface Gateway {
  /** Base URL, e.g. http://127.0.0.1:5273 (the OpenAI base URL is this plus /v1). */
  url: string;
  /** The model ids served (Foundry-style variant ids). */
  models: readonly string[];
  /** Stops listening, cuts open connections (stopping their generations) and unloads every model. */
  close(): Promise<void>;
}

const REPO_PUBLIC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'public');

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

function baseUrl(host: string, port: number): string {
  const name = WILDCARD_HOSTS.has(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

function matchRoute(routes: readonly Route[], req: IncomingMessage, pathname: string): { route: Route; params: string[] } {
  const candidates = routes.filter((r) => r.path.test(pathname));
  if (candidates.length === 0) throw new ApiError(404, `Unknown route: ${req.method ?? ''} ${pathname}.`, { code: 'not_found' });
  const route = candidates.find((r) => r.method === req.method);
  if (!route) {
    const allow = [...new Set(candidates.map((r) => r.method)), 'OPTIONS'].join(', ');
    throw new ApiError(405, `Method ${req.method ?? ''} is not allowed on ${pathname}; allowed: ${allow}.`, {
      code: 'method_not_allowed',
      headers: { Allow: allow },
    });
  }
  const groups = route.path.exec(pathname)?.slice(1) ?? [];
  try {
    return { route, params: groups.map((g) => decodeURIComponent(g)) };
  } catch {
    throw new ApiError(400, `The path ${pathname} is not correctly percent-encoded.`, { code: 'invalid_path' });
  }
}

/** Starts the gateway and resolves once it listens. */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const host = options.host ?? DEFAULT_HOST;
  const publicDir = options.publicDir ?? REPO_PUBLIC;
  const registry = new ModelRegistry(readBundledModels(publicDir, options.dtype ?? 'q4'), path.join(publicDir, 'models'));
  const policy = new AccessPolicy(options.allowOrigins, [...(options.allowHosts ?? []), ...(WILDCARD_HOSTS.has(host) ? [] : [host])]);
  const log = options.log ?? ((): void => undefined);
  let url = '';
  const ctx: GatewayContext = {
    registry,
    queue: new GenerationQueue(options.maxQueue ?? 16),
    hooks: options.hooks ?? {},
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    paceTokensPerSec: options.paceTokensPerSec ?? 0,
    url: () => url,
  };
  const routes = [...openAiRoutes(ctx), ...foundryRoutes(ctx)];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestUrl = new URL(req.url ?? '/', 'http://gateway.invalid');
    try {
      policy.check(req);
      for (const [name, value] of Object.entries(policy.corsHeaders(req))) res.setHeader(name, value);
      if (req.method === 'OPTIONS') {
        sendEmpty(res, 204, { Allow: 'GET, POST, OPTIONS', ...policy.preflightHeaders(req) });
        return;
      }
      const { route, params } = matchRoute(routes, req, requestUrl.pathname);
      const controller = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) controller.abort(new Error('The client disconnected.'));
      });
      await route.handle({ req, res, url: requestUrl, params, signal: controller.signal });
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.status >= 500) log(`error: ${apiError.message}`);
      if (!res.destroyed) sendError(res, apiError);
    } finally {
      const status = res.destroyed && !res.writableFinished ? 'disconnected' : String(res.statusCode);
      log(`${req.method ?? ''} ${requestUrl.pathname} ${status} ${Math.round(performance.now() - started)} ms`);
    }
  }

  const server = createServer({ noDelay: true }, (req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  url = baseUrl(host, (server.address() as AddressInfo).port);

  return {
    url,
    models: registry.models.map((m) => m.id),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await registry.unloadAll(true);
    },
  };
}
