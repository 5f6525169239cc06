/**
 * Counts the bytes of the WebGPU buffers alive in this worker. ONNX Runtime Web does not report
 * its GPU memory, and WebGPU has no query for it, so the worker wraps `GPUDevice.createBuffer` and
 * `GPUBuffer.destroy` before ONNX Runtime makes its device: every buffer it creates (weights, KV
 * cache, activations, staging) is counted at its requested size until it is destroyed or collected.
 * Textures and what the browser and driver add around a buffer are not counted, so the figure is a
 * floor of the GPU memory the model takes, not its whole.
 */

/** The live buffers' bytes now, and the most they reached since the last reset (a model load). */
export interface GpuBufferReading {
  liveBytes: number;
  peakBytes: number;
  buffers: number;
}

/** One buffer's share of the count; `live` turns false once it is destroyed, so a later collection does not subtract it twice. */
interface Counted {
  bytes: number;
  live: boolean;
}

export class GpuBufferMeter {
  private liveBytes = 0;
  private peakBytes = 0;
  private buffers = 0;
  // Weak: a buffer ONNX Runtime drops without destroying is freed by the collector, and must not be kept alive by the count.
  private readonly counted = new WeakMap<object, Counted>();
  private readonly collected = new FinalizationRegistry<Counted>((entry) => this.release(entry));

  created(buffer: object, bytes: number): void {
    const entry: Counted = { bytes, live: true };
    this.counted.set(buffer, entry);
    this.collected.register(buffer, entry);
    this.liveBytes += bytes;
    this.buffers++;
    this.peakBytes = Math.max(this.peakBytes, this.liveBytes);
  }

  destroyed(buffer: object): void {
    const entry = this.counted.get(buffer);
    if (entry) this.release(entry);
  }

  /** Starts the peak again from what is alive now (called as a model starts loading). */
  resetPeak(): void {
    this.peakBytes = this.liveBytes;
  }

  reading(): GpuBufferReading {
    return { liveBytes: this.liveBytes, peakBytes: this.peakBytes, buffers: this.buffers };
  }

  private release(entry: Counted): void {
    if (!entry.live) return;
    entry.live = false;
    this.liveBytes -= entry.bytes;
    this.buffers--;
  }
}

/** The two WebGPU classes the meter wraps, as a worker (or a test's stand-in scope) has them. */
export interface GpuScope {
  // Function-typed properties, not methods: the wrappers call the originals with the right `this`.
  GPUDevice?: { prototype: { createBuffer: (this: unknown, descriptor: GPUBufferDescriptor) => object } };
  GPUBuffer?: { prototype: { destroy: (this: object) => undefined } };
}

/**
 * Wraps buffer creation and destruction in `scope` (the worker's global scope) and returns the
 * meter; null where WebGPU is missing. Install it once, before any device exists.
 */
export function installGpuBufferMeter(scope: GpuScope): GpuBufferMeter | null {
  const device = scope.GPUDevice?.prototype;
  const buffer = scope.GPUBuffer?.prototype;
  if (!device || !buffer) return null;
  const meter = new GpuBufferMeter();
  const { createBuffer } = device;
  const { destroy } = buffer;
  device.createBuffer = function countedCreateBuffer(this: unknown, descriptor: GPUBufferDescriptor) {
    const made = createBuffer.call(this, descriptor);
    meter.created(made, descriptor.size);
    return made;
  };
  buffer.destroy = function countedDestroy(this: object) {
    meter.destroyed(this);
    destroy.call(this);
    return undefined;
  };
  return meter;
}
