/**
 * What a variant measurement is, and whose: the speeds of one model's variants on one device,
 * keyed by that device's capability fingerprint and the model's catalog revision, so a measurement
 * is used only where it was made and only for the files it was made with.
 */
import { z } from 'zod';
import { ORT_VERSION } from './ort-version';
import type { Device } from '../catalog/model-ref';
import { DTYPES, type CatalogModel, type Dtype } from '../catalog/schema';
import type { Capabilities } from '../placement/snapshot';
import type { VariantSpeed } from '../placement/measured-order';

/** One variant's outcome: its decode speed, or why it has none. */
export interface VariantResult {
  dtype: Dtype;
  /** Decode tokens/s at the median step of the probe's answer (src/metrics gaps); null when it could not be measured. */
  decodeTokensPerSec: number | null;
  /** Tokens generated in the probe. */
  tokens: number;
  /** Why there is no speed (the load failed, no two tokens in time), in words; null when measured. */
  error: string | null;
}

/** The speeds of one model's variants on one device, as stored. */
export interface VariantMeasurement {
  modelId: string;
  /** The catalog revision the files were measured at (see `modelRevision`). */
  revision: string;
  device: Device;
  /** Whose device (see `deviceFingerprint`). */
  fingerprint: string;
  /** Epoch ms. */
  measuredAt: number;
  results: VariantResult[];
}

const resultSchema = z.strictObject({
  dtype: z.enum(DTYPES),
  decodeTokensPerSec: z.number().positive().nullable(),
  tokens: z.number().int().nonnegative(),
  error: z.string().nullable(),
});

/** A stored record, checked as strictly as anything else read back from storage. */
export const measurementSchema = z.strictObject({
  modelId: z.string().min(1),
  revision: z.string().min(1),
  device: z.enum(['webgpu', 'wasm']),
  fingerprint: z.string().min(1),
  measuredAt: z.number(),
  results: z.array(resultSchema).min(1),
});

/**
 * Which device a measurement is valid for: the WebGPU adapter, or the CPU as WASM sees it (its
 * threads and cores), plus the ONNX Runtime build, whose kernels decide which variant is fastest
 * (a build with 4-bit WASM kernels would turn the ranking round). Null: no such device here.
 */
export function deviceFingerprint(
  caps: Pick<Capabilities, 'webgpu' | 'wasmThreads' | 'hardwareConcurrency'>,
  device: Device,
): string | null {
  const ort = `ORT ${ORT_VERSION}`;
  if (device === 'wasm') return `wasm · ${caps.wasmThreads} threads of ${caps.hardwareConcurrency} cores · ${ort}`;
  const gpu = caps.webgpu;
  if (!gpu) return null;
  return ['webgpu', gpu.vendor, gpu.architecture, gpu.description, gpu.isFallbackAdapter ? 'fallback' : '', ort]
    .filter(Boolean)
    .join(' · ');
}

/** FNV-1a, 32 bits, as hex: a short stable digest (not a security hash). */
function digest(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * The catalog revision a measurement belongs to: a hub model's repository at its revision (the
 * commit, once checked with the hub); for bundled and imported models a digest of every variant's
 * files (paths, sizes, hashes), so rebuilt weights are measured again.
 */
export function modelRevision(model: Pick<CatalogModel, 'source' | 'variants'>): string {
  if (model.source.kind === 'hub') return `${model.source.repo}@${model.source.revision}`;
  const files = model.variants.flatMap((v) => v.files.map((f) => `${v.dtype}:${f.path}:${f.bytes}:${f.sha256 ?? ''}`));
  return `files:${digest(files.sort().join('\n'))}`;
}

/** The measured speeds placement takes (measured-order.ts). */
export function speedsOf(record: VariantMeasurement): VariantSpeed[] {
  return record.results.flatMap((r) =>
    r.decodeTokensPerSec === null ? [] : [{ dtype: r.dtype, decodeTokensPerSec: r.decodeTokensPerSec }],
  );
}
