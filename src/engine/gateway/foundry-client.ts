/**
 * Model management on an OpenAI-compatible gateway: which server generation it is, which models
 * it has, which are loaded, and loading one. Chat itself goes through the official `openai` client
 * (gateway-engine.ts); these routes are Foundry Local's own and not part of the OpenAI API.
 *
 *                 older service (CLI 0.x)      newer server (SDK 1.x)     any other OpenAI server
 *   status        GET /openai/status            GET /status                —
 *   models        GET /v1/models (+ /foundry/list for aliases)
 *   loaded        GET /openai/loadedmodels      GET /models/loaded         —
 *   load          GET /openai/load/{id}         GET /models/load/{id}      — (models are always ready)
 */
import { runtimeDevice, type ServerModel } from './foundry-alias';
import { GatewayError, startCommandsHint } from './gateway-errors';
import { PROXY_ERROR_HEADER } from './gateway-url';

/** Which API a gateway speaks: Foundry Local's two generations, or plain OpenAI. */
export type GatewayGeneration = 'foundry-service' | 'foundry-server' | 'openai';

/** What a gateway says about itself: its API, endpoints and models. */
export interface GatewayInfo {
  generation: GatewayGeneration;
  /** Endpoints the server reports about itself (Foundry only). */
  endpoints: string[];
  models: ServerModel[];
}

/** Each API generation in words, for "Test connection". */
export const GENERATION_LABEL: Record<GatewayGeneration, string> = {
  'foundry-service': 'Foundry Local (service generation, /openai/* routes)',
  'foundry-server': 'Foundry Local (server generation, /models/* routes)',
  openai: 'an OpenAI-compatible server',
};

/** Where the gateway is and how to call it. */
export interface FoundryClientOptions {
  /** Root URL without "/v1" (see gateway-url.ts). */
  root: string;
  apiKey?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Ids from a list that may hold strings or `{id}` / `{name}` / `{model}` objects, bare or under `data`/`models`. */
export function idsFrom(value: unknown): string[] {
  const record = asRecord(value);
  const list: unknown = record ? (record['data'] ?? record['models'] ?? []) : value;
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    if (typeof item === 'string') return [item];
    const obj = asRecord(item);
    const id = obj?.['id'] ?? obj?.['name'] ?? obj?.['model'];
    return typeof id === 'string' ? [id] : [];
  });
}

/** What the older service's `/foundry/list` says about one variant. */
type CatalogFacts = Pick<ServerModel, 'alias' | 'device' | 'bundled'>;

function catalogFacts(entry: Record<string, unknown>): CatalogFacts {
  const device = runtimeDevice(entry['runtime']);
  return {
    ...(typeof entry['alias'] === 'string' ? { alias: entry['alias'] } : {}),
    ...(device ? { device } : {}),
    // gateway/foundry-routes.ts marks the bundled gateway's own models so.
    ...(entry['providerType'] === 'Bundled' ? { bundled: true } : {}),
  };
}

/** One gateway's management routes: its generation, its models, which are loaded, loading one. */
export class FoundryClient {
  private readonly fetcher: typeof fetch;

  constructor(private readonly options: FoundryClientOptions) {
    this.fetcher = options.fetch ?? fetch.bind(globalThis);
  }

