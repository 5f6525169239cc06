/**
 * What is stored on this device and how much room is left: the weight cache grouped by model,
 * the storage estimate, persistent storage. The page reads and deletes; only the worker writes.
 */
import { groupCachedFiles, type CacheGroup, type CachedFileInfo } from '../cache/cache-groups';
import type { Playground } from './playground';
import { errorMessage } from '../errors/error-message';

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

export class CacheManager extends EventTarget {
  groups: CacheGroup[] = [];
  storage: StorageState = { usageBytes: null, quotaBytes: null, persisted: null };
  /** The last problem, in words; null when there is none. */
  problem: string | null = null;
  busy = false;

  constructor(
    private readonly playground: Playground,
    private readonly weights: WeightIndex,
    private readonly baseUrl: string,
    private readonly storageManager: MaybeStorage | undefined = (globalThis.navigator as { storage?: MaybeStorage } | undefined)?.storage,
  ) {
    super();
    // A finished load may have stored new files: refresh then, not on every streamed token.
    let lastReady: unknown = null;
    playground.addEventListener('change', () => {
      const load = playground.load;
      const ready = load.kind === 'ready' ? load.route : null;
      if (ready && ready !== lastReady) void this.refresh();
      lastReady = ready;
    });
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  async refresh(): Promise<void> {
    try {
      const files = await this.weights.list();
      this.groups = groupCachedFiles(files, this.playground.catalog, this.baseUrl, this.playground.preferences.hubUrl);
      this.problem = null;
    } catch (error) {
      this.problem = `The model cache cannot be read: ${errorMessage(error)}`;
    }
    const sm = this.storageManager;
    try {
      const estimate = sm?.estimate ? await sm.estimate() : null;
      this.storage = {
        usageBytes: estimate?.usage ?? null,
        quotaBytes: estimate?.quota ?? null,
        persisted: sm?.persisted ? await sm.persisted() : null,
      };
    } catch {
      this.storage = { usageBytes: null, quotaBytes: null, persisted: null };
    }
    this.changed();
  }

  private async run(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.changed();
    let failure: string | null = null;
    try {
      await work();
    } catch (error) {
      failure = errorMessage(error);
    } finally {
      this.busy = false;
    }
    await this.refresh();
    if (failure) {
      this.problem = failure;
      this.changed();
    }
  }

  /** Deletes a group's files; a loaded model keeps running from memory until it is unloaded. */
  async deleteGroup(key: string): Promise<void> {
    const group = this.groups.find((g) => g.key === key);
    if (!group) return;
    await this.run(async () => {
      for (const f of group.files) await this.weights.delete(f.url);
    });
  }

  async deleteAll(): Promise<void> {
    await this.run(() => this.weights.clear());
  }

  /** Asks the browser not to evict the cache under storage pressure; it may say no. */
  async requestPersistence(): Promise<void> {
    const sm = this.storageManager;
    if (!sm?.persist) {
      this.problem = 'This browser cannot make storage persistent.';
      this.changed();
      return;
    }
    const granted = await sm.persist();
    await this.refresh();
    if (!granted) {
      this.problem = 'The browser declined persistent storage (it usually grants it to installed or often-used sites).';
      this.changed();
    }
  }
}
