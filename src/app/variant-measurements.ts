/**
 * The variant measurements made on this device, remembered across visits (localStorage: a few
 * hundred bytes per model, read synchronously, because the model panel and the router place
 * models from them on every render and load). Each is kept per device fingerprint, model and
 * catalog revision (measurement-record.ts): a new GPU, another thread count, an ONNX Runtime
 * upgrade or rebuilt weights simply find no measurement, and the next load measures again.
 */
import type { Device } from '../catalog/model-ref';
import type { CatalogModel } from '../catalog/schema';
import type { Capabilities } from '../placement/snapshot';
import type { MeasuredSpeeds } from '../placement/measured-order';
import { deviceFingerprint, measurementSchema, modelRevision, speedsOf, type VariantMeasurement } from './measurement-record';
import { Notifier } from './notifier';
import { defaultStorage } from './local-storage';

const KEY = 'playground.variant-measurements.v1';
/** Enough for every model a person tries on a few devices; the oldest go first. */
const MAX_RECORDS = 200;

/** The stored records that still parse; a damaged one is dropped, never the whole list. */
export function parseMeasurements(raw: string | null): VariantMeasurement[] {
  if (!raw) return [];
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  return data.flatMap((item) => {
    const parsed = measurementSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

type MeasuredModel = Pick<CatalogModel, 'id' | 'source' | 'variants'>;

export class VariantMeasurements extends Notifier {
  private records: VariantMeasurement[];

  constructor(
    private readonly capabilities: Pick<Capabilities, 'webgpu' | 'wasmThreads' | 'hardwareConcurrency'>,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = defaultStorage(),
  ) {
    super();
    this.records = this.read();
  }

  private read(): VariantMeasurement[] {
    try {
      return parseMeasurements(this.storage?.getItem(KEY) ?? null);
    } catch {
      return [];
    }
  }

  private write(): void {
    try {
      this.storage?.setItem(KEY, JSON.stringify(this.records));
    } catch {
      // A full or refused storage: the measurement lasts for this session, and is made again next time.
    }
    this.changed();
  }

  /** This device's fingerprint for `device`; null when it has no such device (no WebGPU adapter). */
  fingerprint(device: Device): string | null {
    return deviceFingerprint(this.capabilities, device);
  }

  /** The measurement of `model` on `device` of this device, at the model's current revision. */
  get(model: MeasuredModel, device: Device): VariantMeasurement | null {
    const fingerprint = this.fingerprint(device);
    if (!fingerprint) return null;
    const revision = modelRevision(model);
    return (
      this.records.find((r) => r.fingerprint === fingerprint && r.modelId === model.id && r.revision === revision && r.device === device) ??
      null
    );
  }

  /** What placement takes for `model`: the speeds measured here, per device. */
  speedsFor(model: MeasuredModel): MeasuredSpeeds {
    const speeds: MeasuredSpeeds = {};
    for (const device of ['webgpu', 'wasm'] as const) {
      const record = this.get(model, device);
      if (record) speeds[device] = speedsOf(record);
    }
    return speeds;
  }

  /** Keeps `record`, replacing an earlier one of the same model and device. */
  save(record: VariantMeasurement): void {
    const others = this.records.filter(
      (r) => !(r.fingerprint === record.fingerprint && r.modelId === record.modelId && r.device === record.device),
    );
    this.records = [...others, record].sort((a, b) => a.measuredAt - b.measuredAt).slice(-MAX_RECORDS);
    this.write();
  }

  /** Drops the measurement of `model` on `device` here (the next load with an automatic variant measures again). */
  forget(model: MeasuredModel, device: Device): void {
    const fingerprint = this.fingerprint(device);
    const before = this.records.length;
    this.records = this.records.filter((r) => !(r.fingerprint === fingerprint && r.modelId === model.id && r.device === device));
    if (this.records.length !== before) this.write();
  }
}
