/**
 * Variant by measurement: decode speeds measured on this device (src/app/variant-probe.ts) turn
 * into the order placement tries a device's variants in. Pure: the speeds come in as data, keyed
 * by device; which device fingerprint and model they belong to is the caller's business
 * (src/app/variant-measurements.ts). Measured variants go first, fastest first; the ones not
 * measured (not downloaded when it ran) follow in the default order. Placement still judges every
 * one, so a measured variant that no longer fits is ruled out like any other.
 */
import type { Device } from '../catalog/model-ref';
import type { Dtype } from '../catalog/schema';

/** One variant's decode speed, measured on this device. */
export interface VariantSpeed {
  dtype: Dtype;
  /** Decode tokens/s (at the median step of the probe); only finite positive values count. */
  decodeTokensPerSec: number;
}

/** What was measured on this device, per device (WebGPU on this adapter, WASM on this CPU). */
export type MeasuredSpeeds = Partial<Record<Device, readonly VariantSpeed[]>>;

/** Below this ratio two variants are called "as fast" as each other: one short run cannot tell them apart. */
const SAME_SPEED_RATIO = 1.05;

/** The usable speeds, fastest first (ties keep their measured order). */
export function rankSpeeds(speeds: readonly VariantSpeed[]): VariantSpeed[] {
  return speeds
    .filter((s) => Number.isFinite(s.decodeTokensPerSec) && s.decodeTokensPerSec > 0)
    .sort((a, b) => b.decodeTokensPerSec - a.decodeTokensPerSec);
}

/** The fastest measured variant, or null when nothing usable was measured. */
export function fastestVariant(speeds: readonly VariantSpeed[]): VariantSpeed | null {
  return rankSpeeds(speeds)[0] ?? null;
}

/** `order` with the measured dtypes first, fastest first; the rest keep their default order. */
export function measuredOrder(order: readonly Dtype[], speeds: readonly VariantSpeed[] | undefined): Dtype[] {
  if (!speeds?.length) return [...order];
  const ranked = rankSpeeds(speeds)
    .map((s) => s.dtype)
    .filter((d) => order.includes(d));
  return [...ranked, ...order.filter((d) => !ranked.includes(d))];
}

/** "2.3×", "12×". */
function formatRatio(ratio: number): string {
  return `${ratio < 10 ? ratio.toFixed(1) : ratio.toFixed(0)}×`;
}

/**
 * How `dtype` compares, in words: "q8: 1.6× faster than q4 on this CPU". Compared with the fastest
 * other variant of `speeds` (the caller passes the ones that can still run); null when `dtype` was
 * not measured.
 */
export function speedNote(dtype: Dtype, speeds: readonly VariantSpeed[], device: Device): string | null {
  const ranked = rankSpeeds(speeds);
  const mine = ranked.find((s) => s.dtype === dtype);
  if (!mine) return null;
  const where = device === 'wasm' ? 'this CPU' : 'this GPU';
  const next = ranked.find((s) => s.dtype !== dtype);
  if (!next) return `${dtype}: the only variant measured on ${where}`;
  const ratio = mine.decodeTokensPerSec / next.decodeTokensPerSec;
  if (ratio <= 1 / SAME_SPEED_RATIO) return `${dtype}: ${formatRatio(1 / ratio)} slower than ${next.dtype} on ${where}`;
  if (ratio < SAME_SPEED_RATIO) return `${dtype}: as fast as ${next.dtype} on ${where}`;
  return `${dtype}: ${formatRatio(ratio)} faster than ${next.dtype} on ${where}`;
}
