/**
 * How many external data chunks a variant's ONNX file has, read off the files the catalog lists
 * for it (`onnx/model_q4f16.onnx_data`, `onnx/model_q4f16.onnx_data_1`, ...), as transformers.js
 * takes it (`use_external_data_format`: a chunk count per ONNX file name).
 *
 * transformers.js 4.3 otherwise reads that count only from config.json's `transformers.js_config`,
 * and without it fetches no external data at all: the session then fails in ONNX Runtime, in the
 * browser with nothing saying which file was missing. The catalog entry, which was checked
 * against the hub's file list, is enough this way.
 */
import { chunkFileName, chunkIndex, onnxFileForDtype } from '../../catalog/dtypes';
import type { Dtype } from '../../catalog/schema';

/** The catalog's chunk files do not form the names transformers.js asks for (a gap). */
export class ExternalDataListError extends Error {
  override readonly name = 'ExternalDataListError';
}

/**
 * `{ "model_q4f16.onnx": 3 }` for a variant with three chunks; undefined when the files list
 * none, so transformers.js falls back to config.json (and a model with its weights inside the
 * .onnx file loads as before).
 */
export function externalDataFormat(files: readonly { path: string }[], dtype: Dtype): Record<string, number> | undefined {
  const main = onnxFileForDtype(dtype);
  const indices = new Set(files.flatMap((file) => chunkIndex(main, file.path) ?? []));
  if (indices.size === 0) return undefined;
  const count = Math.max(...indices) + 1;
  // transformers.js asks for chunks 0..count-1 by name: each must be listed (and so checked).
  for (let i = 0; i < count; i++) {
    if (indices.has(i)) continue;
    const name = (n: number): string => chunkFileName(main, n);
    throw new ExternalDataListError(
      `its files list ${name(count - 1)} but not ${name(i)}: external data chunks are numbered from ${name(0)} without gaps, so the model entry is incomplete (add the missing file, or add the model again from the hub).`,
    );
  }
  return { [main.slice(main.lastIndexOf('/') + 1)]: count };
}
