/**
 * The models the gateway serves: the bundled entries of public/models/models.json, under
 * Foundry-style ids.
 *
 * Foundry Local names each runnable build of a model `<alias>-<build>-<device>:<version>` (e.g.
 * `qwen2.5-0.5b-instruct-generic-cpu:4`) and clients resolve an alias to such an id before they
 * call the server. The gateway names its bundled models the same way, `pocket-chat-1m-generic-cpu:1`
 * with alias `pocket-chat-1m` (the catalog id): a generic ONNX build run on the CPU execution
 * provider, version 1 because the catalog has no versions. So a Foundry client needs no special
 * case for us, and the playground's alias resolution is exercised against the gateway too.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isEmbeddingModel, parseCatalog, type CatalogFile, type CatalogModel, type Dtype } from '../src/catalog/schema';

/** One bundled model as the gateway serves it (one dtype per gateway process). */
export interface GatewayModel {
  /** Foundry-style variant id, e.g. `pocket-chat-1m-generic-cpu:1`. */
  id: string;
  /** The catalog id, e.g. `pocket-chat-1m`. */
  alias: string;
  version: number;
  entry: CatalogModel;
  contextLength: number;
  dtype: Dtype;
  /** Absolute folder holding config.json, tokenizer.json and onnx/. */
  folder: string;
  /** The shared files plus those of the chosen dtype, with sizes and hashes from the catalog. */
  files: CatalogFile[];
  /** Unix seconds: when the model's files were built (mtime of config.json). */
  created: number;
}

const VERSION = 1;

/** `pocket-chat-1m` -> `pocket-chat-1m-generic-cpu:1` */
export function variantId(alias: string): string {
  return `${alias}-generic-cpu:${VERSION}`;
}

/** Reads the catalog and returns every bundled model that has a `dtype` variant. */
export function readBundledModels(publicDir: string, dtype: Dtype): GatewayModel[] {
  const catalogPath = path.join(publicDir, 'models', 'models.json');
  let text: string;
  try {
    text = fs.readFileSync(catalogPath, 'utf8');
  } catch {
    throw new Error(`No model catalog at ${catalogPath}. Build the bundled models first: npm run models:build`);
  }
  const catalog = parseCatalog(JSON.parse(text), catalogPath);
  return catalog.models.flatMap((entry): GatewayModel[] => {
    const variant = entry.variants.find((v) => v.dtype === dtype);
    // The schema requires a context length for bundled models; the check only narrows the type.
    // An embedding model does not chat: the gateway serves chat completions only.
    if (entry.source.kind !== 'bundled' || isEmbeddingModel(entry) || !variant || entry.contextLength === null) return [];
    const folder = path.join(publicDir, entry.source.path);
    let created = 0;
    try {
      created = Math.floor(fs.statSync(path.join(folder, 'config.json')).mtimeMs / 1000);
    } catch {
      // Not built yet: listed in the catalog, not cached (see isCached).
    }
    return [
      {
        id: variantId(entry.id),
        alias: entry.id,
        version: VERSION,
        entry,
        contextLength: entry.contextLength,
        dtype,
        folder,
        files: [...entry.files, ...variant.files],
        created,
      },
    ];
  });
}

/** Whether every file of the model is on disk with its catalog size (Foundry's "cached"). */
export function isCached(model: GatewayModel): boolean {
  return model.files.every((f) => {
    try {
      return fs.statSync(path.join(model.folder, f.path)).size === f.bytes;
    } catch {
      return false;
    }
  });
}

/** Throws naming the first file whose SHA-256 differs from the catalog (a half-written build). */
export async function verifyFiles(model: GatewayModel): Promise<void> {
  for (const f of model.files) {
    if (!f.sha256) continue;
    const hash = createHash('sha256');
    for await (const chunk of fs.createReadStream(path.join(model.folder, f.path))) hash.update(chunk as Buffer);
    if (hash.digest('hex') !== f.sha256) {
      throw new Error(`${f.path} of ${model.alias} does not match its SHA-256 in models.json; rebuild with npm run models:build.`);
    }
  }
}
