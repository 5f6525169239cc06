/**
 * What is stored on this device and how much room is left: the weight cache grouped by model,
 * the storage estimate, persistent storage. The page reads and deletes; only the worker writes.
 */
import { groupCachedFiles, type CacheGroup, type CachedFileInfo } from '../cache/cache-groups';
import { errorMessage } from '../errors/error-message';
import type { ModelCatalog } from './model-catalog';
import type { ModelSlot } from './model-slot';
import { Notifier } from './notifier';
import { Latest } from './latest';
import type { Settings } from './settings';

export interface WeightIndex {
  list(): Promise<CachedFileInfo[]>;
  delete(url: string): Promise<unknown>;
  clear(): Promise<void>;
}

/** navigator.storage, where the browser has it (absent in some private modes and old browsers). */
type MaybeStorage = Partial<Pick<StorageManager, 'estimate' | 'persist' | 'persisted'>>;

export interface StorageState {
  usageBytes: number | null;
  quotaBytes: number | null;
  /** null when the browser cannot tell. */
  persisted: boolean | null;
}

export interface CacheManagerDeps {
  weights: WeightIndex;
  /** The app's base URL, which bundled and imported model paths are relative to. */
  baseUrl: string;
  catalog: Pick<ModelCatalog, 'models'>;
  settings: Pick<Settings, 'preferences'>;
  /** The slots whose loads may store new files. */
  slots: readonly Pick<ModelSlot, 'load' | 'subscribe'>[];
  storageManager?: MaybeStorage | undefined;
}

export class CacheManager extends Notifier {
  private groupList: CacheGroup[] = [];
  private estimate: StorageState = { usageBytes: null, quotaBytes: null, persisted: null };
  private lastProblem: string | null = null;
  private working = false;
  private readonly refreshes = new Latest();
  private readonly storageManager: MaybeStorage | undefined;

  constructor(private readonly deps: CacheManagerDeps) {
    super();
    this.storageManager =
      'storageManager' in deps ? deps.storageManager : (globalThis.navigator as { storage?: MaybeStorage } | undefined)?.storage;
    // A finished load may have stored new files: refresh then, not on every change of the slot.
    for (const slot of deps.slots) {
      let lastReady: unknown = null;
      slot.subscribe(() => {
        const load = slot.load;
        const ready = load.kind === 'ready' ? load.route : null;
        if (ready && ready !== lastReady) void this.refresh();
        lastReady = ready;
      });
    }
  }

  /** Stored files grouped by model. */
  get groups(): readonly CacheGroup[] {
    return this.groupList;
  }
  get storage(): StorageState {
    return this.estimate;
  }
  /** The last problem, in words; null when there is none. */
  get problem(): string | null {
    return this.lastProblem;
  }
  /** A delete is under way. */
  get busy(): boolean {
    return this.working;
  }

  /**
   * Reads the cache's index and the storage estimate. Only the newest refresh counts: one that
   * began before a delete and ends after the refresh that followed it would otherwise show the
   * deleted files again.
   */
  async refresh(): Promise<void> {
    const run = this.refreshes.start();
    let groups = this.groupList;
    let problem: string | null = null;
    try {
      const files = await this.deps.weights.list();
      groups = groupCachedFiles(files, this.deps.catalog.models, this.deps.baseUrl, this.deps.settings.preferences.hubUrl);
    } catch (error) {
      problem = `The model cache cannot be read: ${errorMessage(error)}`;
    }
    const sm = this.storageManager;
    let estimate: StorageState;
    try {
      const e = sm?.estimate ? await sm.estimate() : null;
      estimate = { usageBytes: e?.usage ?? null, quotaBytes: e?.quota ?? null, persisted: sm?.persisted ? await sm.persisted() : null };
    } catch {
      estimate = { usageBytes: null, quotaBytes: null, persisted: null };
    }
    if (!this.refreshes.isCurrent(run)) return;
    this.groupList = groups;
    this.lastProblem = problem;
    this.estimate = estimate;
    this.changed();
  }

  private async run(work: () => Promise<void>): Promise<void> {
    this.working = true;
    this.changed();
    let failure: string | null = null;
    try {
      await work();
    } catch (error) {
      failure = errorMessage(error);
    } finally {
      this.working = false;
    }
    await this.refresh();
    if (failure) {
      this.lastProblem = failure;
      this.changed();
    }
  }

  /** Deletes a group's files; a loaded model keeps running from memory until it is unloaded. */
  async deleteGroup(key: string): Promise<void> {
    const group = this.groups.find((g) => g.key === key);
    if (!group) return;
    await this.run(async () => {
      for (const f of group.files) await this.deps.weights.delete(f.url);
    });
  }

  async deleteAll(): Promise<void> {
    await this.run(() => this.deps.weights.clear());
  }

  /** Asks the browser not to evict the cache under storage pressure; it may say no. */
  async requestPersistence(): Promise<void> {
    const sm = this.storageManager;
    if (!sm?.persist) {
      this.lastProblem = 'This browser cannot make storage persistent.';
      this.changed();
      return;
    }
    const granted = await sm.persist();
    await this.refresh();
    if (!granted) {
      this.lastProblem = 'The browser declined persistent storage (it usually grants it to installed or often-used sites).';
      this.changed();
    }
  }
}