  private async get(path: string, signal?: AbortSignal): Promise<{ status: number; body: unknown; text: string }> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.options.apiKey) headers['Authorization'] = `Bearer ${this.options.apiKey}`;
    const response = await this.fetcher(`${this.options.root}${path}`, { headers, signal: signal ?? this.options.signal ?? null });
    const text = await response.text();
    if (response.headers.get(PROXY_ERROR_HEADER)) {
      // The page's own proxy answered for a gateway that is not there (vite.config.ts).
      throw new GatewayError(
        'refused',
        `Nothing answered at the gateway behind this page's proxy (${text.slice(0, 200)}). ${startCommandsHint()}`,
      );
    }
    return { status: response.status, body: parseJson(text), text };
  }

  /** Tells the two Foundry generations from any other OpenAI server by their status routes. */
  async generation(): Promise<{ generation: GatewayGeneration; endpoints: string[] }> {
    const older = await this.get('/openai/status').catch(() => null);
    const olderBody = asRecord(older?.body);
    if (older?.status === 200 && olderBody && 'Endpoints' in olderBody) {
      return { generation: 'foundry-service', endpoints: stringList(olderBody['Endpoints']) };
    }
    const newer = await this.get('/status').catch(() => null);
    const newerBody = asRecord(newer?.body);
    if (newer?.status === 200 && newerBody && ('modelCachePath' in newerBody || 'endpoints' in newerBody)) {
      return { generation: 'foundry-server', endpoints: stringList(newerBody['endpoints']) };
    }
    return { generation: 'openai', endpoints: [] };
  }

  /** `GET /v1/models`; throws a GatewayError when the answer is not an OpenAI model list. */
  async listModelIds(): Promise<string[]> {
    const { status, body, text } = await this.get('/v1/models');
    if (status === 401 || status === 403) {
      throw new GatewayError('auth', `The gateway refused the API key (HTTP ${status}). Check the key in the connection settings.`);
    }
    const record = asRecord(body);
    if (status !== 200 || !record || !Array.isArray(record['data'])) {
      const looksHtml = /^\s*</.test(text);
      throw new GatewayError(
        'not-openai',
        `${this.options.root}/v1/models answered HTTP ${status}${looksHtml ? ' with a web page' : ''}, not an OpenAI model list. ` +
          'This does not look like an OpenAI-compatible server: check the address and port.',
      );
    }
    return idsFrom(record);
  }

  async loadedIds(generation: GatewayGeneration): Promise<string[] | null> {
    const path = generation === 'foundry-service' ? '/openai/loadedmodels' : generation === 'foundry-server' ? '/models/loaded' : null;
    if (!path) return null;
    const { status, body } = await this.get(path);
    return status === 200 ? idsFrom(body) : null;
  }

  /** Aliases, devices and cached state from the older service's catalog; empty elsewhere. */
  private async catalog(generation: GatewayGeneration): Promise<{ entries: Map<string, CatalogFacts>; cached: Set<string> }> {
    const entries = new Map<string, CatalogFacts>();
    const cached = new Set<string>();
    if (generation !== 'foundry-service') return { entries, cached };
    const list = await this.get('/foundry/list').catch(() => null);
    if (Array.isArray(list?.body)) {
      for (const item of list.body) {
        const obj = asRecord(item);
        if (typeof obj?.['name'] === 'string') entries.set(obj['name'], catalogFacts(obj));
      }
    }
    const models = await this.get('/openai/models').catch(() => null);
    for (const id of idsFrom(models?.body)) cached.add(id);
    return { entries, cached };
  }

  /** Everything the picker and the alias resolver need, in one round of requests. */
  async describe(signal?: AbortSignal): Promise<GatewayInfo> {
    if (signal) return new FoundryClient({ ...this.options, signal }).describe();
    const { generation, endpoints } = await this.generation();
    const ids = await this.listModelIds();
    const [loaded, { entries, cached }] = await Promise.all([this.loadedIds(generation).catch(() => null), this.catalog(generation)]);
    const loadedSet = new Set(loaded ?? []);
    const models: ServerModel[] = ids.map((id) => {
      const facts = entries.get(id);
      return {
        id,
        ...facts,
        loaded: loadedSet.has(id),
        // The newer server lists only what it can serve; the older one says what is downloaded.
        cached: generation === 'foundry-service' ? cached.has(id) : true,
      };
    });
    return { generation, endpoints, models };
  }

  /** Loads a model so the first chat request does not fail with "Model not loaded". */
  async load(id: string, generation: GatewayGeneration, signal?: AbortSignal): Promise<void> {
    if (generation === 'openai') return;
    const path =
      generation === 'foundry-service' ? `/openai/load/${encodeURIComponent(id)}?ttl=600` : `/models/load/${encodeURIComponent(id)}`;
    const { status, body, text } = await this.get(path, signal);
    if (status >= 200 && status < 300) return;
    const error = asRecord(asRecord(body)?.['error']);
    const detail = typeof error?.['message'] === 'string' ? error['message'] : text.slice(0, 200) || `HTTP ${status}`;
    throw new GatewayError('load', `The gateway could not load ${id}: ${detail}`);
  }

  /**
   * The gateway process's resident memory in bytes, from `rssBytes` in `GET /status` (the bundled
   * gateway reports it; Foundry Local and other servers do not), or null.
   */
  async processMemoryBytes(signal?: AbortSignal): Promise<number | null> {
    const { status, body } = await this.get('/status', signal);
    const rss = asRecord(body)?.['rssBytes'];
    return status === 200 && typeof rss === 'number' && Number.isFinite(rss) && rss >= 0 ? rss : null;
  }
}
