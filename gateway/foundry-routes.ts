/**
 * Foundry Local's management surface, both generations (see docs/foundry-local-api.md):
 * - older service (CLI 0.x): `/openai/status`, `/openai/models`, `/openai/loadedmodels`,
 *   `/openai/load/{id}`, `/openai/unload/{id}`, `/openai/unloadall`, `/foundry/list`;
 * - newer server (SDK 1.x): `/status`, `/models/loaded`, `/models/load/{id}`, `/models/unload/{id}`.
 */
import { pathToFileURL } from 'node:url';
import type { GatewayContext, Route } from './gateway-context';
import { invalidParam, modelNotFound } from './api-error';
import { sendEmpty, sendJson } from './http';
import { isCached, type GatewayModel } from './models';
import type { ServedModel } from './served-model';
import { quote } from './quote';

function slotFor(ctx: GatewayContext, name: string): ServedModel {
  const { slot, suggestion } = ctx.registry.find(name);
  if (!slot) throw modelNotFound(name, suggestion);
  return slot;
}

/** Optional `?name=true|false` flag; anything else is a 400 naming it. */
function flag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null || value === '') return false;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalidParam(name, `Invalid value for '${name}': expected true or false, got ${quote(value)}.`);
}

/**
 * `?ttl=` and `?ep=` of the older load route. The TTL is accepted but not enforced (models stay
 * loaded until unloaded); the only execution provider is the CPU.
 */
function checkLoadQuery(query: URLSearchParams): void {
  const ttl = query.get('ttl');
  if (ttl !== null && !/^\d+$/.test(ttl)) throw invalidParam('ttl', `Invalid value for 'ttl': expected whole seconds, got ${quote(ttl)}.`);
  const ep = query.get('ep');
  if (ep !== null && ep !== '' && !/^cpu(executionprovider)?$/i.test(ep)) {
    throw invalidParam('ep', `Invalid value for 'ep': ${quote(ep)}. The gateway runs models on the CPU only (ep=cpu).`);
  }
}

/** The chat format of the bundled models (`chat_format.py`), in Foundry's `{Content}` notation. */
const PROMPT_TEMPLATE = {
  system: '<|system|>\n{Content}<|end|>\n',
  user: '<|user|>\n{Content}<|end|>\n',
  assistant: '<|assistant|>\n{Content}<|end|>\n',
  prompt: '<|user|>\n{Content}<|end|>\n<|assistant|>\n',
};

/** One `/foundry/list` entry, in the field layout of Foundry's FoundryListResponseModel. */
function catalogEntry(model: GatewayModel): Record<string, unknown> {
  const bytes = model.files.reduce((sum, f) => sum + f.bytes, 0);
  return {
    name: model.id,
    displayName: model.entry.name,
    alias: model.alias,
    version: String(model.version),
    modelType: 'ONNX',
    providerType: 'Bundled',
    uri: pathToFileURL(model.folder).href,
    publisher: 'webgpu-inference-playground',
    task: 'chat-completion',
    runtime: { deviceType: 'CPU', executionProvider: 'CPUExecutionProvider' },
    fileSizeMb: Math.round((bytes / 1024 / 1024) * 100) / 100,
    promptTemplate: PROMPT_TEMPLATE,
    modelSettings: { parameters: [] },
    supportsToolCalling: false,
    license: model.entry.license,
    licenseDescription: model.entry.notes,
    parentModelUri: '',
    maxOutputTokens: model.contextLength,
    minFLVersion: '',
    // Not in Foundry's list; lets a client tell a built model from a catalog-only one.
    cached: isCached(model),
    contextLength: model.contextLength,
    dtype: model.dtype,
  };
}

/** Every Foundry route. */
export function foundryRoutes(ctx: GatewayContext): Route[] {
  const id = (params: string[]): string => params[0] ?? '';
  return [
    // Older service.
    {
      method: 'GET',
      path: /^\/openai\/status\/?$/,
      handle: (r) =>
        sendJson(r.res, 200, {
          Endpoints: [ctx.url()],
          ModelDirPath: ctx.registry.cacheDir,
          PipeName: 'inference_agent',
          // Foundry's JS SDK (getCacheLocation) reads the camel-case name.
          modelDirPath: ctx.registry.cacheDir,
        }),
    },
    { method: 'GET', path: /^\/openai\/models\/?$/, handle: (r) => sendJson(r.res, 200, ctx.registry.cachedIds()) },
    { method: 'GET', path: /^\/openai\/loadedmodels\/?$/, handle: (r) => sendJson(r.res, 200, ctx.registry.loadedIds()) },
    {
      method: 'GET',
      path: /^\/openai\/load\/([^/]+)$/,
      handle: async (r) => {
        checkLoadQuery(r.query);
        await slotFor(ctx, id(r.params)).load();
        sendEmpty(r.res);
      },
    },
    {
      method: 'GET',
      path: /^\/openai\/unload\/([^/]+)$/,
      handle: async (r) => {
        const force = flag(r.query, 'force');
        await slotFor(ctx, id(r.params)).unload(force);
        sendEmpty(r.res);
      },
    },
    {
      method: 'GET',
      path: /^\/openai\/unloadall\/?$/,
      handle: async (r) => {
        await ctx.registry.unloadAll(flag(r.query, 'force'));
        sendEmpty(r.res);
      },
    },
    { method: 'GET', path: /^\/foundry\/list\/?$/, handle: (r) => sendJson(r.res, 200, ctx.registry.models.map(catalogEntry)) },
    // Newer server.
    {
      method: 'GET',
      path: /^\/status\/?$/,
      // rssBytes is ours, not Foundry's: the benchmark reports the gateway's memory with its models loaded.
      handle: (r) =>
        sendJson(r.res, 200, {
          modelCachePath: ctx.registry.cacheDir,
          endpoints: [ctx.url()],
          pid: process.pid,
          rssBytes: process.memoryUsage.rss(),
        }),
    },
    { method: 'GET', path: /^\/models\/loaded\/?$/, handle: (r) => sendJson(r.res, 200, ctx.registry.loadedIds()) },
    {
      method: 'GET',
      path: /^\/models\/load\/([^/]+)$/,
      handle: async (r) => sendJson(r.res, 200, { status: await slotFor(ctx, id(r.params)).load() }),
    },
    {
      method: 'GET',
      path: /^\/models\/unload\/([^/]+)$/,
      handle: async (r) => sendJson(r.res, 200, { status: await slotFor(ctx, id(r.params)).unload(flag(r.query, 'force')) }),
    },
  ];
}
