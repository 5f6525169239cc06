/**
 * Importing a model folder from the user's disk (file picker or drag and drop): the files are
 * checked like a hub repository (folderToModel), hashed, and written to the weight cache under
 * `local-models/<id>/`, where the engine finds them exactly like a downloaded model's. Nothing
 * goes over the network, before or after.
 */
import { folderToModel, HubRepoError, slugId, type HubTreeEntry } from '../hub/hub-repo';
import type { CatalogModel } from '../catalog/schema';
import { blobSha256 } from '../cache/blob-sha256';

/** One picked file, with its path inside the picked folder ("my-model/onnx/model_q4.onnx"). */
export interface PickedFile {
  path: string;
  file: Blob;
}

/** Where imported files are stored: a URL no server answers, so they only ever come from the cache. */
export const LOCAL_MODELS_PATH = 'local-models';

export interface WeightWriter {
  /** Stores a file, or throws saying why it could not (storage full...). */
  put(url: string, response: Response): Promise<void>;
  delete(url: string): Promise<unknown>;
}

async function readJson(file: PickedFile | undefined, what: string): Promise<Record<string, unknown> | null> {
  if (!file) return null;
  try {
    const data: unknown = JSON.parse(await file.file.text());
    if (typeof data === 'object' && data !== null && !Array.isArray(data)) return data as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new HubRepoError(`${what} is not a JSON object.`);
}

/** The folder that holds config.json (the shallowest one), and the files under it by relative path. */
function modelRoot(files: readonly PickedFile[]): { root: string; byPath: Map<string, PickedFile> } {
  const configs = files.map((f) => f.path.replace(/^\/+/, '')).filter((p) => p === 'config.json' || p.endsWith('/config.json'));
  const first = configs.sort((a, b) => a.split('/').length - b.split('/').length)[0];
  if (first === undefined)
    throw new HubRepoError('The picked files have no config.json: pick the model folder itself (the one with config.json and onnx/).');
  const root = first.slice(0, -'config.json'.length);
  const byPath = new Map<string, PickedFile>();
  for (const f of files) {
    const path = f.path.replace(/^\/+/, '');
    if (path.startsWith(root)) byPath.set(path.slice(root.length), f);
  }
  return { root: root.replace(/\/$/, ''), byPath };
}

export async function importLocalModel(files: readonly PickedFile[], baseUrl: string, weights: WeightWriter): Promise<CatalogModel> {
  const { root, byPath } = modelRoot(files);
  const label = root.split('/').pop() || 'imported-model';
  const id = slugId(`local-${label}`);
  // Only what the engine could load: root JSON files and onnx/ weights.
  const relevant = [...byPath].filter(([path]) => (!path.includes('/') ? path.endsWith('.json') : path.startsWith('onnx/')));
  const tree: HubTreeEntry[] = await Promise.all(
    relevant.map(async ([path, f]) => ({
      type: 'file',
      path,
      size: f.file.size,
      lfs: { oid: await blobSha256(f.file), size: f.file.size },
    })),
  );
  const model = folderToModel(
    {
      label,
      tree,
      config: (await readJson(byPath.get('config.json'), 'config.json')) ?? {},
      tokenizerConfig: await readJson(byPath.get('tokenizer_config.json'), 'tokenizer_config.json'),
      license: null,
    },
    {
      id,
      name: label,
      source: { kind: 'local', path: `${LOCAL_MODELS_PATH}/${id}` },
      notes: `Imported from the folder "${label}" on this device; it exists only in this browser.`,
    },
  );
  const needed = new Set([...model.files, ...model.variants.flatMap((v) => v.files)].map((f) => f.path));
  const stored: string[] = [];
  try {
    for (const path of needed) {
      const f = byPath.get(path);
      if (!f) continue;
      const url = new URL(`${LOCAL_MODELS_PATH}/${id}/${path}`, baseUrl).href;
      const type = path.endsWith('.json') ? 'application/json' : 'application/octet-stream';
      await weights.put(url, new Response(f.file, { headers: { 'content-type': type, 'content-length': String(f.file.size) } }));
      stored.push(url);
    }
  } catch (error) {
    // An import is whole or absent: a model missing one file could never load.
    for (const url of stored) await weights.delete(url).catch(() => undefined);
    throw error;
  }
  return model;
}
