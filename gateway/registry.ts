/**
 * The served models and their load state: finds a model by id (the way Foundry's server does)
 * and answers the cached / loaded lists.
 */
import type { RunnerHooks } from '../src/engine/worker/model-runner';
import { isCached, type GatewayModel } from './models';
import { ServedModel } from './served-model';

/** The served models and their load state. */
export class ModelRegistry {
  private readonly slots = new Map<string, ServedModel>();

  constructor(
    readonly models: readonly GatewayModel[],
    /** Absolute public/models folder (Foundry's model cache path). */
    readonly cacheDir: string,
    loadModel?: RunnerHooks['loadModel'],
  ) {
    for (const model of models) this.slots.set(model.id, new ServedModel(model, loadModel));
  }

  /**
   * The slot for a model id. Accepted: the exact id, and the id without `:version` (older Foundry
   * ids had none). Aliases are not resolved, like Foundry's newer server; `suggestion` names the
   * id an alias stands for so the 404 can say what to send instead.
   */
  find(name: string): { slot?: ServedModel; suggestion?: string } {
    const exact = this.slots.get(name) ?? this.all().find((s) => s.model.id.replace(/:\d+$/, '') === name);
    if (exact) return { slot: exact };
    const byAlias = this.models.find((m) => m.alias === name);
    return byAlias ? { suggestion: byAlias.id } : {};
  }

  /** Every slot, in catalog order. */
  all(): ServedModel[] {
    return [...this.slots.values()];
  }

  cachedIds(): string[] {
    return this.models.filter(isCached).map((m) => m.id);
  }

  loadedIds(): string[] {
    return this.all()
      .filter((s) => s.loaded)
      .map((s) => s.model.id);
  }

  async unloadAll(force: boolean): Promise<void> {
    await Promise.all(this.all().map((s) => s.unload(force)));
  }
}
