/**
 * The saved preferences as the app changes them: sampling settings, the hub address, and the
 * primary slot's model, device and variant. Every change is validated, stored (preferences.ts)
 * and announced; an invalid one throws before anything changes.
 */
import type { GenerationParams } from '../engine/engine-types';
import { validateParams } from '../settings/generation-settings';
import { Notifier } from './notifier';
import { normalizeHubUrl, savePreferences, type Preferences, type RunChoice, type RunChoiceStore } from './preferences';

export class Settings extends Notifier implements RunChoiceStore {
  private prefs: Preferences;

  constructor(
    initial: Preferences,
    private readonly save: (preferences: Preferences) => void = (p) => savePreferences(p),
  ) {
    super();
    this.prefs = initial;
  }

  get preferences(): Preferences {
    return this.prefs;
  }

  /** The primary slot's choice, saved with the other preferences. */
  get run(): RunChoice {
    const { modelId, device, dtype } = this.prefs;
    return { modelId, device, dtype };
  }

  setRun(change: Partial<RunChoice>): void {
    this.update(change);
  }

  /** Validates and stores sampling settings; throws InvalidSettingsError naming the bad field. */
  setParams(params: GenerationParams): void {
    this.update({ params: validateParams(params) });
  }

  /** Sets where hub models download from; throws when it is not an http(s) URL. */
  setHubUrl(url: string): void {
    const hubUrl = normalizeHubUrl(url);
    if (!hubUrl) throw new Error(`"${url}" is not an http(s) address.`);
    this.update({ hubUrl });
  }

  /** Whether a first load with an automatic variant measures the variants first. */
  setMeasureVariants(on: boolean): void {
    this.update({ measureVariants: on });
  }

  /** The embedding model sources are ranked with ('auto', 'none' or a catalog id; see Preferences). */
  setEmbedder(embedderId: string): void {
    this.update({ embedderId: embedderId || 'auto' });
  }

  private update(change: Partial<Preferences>): void {
    this.prefs = { ...this.prefs, ...change };
    this.save(this.prefs);
    this.changed();
  }
}
