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

/** Human label: transformers.js calls 8-bit weights `q8`; people say int8. */
export function dtypeLabel(dtype: Dtype): string {
  return dtype === 'q8' ? 'int8 (q8)' : dtype;
}
