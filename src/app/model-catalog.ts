/**
 * The models the picker lists: the static catalog, then the models the user added (hub, local
 * import, gateway id; kept in IndexedDB), then what a connected gateway serves that neither
 * covers. The static catalog wins an id clash, so a stored model never shadows a shipped one.
 */
import { discoveredGatewayModel } from '../catalog/catalog';
import { resolveModelId, type ServerModel } from '../engine/gateway/foundry-alias';
import { isEmbeddingModel, type CatalogModel } from '../catalog/schema';
import type { UserModelStore } from '../cache/user-model-store';
import type { PickedFile } from './local-import';
import type { Notices } from './notices';
import { Notifier } from './notifier';
import type { Settings } from './settings';
import { errorMessage } from '../errors/error-message';
import type { HubListing } from '../hub/hub-listing';
import { reconcileWithHub } from '../hub/reconcile';
import { listingKey, type HubListingStore, type StoredListing } from '../cache/hub-listing-store';

export interface ModelCatalogDeps {
  /** The shipped catalog (models.json). */
  fixed: readonly CatalogModel[];
  /** Models the user added, kept in IndexedDB. */
  userModels: Pick<UserModelStore, 'list' | 'save' | 'delete'>;
  /** Reads a hub repository into a catalog entry (hub-client.ts). */
  inspectHubRepo: (request: { hubUrl: string; repo: string; revision: string; signal: AbortSignal }) => Promise<CatalogModel>;
  /** Stores a model folder picked from disk in the weight cache and describes it (local-import.ts). */
  importLocal: (files: readonly PickedFile[]) => Promise<CatalogModel>;
  settings: Pick<Settings, 'preferences'>;
  notices: Pick<Notices, 'notify'>;
  /** The hub's file listings: read from the hub (hub-client.ts), kept in IndexedDB (hub-listing-store.ts). */
  hubListings: {
    read: (request: { hubUrl: string; repo: string; revision: string; signal: AbortSignal }) => Promise<HubListing>;
    store: Pick<HubListingStore, 'list' | 'save'>;
  };
}

/** A hub model checked against the hub's listing of its revision. */
export interface VerifiedHubModel {
  model: CatalogModel;
  /** Where the catalog's entry disagreed with the hub (hub/reconcile.ts), one sentence each. */
  disagreements: string[];
  /** The hub was read for this answer (the first download); false when a kept listing answered. */
  readNow: boolean;
}

/** The picker's list, and the ids in it the user added (only those can be removed). */
export function mergeCatalog(
  fixed: readonly CatalogModel[],
  added: readonly CatalogModel[],
  discovered: readonly CatalogModel[],
): { catalog: CatalogModel[]; userModelIds: Set<string> } {
  const taken = new Set(fixed.map((m) => m.id));
  const mine = added.filter((m) => !taken.has(m.id));
  for (const m of mine) taken.add(m.id);
  return { catalog: [...fixed, ...mine, ...discovered.filter((m) => !taken.has(m.id))], userModelIds: new Set(mine.map((m) => m.id)) };
}

/**
 * Entries for the models a gateway lists that no known model resolves to (a gateway model by its
 * alias, any other by its id), so the picker does not offer the same model twice.
 */
export function gatewayOnlyModels(known: readonly CatalogModel[], listed: readonly ServerModel[]): CatalogModel[] {
  const covered = new Set(
    known.flatMap((m) => {
      const name = m.source.kind === 'gateway' ? m.source.alias : m.id;
      const found = resolveModelId(name, listed);
      return found ? [found.id] : [];
    }),
  );
  return listed.filter((m) => !covered.has(m.id)).map((m) => discoveredGatewayModel(m.id));
}

/**
 * The picker's list. Adding a model does not select it: the panel that added it selects it in its
 * own model slot, and a slot whose model was removed falls back to a bundled one (ModelSlot.selected).
 */
export class ModelCatalog extends Notifier {
  private added: CatalogModel[] = [];
  private discovered: CatalogModel[] = [];
  private merged: { catalog: CatalogModel[]; userModelIds: Set<string> };
  private readonly listings = new Map<string, StoredListing>();
  private readonly verified = new Map<string, VerifiedHubModel>();
  /** The hub address `merged` was built for: hub entries are rebuilt from that hub's listings. */
  private builtFor: string;

  constructor(private readonly deps: ModelCatalogDeps) {
    super();
    this.builtFor = deps.settings.preferences.hubUrl;
    this.merged = mergeCatalog(deps.fixed, [], []);
  }

  /**
   * The static catalog, the user's own models, and what a connected gateway lists beyond them. A
   * hub model whose files were checked against the hub is listed as the hub has it (exact sizes,
   * every weight chunk, pinned to the commit), so the cache, the fit check and the loader agree.
   */
  get models(): readonly CatalogModel[] {
    if (this.builtFor !== this.deps.settings.preferences.hubUrl) this.merge();
    return this.merged.catalog;
  }

  /** The models that answer in the chat (and that the benchmark measures): every model but embedding models. */
  get chatModels(): readonly CatalogModel[] {
    return this.models.filter((m) => !isEmbeddingModel(m));
  }

  /** Embedding models (task "feature-extraction"), which rank passages for grounded answers. */
  get embeddingModels(): readonly CatalogModel[] {
    return this.models.filter(isEmbeddingModel);
  }

