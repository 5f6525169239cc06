/**
 * The reference prices and device power the benchmark's estimates use (src/bench/estimates.ts),
 * kept in localStorage. A stored value that no longer validates is not used: the defaults (no
 * price, no power) apply and `problem` says what was wrong, so nobody reads a cost from a
 * half-broken setting.
 */
import { DEFAULT_ESTIMATES, parseEstimateSettings, type EstimateSettings } from '../bench/estimates';
import { errorMessage } from '../errors/error-message';
import { Notifier } from './notifier';
import { defaultStorage } from './local-storage';

const KEY = 'playground.estimates.v1';

type Store = Pick<Storage, 'getItem' | 'setItem'>;

/** The stored settings, or the defaults and why the stored ones were not usable. */
export function loadEstimateSettings(storage: Pick<Storage, 'getItem'> | null): { settings: EstimateSettings; problem: string | null } {
  let raw: string | null;
  try {
    raw = storage?.getItem(KEY) ?? null;
  } catch {
    return { settings: DEFAULT_ESTIMATES, problem: null };
  }
  if (raw === null) return { settings: DEFAULT_ESTIMATES, problem: null };
  try {
    return { settings: parseEstimateSettings(JSON.parse(raw)), problem: null };
  } catch (error) {
    return { settings: DEFAULT_ESTIMATES, problem: `The saved prices and power could not be used, so none apply: ${errorMessage(error)}` };
  }
}

export class EstimateSettingsStore extends Notifier {
  private current: EstimateSettings;
  private lastProblem: string | null;
  private readonly storage: Store | null;

  /** `storage` absent: localStorage; null: this session only. */
  constructor(storage?: Store | null) {
    super();
    this.storage = storage === undefined ? defaultStorage() : storage;
    const loaded = loadEstimateSettings(this.storage);
    this.current = loaded.settings;
    this.lastProblem = loaded.problem;
  }

  get settings(): EstimateSettings {
    return this.current;
  }

  /** Why the saved settings were not used, or null. */
  get problem(): string | null {
    return this.lastProblem;
  }

  /** Validates, stores and announces; throws a BenchValidationError naming the bad field, changing nothing. */
  update(change: Partial<EstimateSettings>): void {
    const next = parseEstimateSettings({ ...this.current, ...change });
    this.current = next;
    this.lastProblem = null;
    try {
      this.storage?.setItem(KEY, JSON.stringify(next));
    } catch {
      // Private modes may refuse storage; the settings then last for this session only.
    }
    this.changed();
  }
}
