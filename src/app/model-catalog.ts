/**
 * The models the picker lists: the static catalog, then the models the user added (hub, local
 * import, gateway id; kept in IndexedDB), then what a connected gateway serves that neither
 * covers. The static catalog wins an id clash, so a stored model never shadows a shipped one.
 */
import { discoveredGatewayModel } from '../catalog/catalog';
import { resolveModelId, type ServerModel } from '../engine/gateway/foundry-alias';
import type { CatalogModel } from '../catalog/schema';
import type { PickedFile } from './local-import';
import type { Playground, PlaygroundServices, SelectOptions } from './playground';
import { errorMessage } from '../errors/error-message';

export interface ModelCatalogDeps {
  playground: Pick<Playground, 'catalog' | 'userModelIds' | 'preferences' | 'notify' | 'selectModel'>;
  services: Pick<PlaygroundServices, 'catalog' | 'userModels' | 'inspectHubRepo' | 'importLocal'>;
  changed: () => void;
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

export class ModelCatalog {
  private userModels: CatalogModel[] = [];
  private discovered: CatalogModel[] = [];

  constructor(private readonly deps: ModelCatalogDeps) {}

  private rebuild(): void {
    const { catalog, userModelIds } = mergeCatalog(this.deps.services.catalog, this.userModels, this.discovered);
    this.deps.playground.userModelIds = userModelIds;
    this.deps.playground.catalog = catalog;
  }

  /** Reads the models the user added before; a store that cannot be read leaves the catalog as it is. */
  async loadUserModels(): Promise<void> {
    const p = this.deps.playground;
    try {
      const { models, skipped } = await this.deps.services.userModels.list();
      this.userModels = models;
      this.rebuild();
      if (skipped.length) p.notify('warning', `${skipped.length} model(s) you added could not be read and were skipped: ${skipped[0]}`);
    } catch (error) {
      p.notify('warning', `Your added models are unavailable (${errorMessage(error)}).`);
    }
  }

  /** Lists what the gateway serves beyond the known models; the caller announces the change. */
  listGatewayModels(listed: readonly ServerModel[]): void {
    this.discovered = gatewayOnlyModels([...this.deps.services.catalog, ...this.userModels], listed);
    this.rebuild();
  }

  async inspectHubRepo(repo: string, revision: string, signal: AbortSignal): Promise<CatalogModel> {
    return this.deps.services.inspectHubRepo({ hubUrl: this.deps.playground.preferences.hubUrl, repo, revision, signal });
  }

  async addUserModel(model: CatalogModel, options: SelectOptions = {}): Promise<void> {
    if (this.deps.services.catalog.some((m) => m.id === model.id)) throw new Error(`${model.name} is already in the catalog.`);
    await this.deps.services.userModels.save(model);
    this.userModels = [...this.userModels.filter((m) => m.id !== model.id), model];
    this.rebuild();
    this.deps.changed();
    void this.deps.playground.selectModel(model.id, options);
  }

  async importLocalModel(files: readonly PickedFile[]): Promise<void> {
    const model = await this.deps.services.importLocal(files);
    await this.addUserModel(model, { download: true });
  }

  async addGatewayModel(serverId: string): Promise<void> {
    const id = serverId.trim();
    if (!id) throw new Error('Type the model id the gateway knows, e.g. phi-4-mini.');
    await this.addUserModel({ ...discoveredGatewayModel(id), notes: 'Added by you; runs on the gateway set up under Settings → Gateway.' });
  }

  /** When the removed model was selected, a bundled one takes its place. */
  async removeUserModel(id: string): Promise<void> {
    const p = this.deps.playground;
    if (!p.userModelIds.has(id)) return;
    await this.deps.services.userModels.delete(id);
    this.userModels = this.userModels.filter((m) => m.id !== id);
    this.rebuild();
    if (p.preferences.modelId === id) {
      const fallback = p.catalog.find((m) => m.source.kind === 'bundled');
      if (fallback) void p.selectModel(fallback.id);
    }
    this.deps.changed();
  }
}
