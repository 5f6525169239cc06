/**
 * Recognises a failed device in the error a load or a generation ended with. ONNX Runtime reports
 * a lost WebGPU device or an exhausted heap as a plain Error with the backend's message; the
 * worker also watches `GPUDevice.lost`, which is the reliable signal when it is available.
 */
export type DeviceFaultCause = 'device-lost' | 'out-of-memory';

const OUT_OF_MEMORY = /out of memory|\boom\b|allocation failed|failed to allocate|cannot allocate|memory limit/i;
const DEVICE_LOST = /device (?:was |is |has been )?(?:lost|destroyed)|gpudevice.*(?:lost|destroyed)|lost the device|instance dropped/i;

/** `lostReason` is what `GPUDevice.lost` reported, or null while the device is fine. */
export function deviceFaultCause(message: string, lostReason: string | null): DeviceFaultCause | null {
  if (lostReason !== null) return 'device-lost';
  if (OUT_OF_MEMORY.test(message)) return 'out-of-memory';
  if (DEVICE_LOST.test(message)) return 'device-lost';
  return null;
}

/** For the user: what happened, that nothing was lost (mid-answer), and what to do. */
export function describeDeviceFault(
  cause: DeviceFaultCause,
  device: string,
  lostReason: string | null,
  when: string,
  phase: 'load' | 'answer' = 'answer',
): string {
  const what =
    cause === 'device-lost'
      ? `The WebGPU device was lost ${when}${lostReason ? ` (${lostReason.replace(/\.+$/, '')})` : ''}`
      : `${device === 'webgpu' ? 'WebGPU' : 'WASM'} ran out of memory ${when}`;
  const kept = phase === 'answer' ? '; the conversation and the answer so far are kept' : '';
  return `${what}. The inference worker was restarted${kept}. Run the model on WASM, pick a smaller variant, or use the gateway.`;
}
