/**
 * Watches the WebGPU device ONNX Runtime runs on, so a failed call can be told apart from a lost
 * device (`GPUDevice.lost` is the reliable signal; error messages vary by backend and browser).
 */

/** Where ONNX Runtime keeps its WebGPU device (`env.backends.onnx.webgpu`); absent without WebGPU. */
export interface WebGpuBackend {
  readonly device: Promise<GPUDevice>;
}

/** The device in use, and why it was lost. */
export class DeviceWatch {
  private device: GPUDevice | null = null;
  private lost: Promise<string> | null = null;
  private lostReason: string | null = null;
  /** Fault injection: lose the device of the next WebGPU load, between session and warm-up. */
  private loseOnNextLoad = false;

  constructor(private readonly backend: () => WebGpuBackend | undefined) {}

  /** The device the current model runs on, once a WebGPU model is loaded. */
  get current(): GPUDevice | null {
    return this.device;
  }

  /** Starts watching the device a model was just loaded on (nothing to watch on WASM). */
  async watch(device: 'webgpu' | 'wasm'): Promise<void> {
    const backend = this.backend();
    if (device !== 'webgpu' || !backend) return;
    const current = await backend.device;
    // ONNX Runtime destroys its device when the last session is released and makes a new one for
    // the next model: only the loss of the device in use counts.
    if (current !== this.device) {
      this.device = current;
      this.lostReason = null;
      this.lost = current.lost.then((info) => {
        const reason = info.message || `GPUDevice lost (${info.reason})`;
        if (this.device === current) {
          this.lostReason = reason;
          console.warn(`[inference worker] ${reason}`);
        }
        return reason;
      });
    }
    if (this.loseOnNextLoad) {
      this.loseOnNextLoad = false;
      current.destroy();
    }
  }

  /**
   * Why the device was lost, or null while it works. `GPUDevice.lost` settles a moment after the
   * failed call that revealed the loss: a caller with an error in hand waits up to `graceMs`.
   */
  async reason(graceMs = 0): Promise<string | null> {
    if (this.lostReason !== null || !this.lost || graceMs <= 0) return this.lostReason;
    return Promise.race([this.lost, new Promise<null>((resolve) => setTimeout(() => resolve(null), graceMs))]);
  }

  /** Fault injection: the next WebGPU load loses its device after its session is made. */
  loseNextLoad(): void {
    this.loseOnNextLoad = true;
  }
}
