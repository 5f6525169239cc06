/**
 * The models a benchmark run names, found on disk: a bundled model (`public/models/<id>/`, served
 * at `/models/` by the app itself), a built benchmark model (`tools/models/.cache/<id>/`, e.g.
 * `bench-0.5b` from `npm run models:bench`), or any folder in the hub layout (config.json,
 * tokenizer files, onnx/model*.onnx) given by path. The last two are served at `/bench-models/`.
 *
 * Node-only; never bundled.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chunkFileName, onnxFileForDtype } from '../../src/catalog/dtypes';
import type { ModelRef } from '../../src/engine/engine-types';
import type { BareRequest } from './bench-types';

export type BenchDtype = BareRequest['dtype'];
/** The variants the benchmark knows, in the order it runs them; f16 ones only when asked for. */
export const BENCH_DTYPES: readonly BenchDtype[] = ['q4', 'q8', 'fp32', 'fp16', 'q4f16'];
const DEFAULT_DTYPES: readonly BenchDtype[] = ['q4', 'q8', 'fp32'];

export interface ModelVariant {
  dtype: BenchDtype;
  /** `onnx/model_q4.onnx`, and its external data chunks, relative to the folder. */
  files: { path: string; bytes: number }[];
}

export interface ModelFolder {
  id: string;
  dir: string;
  bundled: boolean;
  /** Origin-relative URL of the folder holding this model's folder. */
  servedAt: '/models/' | '/bench-models/';
  /** The context window (config.json `max_position_embeddings`). */
  window: number;
  /** Files every variant needs: config, tokenizer, generation config. */
  shared: { path: string; bytes: number }[];
  variants: ModelVariant[];
}

export class ModelFolderError extends Error {
  override readonly name = 'ModelFolderError';
}

const isPath = (arg: string): boolean => arg.includes('/') || arg.includes(path.sep) || arg.startsWith('.');

function variantOf(dir: string, dtype: BenchDtype): ModelVariant | null {
  const main = onnxFileForDtype(dtype);
  if (!fs.existsSync(path.join(dir, main))) return null;
  const files = [main];
  for (let i = 0; fs.existsSync(path.join(dir, chunkFileName(main, i))); i++) files.push(chunkFileName(main, i));
  return { dtype, files: files.map((f) => ({ path: f, bytes: fs.statSync(path.join(dir, f)).size })) };
}

function readFolder(id: string, dir: string, bundled: boolean): ModelFolder {
  const configPath = path.join(dir, 'config.json');
  if (!fs.existsSync(configPath)) throw new ModelFolderError(`${dir} is not a model folder: it has no config.json`);
  const config = JSON.parse(fs.readFileSync(configPath, 'utf8')) as { max_position_embeddings?: unknown };
  const window = typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : Number.NaN;
  if (!Number.isFinite(window)) throw new ModelFolderError(`${configPath} has no max_position_embeddings: the context window is unknown`);
  const shared = fs
    .readdirSync(dir)
    // models.json: a catalog a builder may leave next to the model; the app never fetches it.
    .filter((f) => /\.(json|txt)$/.test(f) && f !== 'models.json' && fs.statSync(path.join(dir, f)).isFile())
    .map((f) => ({ path: f, bytes: fs.statSync(path.join(dir, f)).size }));
  const variants = BENCH_DTYPES.flatMap((d) => variantOf(dir, d) ?? []);
  if (!variants.length)
    throw new ModelFolderError(`${dir} has no ONNX variant (onnx/model.onnx, model_q4.onnx, model_quantized.onnx, ...)`);
  return { id, dir, bundled, servedAt: bundled ? '/models/' : '/bench-models/', window, shared, variants };
}

/** Resolves a `--models` entry: a bundled id, a built model's id, or a folder path. */
export function resolveModel(arg: string, root: string): ModelFolder {
  if (isPath(arg)) {
    const dir = path.resolve(arg);
    if (!fs.existsSync(dir)) throw new ModelFolderError(`No model folder at ${dir}`);
    return readFolder(path.basename(dir), dir, false);
  }
  const bundled = path.join(root, 'public', 'models', arg);
  if (fs.existsSync(path.join(bundled, 'config.json'))) return readFolder(arg, bundled, true);
  const built = path.join(root, 'tools', 'models', '.cache', arg);
  if (fs.existsSync(built)) return readFolder(arg, built, false);
  throw new ModelFolderError(
    `No model "${arg}": it is not bundled (public/models/) and ${path.relative(root, built)}/ does not exist. ` +
      `Build the benchmark model with \`npm run models:bench\` (it writes tools/models/.cache/bench-0.5b/), or pass the path of a model folder.`,
  );
}

/** The variants to run: the ones asked for, or by default q4, q8 and fp32 where the folder has them. */
export function chooseVariants(folder: ModelFolder, asked: readonly BenchDtype[] | null): ModelVariant[] {
  const wanted = asked ?? DEFAULT_DTYPES;
  const missing = asked?.filter((d) => !folder.variants.some((v) => v.dtype === d)) ?? [];
  if (missing.length)
    throw new ModelFolderError(
      `${folder.id} has no ${missing.join(', ')} variant (${missing.map((d) => onnxFileForDtype(d)).join(', ')}); it has ${folder.variants.map((v) => v.dtype).join(', ')}`,
    );
  return folder.variants.filter((v) => wanted.includes(v.dtype));
}

/** The bytes of a variant's weight files. */
export const variantBytes = (v: ModelVariant): number => v.files.reduce((sum, f) => sum + f.bytes, 0);

/**
 * The ModelRef the app would load for a folder model served at `baseUrl`/bench-models/<id>/, as
 * for a hub model: every file with its size (the worker's integrity guard checks them, and hashes
 * them as it does every download). Bundled models use the catalog's own ModelRef instead.
 */
export function folderModelRef(folder: ModelFolder, variant: ModelVariant, device: BareRequest['device'], baseUrl: string): ModelRef {
  return {
    id: folder.id,
    location: new URL(`${folder.servedAt.slice(1)}${folder.id}/`, baseUrl).href,
    dtype: variant.dtype,
    device,
    contextLength: folder.window,
    files: [...folder.shared, ...variant.files],
  };
}
