/**
 * "Foundry Local is running on the CPU": when the model list of a Foundry server shows only CPU
 * variants although this device has a GPU, or for models Foundry also builds for the GPU
 * (foundry-local issues 858, 895). The lists below are shaped like the ones users posted there.
 */
import { describe, expect, it } from 'vitest';
import { runtimeDevice, type ServerModel } from '../../src/engine/gateway/foundry-alias';
import { deviceAdvice, hasHardwareGpu } from '../../src/engine/gateway/foundry-devices';
import type { WebGpuInfo } from '../../src/placement/snapshot';

function adapter(over: Partial<WebGpuInfo> = {}): WebGpuInfo {
  return {
    name: 'nvidia · ampere',
    vendor: 'nvidia',
    architecture: 'ampere',
    description: 'NVIDIA GeForce RTX 3080 Laptop GPU',
    shaderF16: true,
    isFallbackAdapter: false,
    maxBufferSize: 4 * 2 ** 30,
    maxStorageBufferBindingSize: 2 * 2 ** 30,
    ...over,
  };
}

const swiftshader = adapter({
  name: 'google · swiftshader',
  vendor: 'google',
  architecture: 'swiftshader',
  description: 'SwiftShader Device',
});

const cpuOnly: ServerModel[] = [
  { id: 'gpt-oss-20b-generic-cpu:1', alias: 'gpt-oss-20b', device: 'cpu' },
  { id: 'mistralai-Mistral-7B-Instruct-v0-2-generic-cpu:2', alias: 'mistral-7b-v0.2', device: 'cpu' },
  { id: 'qwen2.5-0.5b-instruct-generic-cpu:4', alias: 'qwen2.5-0.5b', device: 'cpu' },
];

describe('a Foundry server with CPU variants only', () => {
  it('says Foundry runs on the CPU although the browser sees a GPU, names the known issue and what to try', () => {
    const advice = deviceAdvice({ generation: 'foundry-service', models: cpuOnly }, adapter());
    expect(advice?.scope).toBe('server');
    expect(advice?.title).toBe('Foundry Local is running on the CPU');
    expect(advice?.summary).toMatch(/^All 3 variants it lists are CPU ones, /);
    expect(advice?.summary).toContain('although this device has a GPU (nvidia · ampere)');
    expect(advice?.summary).toMatch(/known Foundry Local issue.*858 and 895/);
    expect(advice?.cpuIds).toEqual(cpuOnly.map((m) => m.id));
    const steps = advice?.steps.join('\n') ?? '';
    expect(steps).toContain('`foundry cache list`');
    // The documented way to pick a variant: run it by its id.
    expect(steps).toContain('`foundry model run gpt-oss-20b-cuda-gpu`');
    expect(steps).toMatch(/update Foundry Local/);
  });

  it('reads the device from the id when the server has no catalog (the newer server generation)', () => {
    const ids: ServerModel[] = [{ id: 'Phi-4-mini-instruct-generic-cpu:2' }, { id: 'qwen2.5-0.5b-instruct-generic-cpu:4' }];
    const advice = deviceAdvice({ generation: 'foundry-server', models: ids }, adapter());
    expect(advice?.scope).toBe('server');
    expect(advice?.summary).toMatch(/^Both variants it lists are CPU ones/);
    // Phi-4-mini has a GPU variant in Foundry's catalog: the way to it is named.
    expect(advice?.steps.join('\n')).toContain('`foundry model run Phi-4-mini-instruct-generic-gpu`');
  });

  it('without a GPU in the browser, still speaks up for a model Foundry also builds for the GPU', () => {
    const advice = deviceAdvice({ generation: 'foundry-service', models: cpuOnly }, swiftshader);
    expect(advice?.scope).toBe('server');
    expect(advice?.summary).toMatch(/^All 3 variants it lists are CPU ones, although Foundry also builds gpt-oss-20b for the GPU\./);
    expect(advice?.steps.join('\n')).toContain('`foundry model run gpt-oss-20b-cuda-gpu` (NVIDIA only)');
    expect(advice?.summary).not.toContain('this device has a GPU');
  });

  it('says nothing on a CPU-only machine about models Foundry builds for the CPU only', () => {
    const models: ServerModel[] = [
      { id: 'qwen2.5-0.5b-instruct-generic-cpu:4', device: 'cpu' },
      { id: 'mistralai-Mistral-7B-Instruct-v0-2-generic-cpu:2', device: 'cpu' },
    ];
    expect(deviceAdvice({ generation: 'foundry-service', models }, null)).toBeNull();
    expect(deviceAdvice({ generation: 'foundry-service', models }, swiftshader)).toBeNull();
    expect(deviceAdvice({ generation: 'foundry-service', models }, adapter({ isFallbackAdapter: true }))).toBeNull();
    // The same list on a machine with a GPU: then Foundry should have offered GPU variants.
    expect(deviceAdvice({ generation: 'foundry-service', models }, adapter())?.scope).toBe('server');
  });
});

