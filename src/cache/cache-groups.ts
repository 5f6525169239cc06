/**
 * The cache manager's view of the weight cache: stored files grouped by the model they belong to
 * (matched by URL against the catalog), with bytes, last use, and which variants are complete.
 * Files no model claims (ONNX Runtime's wasm, models removed from the list) form their own groups.
 */
import { modelFileUrl } from '../catalog/catalog';
import type { CatalogModel, Dtype } from '../catalog/schema';

export interface CachedFileInfo {
  url: string;
  bytes: number;
  lastUsedAt: number;
}

export interface CacheGroup {
  /** A catalog model id, or the URL folder for files no model claims. */
  key: string;
  label: string;
  model: CatalogModel | null;
  files: CachedFileInfo[];
  bytes: number;
  lastUsedAt: number;
  /** Variants whose every file (shared ones included) is stored: they load with no network. */
  completeDtypes: Dtype[];
}

/** Every URL a model's files can have, with the variant each belongs to (null: shared). */
function modelUrls(model: CatalogModel, baseUrl: string, hubUrl: string): Map<string, Dtype | null> {
  const url = (path: string): string | null => modelFileUrl(model, path, baseUrl, hubUrl);
  const out = new Map<string, Dtype | null>();
  for (const f of model.files) {
    const u = url(f.path);
    if (u) out.set(u, null);
  }
  for (const v of model.variants) {
    for (const f of v.files) {
      const u = url(f.path);
      if (u) out.set(u, v.dtype);
    }
  }
  return out;
}

function folderOf(url: string): string {
  const clean = url.split('?')[0] ?? url;
  return clean.slice(0, clean.lastIndexOf('/') + 1);
}

export function groupCachedFiles(
  files: readonly CachedFileInfo[],
  catalog: readonly CatalogModel[],
  baseUrl: string,
  hubUrl: string,
): CacheGroup[] {
  const owners = new Map<string, { model: CatalogModel; dtype: Dtype | null }>();
  const urlsByModel = new Map<string, Map<string, Dtype | null>>();
  for (const model of catalog) {
    const urls = modelUrls(model, baseUrl, hubUrl);
    urlsByModel.set(model.id, urls);
    for (const [url, dtype] of urls) if (!owners.has(url)) owners.set(url, { model, dtype });
  }
  const groups = new Map<string, CacheGroup>();
  for (const file of files) {
    const owner = owners.get(file.url);
    const key = owner?.model.id ?? folderOf(file.url);
    const group = groups.get(key) ?? {
      key,
      label: owner?.model.name ?? (/ort[-.].*\.(wasm|mjs)$/.test(file.url) ? 'ONNX Runtime (WASM)' : key),
      model: owner?.model ?? null,
      files: [],
      bytes: 0,
      lastUsedAt: 0,
      completeDtypes: [],
    };
    group.files.push(file);
    group.bytes += file.bytes;
    group.lastUsedAt = Math.max(group.lastUsedAt, file.lastUsedAt);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    if (!group.model) continue;
    const stored = new Set(group.files.map((f) => f.url));
    const urls = urlsByModel.get(group.model.id) ?? new Map<string, Dtype | null>();
    const shared = [...urls].filter(([, d]) => d === null).map(([u]) => u);
    group.completeDtypes = group.model.variants
      .filter((v) => shared.every((u) => stored.has(u)) && [...urls].filter(([, d]) => d === v.dtype).every(([u]) => stored.has(u)))
      .map((v) => v.dtype);
  }
  return [...groups.values()].sort((a, b) => b.lastUsedAt - a.lastUsedAt);
}

/** How much of one variant of a model (its shared files and the variant's own) the cache holds. */
export interface VariantFootprint {
  bytes: number;
  /** Files of the variant found in the cache, of how many it has. */
  storedFiles: number;
  files: number;
}

/** The cached bytes of a model's variant: what that variant takes on this device's disk. */
export function variantFootprint(
  files: readonly CachedFileInfo[],
  model: CatalogModel,
  dtype: Dtype,
  baseUrl: string,
  hubUrl: string,
): VariantFootprint {
  const wanted = [...modelUrls(model, baseUrl, hubUrl)].filter(([, d]) => d === null || d === dtype).map(([url]) => url);
  const stored = new Map(files.map((f) => [f.url, f.bytes]));
  const found = wanted.filter((url) => stored.has(url));
  return { bytes: found.reduce((sum, url) => sum + stored.get(url)!, 0), storedFiles: found.length, files: wanted.length };
}
