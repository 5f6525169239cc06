/**
 * The gateway's HTTP server: access checks, CORS, routing, error answers, request log.
 * `startGateway()` is what `npm run gateway` and the tests call.
 *
 * Every request ends in an answer or a closed connection, never in an exception that escapes:
 * the handler catches everything (sending the error answer included), node:http's own protocol
 * errors are answered in protocol-errors.ts, and 'error' events on requests, responses and the
 * server have listeners.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dtype } from '../src/catalog/schema';
import type { RunnerHooks } from '../src/engine/worker/model-runner';
import { closeAfterAnswer } from './answer-close';
import { DEFAULT_MAX_BODY_BYTES, checkFraming, hasBody } from './body';
import type { GatewayContext, GatewayHooks, Route } from './gateway-context';
import { ApiError, ClientGoneError, toApiError } from './api-error';
import { foundryRoutes } from './foundry-routes';
import { sendEmpty, sendError } from './http';
import { readBundledModels } from './models';
import { openAiRoutes } from './openai-routes';
import { answerProtocolErrors, trackResponse } from './protocol-errors';
import { GenerationQueue } from './queue';
import { quote } from './quote';
import { ModelRegistry } from './registry';
import { parseRequestTarget } from './request-target';
import { AccessPolicy } from './security';
import { applyConnectionCap, resolveLimits, serverOptions, type ServerLimits } from './server-limits';
import { errorMessage } from '../src/errors/error-message';

/** Foundry Local's usual port in the workshops this playground follows. */
export const DEFAULT_PORT = 5273;
export const DEFAULT_HOST = '127.0.0.1';

export interface GatewayOptions extends Partial<ServerLimits> {
  /** Default 5273; 0 picks a free port (tests). */
  port?: number;
  /** Default 127.0.0.1: nothing else on the network can reach the gateway. */
  host?: string;
  /** Origins allowed besides the playground's dev and preview origins; each a full http(s)://host[:port] (else this throws). */
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
  /**
   * Loads each model's weights (the runner's `loadModel` hook); default transformers.js. Only tests
   * pass one, to serve a model that cannot run here (a Harmony stand-in behind a real tokenizer).
   */
  loadModel?: RunnerHooks['loadModel'];
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

function matchRoute(routes: readonly Route[], method: string, pathname: string): { route: Route; params: string[] } {
  const candidates = routes.filter((r) => r.path.test(pathname));
  if (candidates.length === 0) throw new ApiError(404, `Unknown route: ${method} ${quote(pathname)}.`, { code: 'not_found' });
  const route = candidates.find((r) => r.method === method);
  if (!route) {
    const allow = [...new Set(candidates.map((r) => r.method)), 'OPTIONS'].join(', ');
    throw new ApiError(405, `Method ${method} is not allowed on ${quote(pathname)}; allowed: ${allow}.`, {
      code: 'method_not_allowed',
      headers: { Allow: allow },
    });
  }
  const groups = route.path.exec(pathname)?.slice(1) ?? [];
  try {
    return { route, params: groups.map((g) => decodeURIComponent(g)) };
  } catch {
    throw new ApiError(400, `The path ${quote(pathname)} is not correctly percent-encoded (not UTF-8).`, {
      code: 'invalid_request_target',
    });
  }
}

/** A path for the log: as sent, but cut (a target may be 8 KiB). */
function logPath(pathname: string): string {
  return pathname.length > 200 ? `${pathname.slice(0, 200)}…` : pathname;
}

/** Starts the gateway and resolves once it listens. Throws for a bad option (an origin that is not one, say). */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const host = options.host ?? DEFAULT_HOST;
  const publicDir = options.publicDir ?? REPO_PUBLIC;
  const limits = resolveLimits(options);
  const policy = new AccessPolicy(options.allowOrigins, [...(options.allowHosts ?? []), ...(WILDCARD_HOSTS.has(host) ? [] : [host])]);
  const registry = new ModelRegistry(
    readBundledModels(publicDir, options.dtype ?? 'q4'),
    path.join(publicDir, 'models'),
    options.loadModel,
  );
  const log = options.log ?? ((): void => undefined);
  let url = '';
  const ctx: GatewayContext = {
    registry,
    queue: new GenerationQueue(options.maxQueue ?? 16, () => options.hooks?.onQueued?.()),
    hooks: options.hooks ?? {},
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    paceTokensPerSec: options.paceTokensPerSec ?? 0,
    url: () => url,
  };
  const routes = [...openAiRoutes(ctx), ...foundryRoutes(ctx)];

  /** Sends the error answer for `error`; nothing it does may throw, since it runs in the handler's catch. */
  function answerError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    try {
      const gone = error instanceof ClientGoneError;
      const apiError = toApiError(error);
      if (apiError.status >= 500 && !gone) log(`error: ${apiError.message}`);
      // Nobody is left to read an answer.
      if (gone || res.destroyed) return;
      // Keeping the connection would mean reading and discarding the rest of an unread body before
      // the next request, as long as the client cares to send it: close instead.
      if (hasBody(req) && !req.complete) closeAfterAnswer(req, res);
      sendError(res, apiError);
    } catch (failure) {
      log(`error: the error answer could not be sent: ${errorMessage(failure)}`);
      res.destroy();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = req.method ?? '';
    let pathname = '(invalid target)';
    trackResponse(req, res);
    // After a disconnect a late write can emit 'error'; without a listener that would be uncaught.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    try {
      if (req.httpVersionMajor !== 1) {
        // 400 rather than 505: the client's mistake, answered like every other malformed request.
        throw new ApiError(400, `HTTP/${req.httpVersion} is not supported; the gateway speaks HTTP/1.1.`, {
          code: 'http_version_not_supported',
        });
      }
      const target = parseRequestTarget(method, req.url);
      pathname = target.pathname;
      policy.check(req, target);
      for (const [name, value] of Object.entries(policy.corsHeaders(req))) res.setHeader(name, value);
      checkFraming(req);
      if (method === 'OPTIONS') {
        sendEmpty(res, 204, { Allow: 'GET, POST, OPTIONS', ...policy.preflightHeaders(req) });
        return;
      }
      const { route, params } = matchRoute(routes, method, target.pathname);
      const controller = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) controller.abort(new ClientGoneError());
      });
      await route.handle({ req, res, query: target.query, params, signal: controller.signal });
    } catch (error) {
      answerError(req, res, error);
    } finally {
      const status = res.destroyed && !res.writableFinished ? 'disconnected' : String(res.statusCode);
      log(`${method} ${logPath(pathname)} ${status} ${Math.round(performance.now() - started)} ms`);
    }
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    // handle() catches everything; this is the last line in case the log callback itself throws.
    handle(req, res).catch(() => res.destroy());
  };
  // requireHostHeader off: node:http's own 400 for a missing Host has no body; policy.check sends one.
  const server = createServer({ noDelay: true, requireHostHeader: false, ...serverOptions(limits) }, listener);
  // An Expect other than 100-continue would get node:http's bare 417; checkFraming answers it.
  server.on('checkExpectation', listener);
  applyConnectionCap(server, limits);
  answerProtocolErrors(server, limits, log);
  server.on('drop', () => log(`refused a connection: ${limits.maxConnections} are open (maxConnections)`));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listening, a server error (e.g. too many open files on accept) is logged, not thrown.
  server.on('error', (error) => log(`error: ${error.message}`));
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