  /** Ids of the models the user added (they can be removed; catalog ones cannot). */
  get userModelIds(): ReadonlySet<string> {
    return this.merged.userModelIds;
  }

  byId(id: string): CatalogModel | undefined {
    return this.merged.catalog.find((m) => m.id === id);
  }

  private merge(): void {
    const hubUrl = this.deps.settings.preferences.hubUrl;
    this.builtFor = hubUrl;
    this.verified.clear();
    const merged = mergeCatalog(this.deps.fixed, this.added, this.discovered);
    merged.catalog = merged.catalog.map((model) => {
      if (model.source.kind !== 'hub') return model;
      const listing = this.listings.get(listingKey(hubUrl, model.source.repo, model.source.revision));
      if (!listing) return model;
      try {
        const checked = reconcileWithHub(model, listing);
        this.verified.set(model.id, { ...checked, readNow: false });
        return checked.model;
      } catch {
        // The listing says the entry cannot be downloaded: the entry stays as the catalog has it,
        // and the next download reads the hub again and says why.
        return model;
      }
    });
    this.merged = merged;
  }

  private rebuild(): void {
    this.merge();
    this.changed();
  }

  /** Reads the hub listings downloads were checked against before; an unreadable store is only a notice. */
  async loadHubListings(): Promise<void> {
    try {
      for (const [key, listing] of await this.deps.hubListings.store.list()) this.listings.set(key, listing);
      this.rebuild();
    } catch (error) {
      this.deps.notices.notify('warning', `The hub file lists kept from earlier downloads are unavailable (${errorMessage(error)}).`);
    }
  }

  /**
   * The hub model `id` as the hub has it at its revision, reading the hub's listing the first time
   * (it is kept, so later loads, offline ones too, use the same files). Throws, in words, when the
   * hub cannot be reached or the entry cannot be downloaded from it.
   */
  async verifyHubModel(id: string, signal: AbortSignal): Promise<VerifiedHubModel> {
    const known = this.verified.get(id);
    if (known && this.builtFor === this.deps.settings.preferences.hubUrl) return known;
    const model = [...this.deps.fixed, ...this.added].find((m) => m.id === id);
    if (!model || model.source.kind !== 'hub') throw new Error(`${id} is not a hub model.`);
    const hubUrl = this.deps.settings.preferences.hubUrl;
    const { repo, revision } = model.source;
    const listing = await this.deps.hubListings.read({ hubUrl, repo, revision, signal });
    const checked = reconcileWithHub(model, listing);
    const stored: StoredListing = { ...listing, hubUrl: hubUrl.replace(/\/+$/, ''), checkedAt: Date.now() };
    this.listings.set(listingKey(hubUrl, repo, revision), stored);
    await this.deps.hubListings.store.save(stored).catch((error: unknown) => {
      this.deps.notices.notify(
        'warning',
        `The hub's file list of ${model.name} could not be kept (${errorMessage(error)}); it is read again next time.`,
      );
    });
    this.rebuild();
    return { ...checked, readNow: true };
  }

  /** Reads the models the user added before; a store that cannot be read leaves the catalog as it is. */
  async loadUserModels(): Promise<void> {
    const { notices } = this.deps;
    try {
      const { models, skipped } = await this.deps.userModels.list();
      this.added = models;
      this.rebuild();
      if (skipped.length)
        notices.notify('warning', `${skipped.length} model(s) you added could not be read and were skipped: ${skipped[0]}`);
    } catch (error) {
      notices.notify('warning', `Your added models are unavailable (${errorMessage(error)}).`);
    }
  }

  /** Lists what the gateway serves beyond the known models. */
  listGatewayModels(listed: readonly ServerModel[]): void {
    this.discovered = gatewayOnlyModels([...this.deps.fixed, ...this.added], listed);
    this.rebuild();
  }

  /** Reads a hub repository into a catalog entry, without adding it (the UI shows the fit first). */
  async inspectHubRepo(repo: string, revision: string, signal: AbortSignal): Promise<CatalogModel> {
    return this.deps.inspectHubRepo({ hubUrl: this.deps.settings.preferences.hubUrl, repo, revision, signal });
  }

  /** Adds a model to the user's catalog and keeps it in IndexedDB; returns it, for the caller to select. */
  async addUserModel(model: CatalogModel): Promise<CatalogModel> {
    if (this.deps.fixed.some((m) => m.id === model.id)) throw new Error(`${model.name} is already in the catalog.`);
    await this.deps.userModels.save(model);
    this.added = [...this.added.filter((m) => m.id !== model.id), model];
    this.rebuild();
    return model;
  }

  /** Imports a model folder from disk into this browser and adds it; no network is involved. */
  async importLocalModel(files: readonly PickedFile[]): Promise<CatalogModel> {
    return this.addUserModel(await this.deps.importLocal(files));
  }

  /** Adds a model by the id a gateway knows it by (its alias or full id). */
  async addGatewayModel(serverId: string): Promise<CatalogModel> {
    const id = serverId.trim();
    if (!id) throw new Error('Type the model id the gateway knows, e.g. phi-4-mini.');
    return this.addUserModel({
      ...discoveredGatewayModel(id),
      notes: 'Added by you; runs on the gateway set up under Settings → Gateway.',
    });
  }

  async removeUserModel(id: string): Promise<void> {
    if (!this.merged.userModelIds.has(id)) return;
    await this.deps.userModels.delete(id);
    this.added = this.added.filter((m) => m.id !== id);
    this.rebuild();
  }
}
