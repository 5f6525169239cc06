/**
 * The hub is the source of truth for a hub model's files. The catalog keeps repo, revision, dtypes,
 * shape and sizes good enough for the fit check before anything is fetched; once the hub's listing
 * of the revision is read (hub-client.ts), the entry is rebuilt from it: the exact size and SHA-256
 * of every file, every external-data chunk the hub has (however many the catalog listed), and the
 * commit the revision points to. Where the catalog said something else, the difference is put in
 * words for the user and the maintainer (never a silent refusal); only what cannot be downloaded at
 * all (a required file or every listed variant missing) is an error.
 */
import { chunkIndex, onnxFileForDtype } from '../catalog/dtypes';
import type { CatalogFile, CatalogModel, CatalogVariant } from '../catalog/schema';
import { externalDataChunks, type HubListing, type HubTreeEntry } from './hub-listing';
import { HubRepoError } from './hub-repo';

/** Root files transformers.js fetches for a chat model; the first three it cannot do without. */
const ROOT_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json'] as const;
const REQUIRED = new Set<string>(ROOT_FILES.slice(0, 3));

/** How far a size marked approximate may be from the hub's before the difference is worth saying. */
export const APPROXIMATE_TOLERANCE = 0.1;

export interface Reconciled {
  /** The entry as the hub has it: exact sizes and hashes, every chunk, pinned to the commit. */
  model: CatalogModel;
  /** Where the catalog disagreed with the hub, one sentence each ("config.json: ..."). */
  disagreements: string[];
}

/** "908 bytes", "1,896 MB": exact where small, rounded where large. */
export function describeSize(bytes: number): string {
  if (bytes < 10_000) return `${bytes.toLocaleString('en-US')} bytes`;
  if (bytes < 10_000_000) return `${(bytes / 1e3).toLocaleString('en-US', { maximumFractionDigits: 1 })} KB`;
  return `${Math.round(bytes / 1e6).toLocaleString('en-US')} MB`;
}

function hubFile(entry: HubTreeEntry): CatalogFile {
  return { path: entry.path, bytes: entry.size, ...(entry.lfs ? { sha256: entry.lfs.oid } : {}) };
}

/** What is worth saying about one file the catalog lists and the hub has. */
function compareFile(listed: CatalogFile, entry: HubTreeEntry, out: string[]): void {
  const hub = entry.size;
  if (listed.approximate) {
    if (Math.abs(hub - listed.bytes) > APPROXIMATE_TOLERANCE * hub) {
      out.push(`${listed.path}: the catalog estimates ${describeSize(listed.bytes)}, the hub has ${describeSize(hub)}.`);
    }
  } else if (listed.bytes !== hub) {
    out.push(`${listed.path}: the catalog says ${describeSize(listed.bytes)}, the hub has ${describeSize(hub)}.`);
  }
  const sha = entry.lfs?.oid;
  if (listed.sha256 && sha && listed.sha256 !== sha) {
    out.push(`${listed.path}: the catalog's SHA-256 (${listed.sha256.slice(0, 12)}…) is not the hub's (${sha.slice(0, 12)}…).`);
  }
}

/** The entry rebuilt from the hub's listing; throws a HubRepoError when it cannot be downloaded. */
export function reconcileWithHub(model: CatalogModel, listing: HubListing): Reconciled {
  if (model.source.kind !== 'hub') throw new Error(`${model.id} is not a hub model.`);
  const files = new Map(listing.files.map((f) => [f.path, f]));
  const at = `${listing.repo} at ${listing.sha.slice(0, 12)}`;
  const disagreements: string[] = [];
  const problems: string[] = [];

  const listedRoot = new Map(model.files.map((f) => [f.path, f]));
  const root: CatalogFile[] = [];
  for (const listed of model.files) {
    const entry = files.get(listed.path);
    if (entry) {
      compareFile(listed, entry, disagreements);
      root.push(hubFile(entry));
    } else if (REQUIRED.has(listed.path)) problems.push(`${listed.path} is missing`);
    else disagreements.push(`${listed.path} is in the catalog but not on the hub; it is skipped.`);
  }
  for (const name of ROOT_FILES) {
    if (listedRoot.has(name)) continue;
    const entry = files.get(name);
    if (entry) {
      disagreements.push(`${name} is on the hub but not in the catalog; it is downloaded and checked too.`);
      root.push(hubFile(entry));
    } else if (REQUIRED.has(name)) problems.push(`${name} is missing`);
  }

  const variants: CatalogVariant[] = [];
  for (const variant of model.variants) {
    const main = onnxFileForDtype(variant.dtype);
    const entry = files.get(main);
    if (!entry) {
      disagreements.push(`${main} is not on the hub, so ${variant.dtype} is not offered.`);
      continue;
    }
    const listedMain = variant.files.find((f) => f.path === main);
    if (listedMain) compareFile(listedMain, entry, disagreements);
    const chunks = externalDataChunks(main, listing.files);
    const listedChunks = variant.files.filter((f) => chunkIndex(main, f.path) !== null);
    if (chunks.length !== listedChunks.length) {
      disagreements.push(
        `${main}: the hub keeps its weights in ${chunks.length} external data file${chunks.length === 1 ? '' : 's'}, the catalog lists ${listedChunks.length}; all ${chunks.length} are downloaded.`,
      );
    }
    for (const chunk of chunks) {
      const listed = listedChunks.find((f) => f.path === chunk.path);
      if (listed) compareFile(listed, chunk, disagreements);
    }
    variants.push({ dtype: variant.dtype, files: [entry, ...chunks].map(hubFile) });
  }
  if (variants.length === 0) problems.push(`none of the catalog's variants (${model.variants.map((v) => v.dtype).join(', ')}) is there`);
  if (problems.length) {
    throw new HubRepoError(`${model.name} cannot be downloaded from ${at}: ${problems.join('; ')}. The catalog entry needs updating.`);
  }
  return {
    model: { ...model, source: { ...model.source, revision: listing.sha }, files: root, variants },
    disagreements,
  };
}