describe('when a GPU variant is listed', () => {
  it('says nothing when every model Foundry builds for the GPU is there as a GPU variant', () => {
    const models: ServerModel[] = [
      { id: 'Phi-4-mini-instruct-generic-gpu:5', alias: 'phi-4-mini' },
      { id: 'Phi-4-mini-instruct-generic-cpu:2', alias: 'phi-4-mini' },
      { id: 'gpt-oss-20b-cuda-gpu:1', alias: 'gpt-oss-20b' },
      { id: 'gpt-oss-20b-generic-cpu:1', alias: 'gpt-oss-20b' },
    ];
    expect(deviceAdvice({ generation: 'foundry-service', models }, adapter())).toBeNull();
  });

  it('names a model that is there only as its CPU variant, and its GPU variant', () => {
    const models: ServerModel[] = [
      { id: 'Phi-4-mini-instruct-generic-gpu:5', alias: 'phi-4-mini' },
      { id: 'gpt-oss-20b-generic-cpu:1', alias: 'gpt-oss-20b' },
    ];
    const advice = deviceAdvice(
      { generation: 'foundry-server', models },
      adapter({ name: 'amd · rdna-3', description: 'AMD Radeon RX 7800 XT' }),
    );
    expect(advice?.scope).toBe('models');
    expect(advice?.cpuIds).toEqual(['gpt-oss-20b-generic-cpu:1']);
    expect(advice?.title).toBe('Only a CPU variant of gpt-oss-20b');
    expect(advice?.summary).toMatch(/^The gateway lists gpt-oss-20b-generic-cpu:1, so it runs on the CPU/);
    // Not a Foundry bug here: Foundry lists a GPU variant, so it sees the GPU.
    expect(advice?.summary).not.toMatch(/known Foundry Local issue/);
    expect(advice?.summary).toMatch(/although Foundry also builds it for the GPU\.$/);
    expect(advice?.steps.join('\n')).toContain('`foundry model run gpt-oss-20b-cuda-gpu` (NVIDIA only)');
  });

  it('counts NPU variants as not running on the CPU', () => {
    const models: ServerModel[] = [
      { id: 'phi-3.5-mini-instruct-qnn-npu:1', device: 'npu' },
      { id: 'qwen2.5-0.5b-instruct-generic-cpu:4', device: 'cpu' },
    ];
    expect(deviceAdvice({ generation: 'foundry-service', models }, adapter())).toBeNull();
  });
});

describe('servers it says nothing about', () => {
  it('a plain OpenAI server (its ids say nothing about devices)', () => {
    expect(deviceAdvice({ generation: 'openai', models: cpuOnly }, adapter())).toBeNull();
  });

  it('the bundled gateway, CPU-only by design', () => {
    const models: ServerModel[] = [
      { id: 'pocket-chat-1m-generic-cpu:1', alias: 'pocket-chat-1m', device: 'cpu', bundled: true },
      { id: 'pocket-chat-3m-generic-cpu:1', alias: 'pocket-chat-3m', device: 'cpu', bundled: true },
    ];
    expect(deviceAdvice({ generation: 'foundry-service', models }, adapter())).toBeNull();
  });

  it('a server whose ids carry no device', () => {
    expect(deviceAdvice({ generation: 'foundry-server', models: [{ id: 'my-finetune' }] }, adapter())).toBeNull();
  });
});

describe('devices', () => {
  it('reads a Foundry catalog runtime: its device type first, else its execution provider', () => {
    expect(runtimeDevice({ deviceType: 'CPU', executionProvider: 'CPUExecutionProvider' })).toBe('cpu');
    expect(runtimeDevice({ deviceType: 'GPU', executionProvider: 'OpenVINOExecutionProvider' })).toBe('gpu');
    expect(runtimeDevice({ executionProvider: 'CUDAExecutionProvider' })).toBe('gpu');
    expect(runtimeDevice({ executionProvider: 'WebGpuExecutionProvider' })).toBe('gpu');
    expect(runtimeDevice({ executionProvider: 'QNNExecutionProvider' })).toBe('npu');
    expect(runtimeDevice({ executionProvider: 'OpenVINOExecutionProvider' })).toBeUndefined();
    expect(runtimeDevice(null)).toBeUndefined();
  });

  it('takes the catalog device over the id', () => {
    // An id without a device suffix, described by the catalog as a CPU build.
    const models: ServerModel[] = [{ id: 'gpt-oss-20b', alias: 'gpt-oss-20b', device: 'cpu' }];
    expect(deviceAdvice({ generation: 'foundry-service', models }, adapter())?.cpuIds).toEqual(['gpt-oss-20b']);
  });

  it('tells a hardware GPU from a software adapter', () => {
    expect(hasHardwareGpu(adapter())).toBe(true);
    expect(hasHardwareGpu(swiftshader)).toBe(false);
    expect(hasHardwareGpu(adapter({ isFallbackAdapter: true }))).toBe(false);
    expect(hasHardwareGpu(adapter({ name: 'mesa · llvmpipe', description: 'llvmpipe (LLVM 15.0.7, 256 bits)' }))).toBe(false);
    expect(hasHardwareGpu(null)).toBe(false);
  });
});
