/**
 * Is Foundry Local running on the CPU when it need not? Users report Foundry listing only CPU
 * variants although the machine has a GPU (foundry-local issues 858, 895): it then answers, only
 * far slower, and nothing says why. "Test connection" reads the variants' devices (from the id's
 * last part, "-generic-cpu", or the catalog's execution provider) and says so when
 * - the server lists no GPU or NPU variant at all, while this browser sees a hardware GPU or a
 *   listed model is one Foundry also builds for the GPU; or
 * - a model Foundry also builds for the GPU is there only as its CPU variant.
 */
import { parseVariantId, type ServerModel, type VariantDevice, type VariantId } from './foundry-alias';
import type { GatewayGeneration } from './foundry-client';
import type { WebGpuInfo } from '../../placement/snapshot';

/**
 * GPU variants in Foundry Local's catalog, by the model part of their CPU sibling's id (see
 * docs/foundry-local-api.md). gpt-oss-20b has only `cuda-gpu` and `generic-cpu` variants.
 */
export const FOUNDRY_GPU_VARIANTS: Readonly<Record<string, string>> = {
  'phi-4-mini-instruct': 'Phi-4-mini-instruct-generic-gpu',
  'gpt-oss-20b': 'gpt-oss-20b-cuda-gpu',
};

/** What "Test connection" says about where Foundry runs its models. */
export interface DeviceAdvice {
  /** 'server': no GPU variant listed at all; 'models': some models only as their CPU variant. */
  scope: 'server' | 'models';
  /** The finding in a few words: "Foundry Local is running on the CPU". */
  title: string;
  /** Why it says so, in a sentence or two. */
  summary: string;
  /** What to try, in order; commands in `backticks`. */
  steps: string[];
  /** The CPU variant ids it is about. */
  cpuIds: string[];
}

/** A real GPU, not a software adapter that runs on the CPU (SwiftShader, llvmpipe, Microsoft Basic Render). */
export function hasHardwareGpu(gpu: WebGpuInfo | null): gpu is WebGpuInfo {
  if (!gpu || gpu.isFallbackAdapter) return false;
  return !/swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i.test(`${gpu.name} ${gpu.description}`);
}

interface Variant {
  server: ServerModel;
  id: VariantId;
  device: VariantDevice | null;
}

function gpuVariantOf(v: Variant): string | undefined {
  const alias = v.server.alias?.toLowerCase();
  return (
    FOUNDRY_GPU_VARIANTS[v.id.model] ?? (alias ? (FOUNDRY_GPU_VARIANTS[alias] ?? FOUNDRY_GPU_VARIANTS[`${alias}-instruct`]) : undefined)
  );
}

function listSome(ids: readonly string[], max = 3): string {
  const shown = ids.slice(0, max).join(', ');
  return ids.length > max ? `${shown} and ${ids.length - max} more` : shown;
}

function listAll(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}

/** "`foundry model run gpt-oss-20b-cuda-gpu` (NVIDIA only)" */
function runCommand(gpuId: string): string {
  return `\`foundry model run ${gpuId}\`${/-cuda-gpu$/i.test(gpuId) ? ' (NVIDIA only)' : ''}`;
}

function runSteps(gpuIds: readonly string[]): string[] {
  const commands = gpuIds.length ? gpuIds.map(runCommand).join(' or ') : '`foundry model run <model>-generic-gpu`';
  return [
    'Check what Foundry offers and has downloaded: `foundry model list --filter device=GPU` (CLI 0.10: `foundry model ls --variants`), `foundry cache list`.',
    // A variant id, unlike an alias, picks that variant whatever Foundry prefers.
    `If a GPU variant is listed, run it by its id: ${commands}.`,
  ];
}

const KNOWN_ISSUE = 'A known Foundry Local issue: on some machines it offers no GPU variants at all (foundry-local issues 858 and 895).';

const UPDATE_STEP =
  'If none is, update Foundry Local and the GPU driver and restart it (`foundry service restart`; `foundry --help` for your version).';

/**
 * What to tell the user about the devices of a Foundry server's models, or null when there is
 * nothing to say (GPU variants present, a CPU-only machine, not Foundry, the bundled gateway).
 */
export function deviceAdvice(
  info: { generation: GatewayGeneration; models: readonly ServerModel[] },
  gpu: WebGpuInfo | null,
): DeviceAdvice | null {
  // A plain OpenAI server's ids say nothing about devices; the bundled gateway is CPU-only by design.
  if (info.generation === 'openai') return null;
  const variants: Variant[] = info.models
    .filter((m) => !m.bundled)
    .map((server) => {
      const id = parseVariantId(server.id);
      return { server, id, device: server.device ?? id.device };
    });
  const cpu = variants.filter((v) => v.device === 'cpu');
  const accelerated = variants.filter((v) => v.device === 'gpu' || v.device === 'npu');
  if (cpu.length === 0) return null;

  // CPU variants of models Foundry also builds for the GPU, with no such variant of theirs listed.
  const missingGpu = cpu.filter((v) => gpuVariantOf(v) !== undefined && !accelerated.some((a) => a.id.model === v.id.model));
  const gpuIds = [...new Set(missingGpu.map((v) => gpuVariantOf(v)!))];
  const names = [...new Set(missingGpu.map((v) => v.server.alias ?? v.id.model))];

  if (accelerated.length === 0) {
    const realGpu = hasHardwareGpu(gpu);
    if (!realGpu && gpuIds.length === 0) return null;
    const cpuIds = cpu.map((v) => v.server.id);
    const because = realGpu ? `this device has a GPU (${gpu.name})` : `Foundry also builds ${listAll(names)} for the GPU`;
    const what =
      cpuIds.length === 1
        ? 'The one variant it lists is a CPU one'
        : `${cpuIds.length === 2 ? 'Both' : `All ${cpuIds.length}`} variants it lists are CPU ones`;
    return {
      scope: 'server',
      title: 'Foundry Local is running on the CPU',
      summary: `${what}, although ${because}. ${KNOWN_ISSUE}`,
      steps: [...runSteps(gpuIds), UPDATE_STEP],
      cpuIds,
    };
  }

  if (missingGpu.length === 0) return null;
  const cpuIds = missingGpu.map((v) => v.server.id);
  const one = cpuIds.length === 1;
  return {
    scope: 'models',
    title: `Only ${one ? 'a CPU variant' : 'CPU variants'} of ${listSome(names)}`,
    summary: `The gateway lists ${listSome(cpuIds)}, so ${one ? 'it runs' : 'they run'} on the CPU, although Foundry also builds ${one ? 'it' : 'them'} for the GPU.`,
    steps: runSteps(gpuIds),
    cpuIds,
  };
}
