/**
 * The models the picker lists: the static catalog, then the models the user added (hub, local
 * import, gateway id; kept in IndexedDB), then what a connected gateway serves that neither
 * covers. The static catalog wins an id clash, so a stored model never shadows a shipped one.
 */
import { discoveredGatewayModel } from '../catalog/catalog';
import { resolveModelId, type ServerModel } from '../engine/gateway/foundry-alias';
import type { CatalogModel } from '../catalog/schema';
import type { UserModelStore } from '../cache/user-model-store';
import type { PickedFile } from './local-import';
import type { Notices } from './notices';
import { Notifier } from './notifier';
import type { Settings } from './settings';
import { errorMessage } from '../errors/error-message';

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

  constructor(private readonly deps: ModelCatalogDeps) {
    super();
    this.merged = mergeCatalog(deps.fixed, [], []);
  }

  /** The static catalog, the user's own models, and what a connected gateway lists beyond them. */
  get models(): readonly CatalogModel[] {
    return this.merged.catalog;
  }

  /** Ids of the models the user added (they can be removed; catalog ones cannot). */
  get userModelIds(): ReadonlySet<string> {
    return this.merged.userModelIds;
  }

  byId(id: string): CatalogModel | undefined {
    return this.merged.catalog.find((m) => m.id === id);
  }

  private rebuild(): void {
    this.merged = mergeCatalog(this.deps.fixed, this.added, this.discovered);
    this.changed();
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
