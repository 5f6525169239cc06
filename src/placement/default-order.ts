/**
 * The order in which a device's variants are tried when nothing was measured on this device yet
 * (measured-order.ts reorders them once something was). Fastest likely first, by what the kernels
 * behind each variant do on that device.
 *
 * WebGPU: the f16 variants (shader-f16), then f32 activations: q4, fp32, q8. Its 4-bit kernels
 * (MatMulNBits) read 4-bit weights straight from GPU memory, so smaller is faster there.
 *
 * WASM: ONNX Runtime's CPU math library has 4-bit MatMulNBits kernels for x86-64, ARM64 and
 * LoongArch only, none for WebAssembly: in the browser every q4 matmul dequantizes its whole weight
 * to fp32 on every call, then multiplies in fp32, so q4 is the slowest variant there (measured here,
 * decode tok/s in browser WASM: a 90M-parameter model with Qwen2.5-0.5B's layer shapes q4 5.0, q8
 * 76, fp32 67; Pocket Chat 1M q4 399, q8 506, fp32 899). q8 (the hub's dynamic quantization,
 * MatMulInteger) has WASM SIMD int8 kernels, which is why transformers.js defaults WASM to q8 too.
 * q4 (and bnb4, also 4-bit) come after every other variant, so they run only when nothing else
 * fits (the wasm32 heap); the f16 variants stay last, as the CPU emulates fp16.
 */
// Type imports only: the build's service worker plugin (tools/vite/service-worker.ts) runs this
// file inside the Vite config, which loads without a bundler.
import type { Device } from '../catalog/model-ref';
import type { CatalogModel, Dtype } from '../catalog/schema';

export const WEBGPU_ORDER: readonly Dtype[] = ['q4f16', 'fp16', 'q4', 'fp32', 'q8', 'int8', 'uint8', 'bnb4'];
const WASM_ORDER: readonly Dtype[] = ['q8', 'int8', 'uint8', 'fp32', 'q4', 'bnb4', 'fp16', 'q4f16'];
const WASM_ORDER_TINY: readonly Dtype[] = ['fp32', 'q8', 'int8', 'uint8', 'q4', 'bnb4', 'fp16', 'q4f16'];

/**
 * fp32 goes first on WASM when its variant is at most this big. Per token, a quantized variant
 * pays a fixed cost per matmul (our own q8 files dequantize their weights at run time, like q4;
 * the hub's quantize the activations each call) that fp32 does not, and only at real layer sizes
 * does reading a quarter of the bytes win that back. Measured here (browser WASM): fp32 decoded
 * 1.8× as fast as q8 at 3.8 MB of fp32 weights (Pocket Chat 1M); 2.6× as fast as q4 at 14 MB (3M),
 * where q8 beat q4 by only 1.3×; and 0.9× q8 at 360 MB (90M parameters, Qwen2.5-0.5B's layers).
 * The crossover lies in between; 64 MB (16M parameters) stays well on the side seen to win, and
 * keeps the extra download over q8 under 50 MB. A measurement on the device overrides this guess.
 */
export const WASM_FP32_FIRST_MAX_BYTES = 64e6;

/** The model fields the default order reads. */
export type OrderedModel = Pick<CatalogModel, 'files' | 'variants'>;

/** The dtypes to try on `device`, fastest likely first, before any measurement (see the module comment). */
export function defaultOrder(model: OrderedModel, device: Device): readonly Dtype[] {
  if (device === 'webgpu') return WEBGPU_ORDER;
  const fp32 = model.variants.find((v) => v.dtype === 'fp32');
  if (!fp32) return WASM_ORDER;
  // What the variant downloads, as catalog/variants.ts counts it: the shared files and its own.
  const bytes = [...model.files, ...fp32.files].reduce((n, f) => n + f.bytes, 0);
  return bytes <= WASM_FP32_FIRST_MAX_BYTES ? WASM_ORDER_TINY : WASM_ORDER;
}
