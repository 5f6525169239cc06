/**
 * User preferences that outlive a session (localStorage): sampling settings, the chosen model,
 * device and dtype, whether variants are measured. Read defensively: anything invalid falls back
 * to its default.
 */
import { DEFAULT_HUB_URL } from '../hub/hub-client';
import { DTYPES, type Dtype } from '../catalog/schema';
import type { DevicePreference } from '../placement/plans';
import type { GenerationParams } from '../engine/engine-types';
import { DEFAULT_PARAMS, restoreParams } from '../settings/generation-settings';
import { defaultStorage } from './local-storage';

export interface Preferences {
  params: GenerationParams;
  modelId: string | null;
  device: DevicePreference;
  dtype: Dtype | 'auto';
  /** Where hub models download from: huggingface.co, or a mirror laid out like it. */
  hubUrl: string;
  /**
   * Whether the first load of a model on this device with an automatic variant measures its
   * variants first (a few seconds, once; see src/app/variant-probe.ts).
   */
  measureVariants: boolean;
  /**
   * The embedding model sources are ranked with: a catalog id, 'auto' (the bundled one, else the
   * first in the catalog) or 'none' (words only, BM25).
   */
  embedderId: string;
}

/** Which model a slot runs, on which device and in which variant. */
export type RunChoice = Pick<Preferences, 'modelId' | 'device' | 'dtype'>;

/**
 * Where a model slot keeps its RunChoice. The primary slot's is the saved preferences (Settings);
 * a second slot would get a store of its own (another key in them, or memory only).
 */
export interface RunChoiceStore {
  readonly run: RunChoice;
  setRun(change: Partial<RunChoice>): void;
}

const KEY = 'playground.preferences.v1';

export const DEFAULT_PREFERENCES: Preferences = {
  params: { ...DEFAULT_PARAMS },
  modelId: null,
  device: 'auto',
  dtype: 'auto',
  hubUrl: DEFAULT_HUB_URL,
  measureVariants: true,
  embedderId: 'auto',
};

/** An http(s) URL ending in "/", or null when `value` is not one. */
export function normalizeHubUrl(value: unknown): string | null {
  if (typeof value !== 'string' || !value.trim()) return null;
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.href.replace(/\/*$/, '/');
  } catch {
    return null;
  }
}

export function parsePreferences(raw: string | null): Preferences {
  if (!raw) return { ...DEFAULT_PREFERENCES, params: { ...DEFAULT_PARAMS } };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ...DEFAULT_PREFERENCES, params: { ...DEFAULT_PARAMS } };
  }
  const obj = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const device = obj['device'];
  const dtype = obj['dtype'];
  return {
    params: restoreParams(obj['params']),
    modelId: typeof obj['modelId'] === 'string' ? obj['modelId'] : null,
    device: device === 'webgpu' || device === 'wasm' || device === 'gateway' ? device : 'auto',
    dtype: typeof dtype === 'string' && (DTYPES as readonly string[]).includes(dtype) ? (dtype as Dtype) : 'auto',
    hubUrl: normalizeHubUrl(obj['hubUrl']) ?? DEFAULT_HUB_URL,
    measureVariants: obj['measureVariants'] !== false,
    embedderId: typeof obj['embedderId'] === 'string' && obj['embedderId'] ? obj['embedderId'] : 'auto',
  };
}

export function loadPreferences(storage: Pick<Storage, 'getItem'> | null = defaultStorage()): Preferences {
  try {
    return parsePreferences(storage?.getItem(KEY) ?? null);
  } catch {
    return parsePreferences(null);
  }
}

export function savePreferences(prefs: Preferences, storage: Pick<Storage, 'setItem'> | null = defaultStorage()): void {
  try {
    storage?.setItem(KEY, JSON.stringify(prefs));
  } catch {
    // Private modes may refuse storage; preferences then last for this session only.
  }
}
