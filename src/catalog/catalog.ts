/**
 * Loading the catalog and turning a catalog entry into what an engine needs (file URLs,
 * expected sizes and hashes).
 */
import type { Device, GatewayModelRef, ModelRef } from './model-ref';
import { parseCatalog, type Catalog, type CatalogModel, type Dtype } from './schema';
import { variantFiles } from './variants';
import { errorMessage } from '../errors/error-message';

/** Fetches and validates `models/models.json` relative to the app's base URL. */
export async function fetchCatalog(baseUrl: string, fetcher: typeof fetch = fetch): Promise<Catalog> {
  const url = new URL('models/models.json', baseUrl).href;
  const response = await fetcher(url);
  if (!response.ok) throw new Error(`Could not load the model catalog (${url}): HTTP ${response.status}.`);
  let data: unknown;
  try {
    data = await response.json();
  } catch (error) {
    throw new Error(`The model catalog (${url}) is not valid JSON: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return parseCatalog(data, url);
}

/** The URL a hub file downloads from (and is cached under): `{hub}/{repo}/resolve/{revision}/{path}`. */
export function hubFileUrl(hubUrl: string, repo: string, revision: string, path: string): string {
  return `${hubUrl.replace(/\/+$/, '')}/${repo}/resolve/${encodeURIComponent(revision)}/${path}`;
}

/** The URL a file of a model is fetched from and cached under; null for gateway models. */
export function modelFileUrl(model: CatalogModel, path: string, baseUrl: string, hubUrl: string): string | null {
  const source = model.source;
  if (source.kind === 'hub') return hubFileUrl(hubUrl, source.repo, source.revision, path);
  if (source.kind === 'bundled' || source.kind === 'local') return new URL(`${source.path.replace(/\/?$/, '/')}${path}`, baseUrl).href;
  return null;
}

/** The URLs of a model's files for one dtype (shared files first); empty for gateway models. */
export function modelFileUrls(model: CatalogModel, dtype: Dtype, baseUrl: string, hubUrl: string): string[] {
  return variantFiles(model, dtype).flatMap((f) => {
    const url = modelFileUrl(model, f.path, baseUrl, hubUrl);
    return url ? [url] : [];
  });
}

/** Engine reference for a bundled, hub or imported model on the chosen device and variant. */
export function toModelRef(
  model: CatalogModel,
  plan: { device: Device; dtype: Dtype },
  baseUrl: string,
  hubHost = 'https://huggingface.co/',
): ModelRef {
  const files = variantFiles(model, plan.dtype).map((f) => ({
    path: f.path,
    bytes: f.bytes,
    ...(f.sha256 ? { sha256: f.sha256 } : {}),
    ...(f.approximate ? { approximate: true } : {}),
  }));
  if (model.contextLength === null) throw new Error(`${model.name} has no context length in the catalog.`);
  const base = {
    id: model.id,
    dtype: plan.dtype,
    device: plan.device,
    contextLength: model.contextLength,
    files,
  };
  if (model.source.kind === 'hub') {
    return { ...base, location: hubHost, hub: { repo: model.source.repo, revision: model.source.revision } };
  }
  if (model.source.kind === 'bundled' || model.source.kind === 'local') {
    return { ...base, location: new URL(model.source.path.replace(/\/?$/, '/'), baseUrl).href };
  }
  throw new Error(`${model.name} runs on the gateway, not in the browser.`);
}

/** Engine reference for running a catalog model on a gateway: by its alias, or by its own id. */
export function toGatewayModelRef(model: CatalogModel): GatewayModelRef {
  return {
    id: model.id,
    serverModel: model.source.kind === 'gateway' ? model.source.alias : (model.gatewayAlias ?? model.id),
    contextLength: model.contextLength,
    reasons: model.tasks.includes('reasoning') || /gpt-oss/i.test(model.id),
  };
}

/** A picker entry for a model the gateway lists but the catalog does not know. */
export function discoveredGatewayModel(serverId: string): CatalogModel {
  return {
    id: `gateway:${serverId}`.toLowerCase().replace(/[^a-z0-9._-]+/g, '-'),
    name: serverId,
    source: { kind: 'gateway', alias: serverId },
    architecture: 'unknown',
    parameters: null,
    contextLength: null,
    license: 'see the server',
    tasks: ['chat'],
    files: [],
    variants: [],
    notes: 'Listed by the connected gateway.',
  };
}
