/**
 * Models the user added (from a hub repo id, a local folder, or a gateway model id), in
 * IndexedDB. Validated on read with the catalog's own schema: an entry that no longer parses is
 * skipped and reported, the rest load.
 */
import { del, entries, set, type UseStore } from 'idb-keyval';
import { openStore } from './open-store';
import { CatalogValidationError, parseModel, type CatalogModel } from '../catalog/schema';

export interface LoadedUserModels {
  models: CatalogModel[];
  /** Why each unreadable record was skipped. */
  skipped: string[];
}

interface StoredModel {
  model: unknown;
  addedAt: number;
}

export class UserModelStore {
  private readonly store: UseStore;

  constructor(store?: UseStore) {
    this.store = store ?? openStore('playground-user-models', 'models');
  }

  /** Every readable entry, oldest first (the order they were added in). */
  async list(): Promise<LoadedUserModels> {
    const all = await entries<IDBValidKey, unknown>(this.store);
    const records = all.map(([key, value]) => {
      const record = (typeof value === 'object' && value !== null ? value : {}) as Partial<StoredModel>;
      return {
        name: typeof key === 'string' ? key : 'unnamed',
        model: record.model,
        addedAt: typeof record.addedAt === 'number' ? record.addedAt : 0,
      };
    });
    records.sort((a, b) => a.addedAt - b.addedAt);
    const models: CatalogModel[] = [];
    const skipped: string[] = [];
    for (const { name, model } of records) {
      try {
        models.push(parseModel(model, `saved model ${name}`));
      } catch (error) {
        skipped.push(error instanceof CatalogValidationError ? error.message : `saved model ${name} is unreadable`);
      }
    }
    return { models, skipped };
  }

  async save(model: CatalogModel): Promise<void> {
    await set(model.id, { model, addedAt: Date.now() } satisfies StoredModel, this.store);
  }

  async delete(id: string): Promise<void> {
    await del(id, this.store);
  }
}
