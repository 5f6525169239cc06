/**
 * Foundry Local model names. People say an alias ("phi-4-mini", "gpt-oss-20b"); the server wants
 * a variant id ("Phi-4-mini-instruct-generic-gpu:5"). The newer Foundry server does not resolve
 * aliases (404 "No model matching"), so the client does, the same way for both generations.
 *
 * Resolution order: the exact id; the same id at its highest ":N" version; then every variant of
 * the alias, preferring one already loaded, then one already downloaded, then GPU over NPU over
 * CPU, then the highest version.
 *
 * It lives with the gateway engine, not in catalog/: it reads a running server's model list, so it
 * is part of talking to a gateway; the catalog only stores the alias (`gatewayAlias`).
 */

/** The hardware a Foundry variant is built for (the last part of its id). */
export type VariantDevice = 'gpu' | 'npu' | 'cpu';

/** A Foundry variant id taken apart. */
export interface VariantId {
  id: string;
  /** The id without the ":N" version, lowercased: "phi-4-mini-instruct-generic-gpu". */
  base: string;
  /** The model part, without execution provider and device: "phi-4-mini-instruct". */
  model: string;
  device: VariantDevice | null;
  version: number;
}

/** What the server told us about one variant. */
export interface ServerModel {
  id: string;
  /** From the older service's `/foundry/list`, when known. */
  alias?: string;
  loaded?: boolean;
  cached?: boolean;
  /** The device the server's catalog names for it (`runtime.deviceType` / `executionProvider`), when it says. */
  device?: VariantDevice;
  /** Served by the playground's own gateway, which runs on the CPU by design. */
  bundled?: boolean;
}

/** The server id an alias or id resolved to, and how. */
export interface Resolution {
  id: string;
  /** How the id was found, in words ("alias phi-4-mini → …, a GPU variant"). */
  how: string;
}

// "<model>-<provider>-<device>": provider names Foundry uses for its variants.
const VARIANT_SUFFIX = /^(.*?)-(?:generic|cuda|trt-rtx|tensorrt|qnn|openvino|vitis|webgpu|dml|directml)-(gpu|npu|cpu)$/;

/** "Phi-4-mini-instruct-generic-gpu:5" -> model, device and version. */
export function parseVariantId(id: string): VariantId {
  const match = /^(.*?)(?::(\d+))?$/.exec(id.trim());
  const base = (match?.[1] ?? id).toLowerCase();
  const version = match?.[2] === undefined ? 0 : Number(match[2]);
  const suffix = VARIANT_SUFFIX.exec(base);
  return {
    id,
    base,
    model: suffix?.[1] ?? base,
    device: (suffix?.[2] as VariantDevice | undefined) ?? null,
    version,
  };
}

// Execution providers by the device they run on (runtime.executionProvider). OpenVINO runs on
// any of the three, so only its deviceType can tell.
const PROVIDER_DEVICE: [RegExp, VariantDevice][] = [
  [/^CPU/i, 'cpu'],
  [/^(QNN|VitisAI)/i, 'npu'],
  [/^(CUDA|TensorRT|NvTensorRT|Dml|DirectML|WebGpu|ROCm|MIGraphX)/i, 'gpu'],
];

/** The device a Foundry catalog `runtime` names: its deviceType ("CPU", "GPU", "NPU"), else its execution provider. */
export function runtimeDevice(runtime: unknown): VariantDevice | undefined {
  if (!runtime || typeof runtime !== 'object') return undefined;
  const r = runtime as Record<string, unknown>;
  const type = typeof r['deviceType'] === 'string' ? r['deviceType'].toLowerCase() : '';
  if (type === 'cpu' || type === 'gpu' || type === 'npu') return type;
  const provider = typeof r['executionProvider'] === 'string' ? r['executionProvider'] : '';
  return PROVIDER_DEVICE.find(([pattern]) => pattern.test(provider))?.[1];
}

/** Whether a variant belongs to an alias: "phi-4-mini" names "phi-4-mini-instruct-…" but not "phi-4-…". */
function belongsTo(variant: VariantId, server: ServerModel, alias: string): boolean {
  if (server.alias !== undefined) return server.alias.toLowerCase() === alias;
  return variant.model === alias || variant.model === `${alias}-instruct`;
}

const DEVICE_RANK: Record<VariantDevice, number> = { gpu: 3, npu: 2, cpu: 1 };

function rank(v: VariantId, s: ServerModel, preferGpu: boolean): number[] {
  const device = v.device ? DEVICE_RANK[v.device] : 0;
  return [s.loaded ? 1 : 0, s.cached ? 1 : 0, preferGpu ? device : -device, v.version];
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (b[i] ?? 0) - (a[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Finds the server's variant id for `wanted` (an id or an alias), or null when the server has no
 * such model. `preferGpu` is false when the user wants CPU variants only.
 */
export function resolveModelId(wanted: string, models: readonly ServerModel[], preferGpu = true): Resolution | null {
  const exact = models.find((m) => m.id === wanted);
  if (exact) return { id: exact.id, how: `exact id ${exact.id}` };

  const target = parseVariantId(wanted);
  const versions = models
    .map((m) => ({ m, v: parseVariantId(m.id) }))
    .filter(({ v }) => v.base === target.base)
    .sort((a, b) => b.v.version - a.v.version);
  if (versions[0]) return { id: versions[0].m.id, how: `${wanted} at its newest version` };

  const alias = wanted.trim().toLowerCase();
  const matching = models.map((m) => ({ m, v: parseVariantId(m.id) })).filter(({ m, v }) => belongsTo(v, m, alias));
  // An alias the server itself reports beats a match by name.
  const declared = matching.filter(({ m }) => m.alias !== undefined);
  const candidates = (declared.length ? declared : matching).sort((a, b) =>
    compareRanks(rank(a.v, a.m, preferGpu), rank(b.v, b.m, preferGpu)),
  );
  const best = candidates[0];
  if (!best) return null;
  const notes = [
    best.m.loaded ? 'already loaded' : best.m.cached ? 'already downloaded' : null,
    best.v.device ? `${best.v.device.toUpperCase()} variant` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return { id: best.m.id, how: `alias ${wanted} → ${best.m.id}${notes ? ` (${notes})` : ''}` };
}
