/** How transformers.js names the ONNX file of each dtype (`onnx/model{suffix}.onnx`). */
import type { Dtype } from './schema';

const SUFFIX: Record<Dtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/** `onnx/model_q4.onnx` for `q4`, and so on. */
export function onnxFileForDtype(dtype: Dtype, base = 'model'): string {
  return `onnx/${base}${SUFFIX[dtype]}.onnx`;
}

/** The name of external-data chunk `index` of ONNX file `main`: `…onnx_data`, then `…onnx_data_1`, `…_2`. */
export function chunkFileName(main: string, index: number): string {
  return `${main}_data${index === 0 ? '' : `_${index}`}`;
}

/** The chunk number of an external-data file of `main` (`…onnx_data` 0, `…onnx_data_3` 3), or null. */
export function chunkIndex(main: string, path: string): number | null {
  if (path === `${main}_data`) return 0;
  const match = path.startsWith(`${main}_data_`) ? /^[1-9]\d*$/.exec(path.slice(main.length + 6)) : null;
  return match ? Number(match[0]) : null;
}

/** Human label: transformers.js calls 8-bit weights `q8`; people say int8. */
export function dtypeLabel(dtype: Dtype): string {
  return dtype === 'q8' ? 'int8 (q8)' : dtype;
}
