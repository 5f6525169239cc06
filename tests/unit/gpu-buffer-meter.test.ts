/**
 * The worker's count of WebGPU buffers. Node has no WebGPU, so the scope is a stand-in with the
 * two classes the meter wraps (the e2e benchmark on WebGPU reads the real count in Chromium).
 */
import { expect, it } from 'vitest';
import { installGpuBufferMeter, type GpuScope } from '../../src/engine/worker/gpu-buffer-meter';

class StandInBuffer {
  destroyed = 0;
  constructor(readonly size: number) {}
  destroy(): undefined {
    this.destroyed++;
    return undefined;
  }
}

/** Fresh classes per test, as installing wraps their prototypes; the device makes buffers of this scope's class. */
function scope() {
  const GPUBuffer = class extends StandInBuffer {};
  const GPUDevice = class {
    createBuffer(descriptor: GPUBufferDescriptor): StandInBuffer {
      return new GPUBuffer(descriptor.size);
    }
  };
  return { GPUDevice, GPUBuffer } satisfies GpuScope;
}

it('counts live bytes and the peak since the last reset, each buffer once, and still creates and destroys them', () => {
  const s = scope();
  const meter = installGpuBufferMeter(s)!;
  const device = new s.GPUDevice();
  const usage = 0;
  const a = device.createBuffer({ size: 1000, usage });
  const b = device.createBuffer({ size: 500, usage });
  expect(a).toBeInstanceOf(StandInBuffer);
  expect(meter.reading()).toEqual({ liveBytes: 1500, peakBytes: 1500, buffers: 2 });
  a.destroy();
  a.destroy(); // destroying twice is allowed by WebGPU, and must not count twice
  expect(a.destroyed).toBe(2);
  expect(meter.reading()).toEqual({ liveBytes: 500, peakBytes: 1500, buffers: 1 });
  meter.resetPeak();
  expect(meter.reading()).toEqual({ liveBytes: 500, peakBytes: 500, buffers: 1 });
  device.createBuffer({ size: 200, usage });
  b.destroy();
  expect(meter.reading()).toEqual({ liveBytes: 200, peakBytes: 700, buffers: 1 });
});

it('is null where WebGPU is missing', () => {
  expect(installGpuBufferMeter({})).toBeNull();
});
