/**
 * The cache manager's view of the weight cache: only the newest refresh counts. Without that, a
 * refresh begun before a delete (the one a finished load starts) and ending after it would show
 * the deleted files again, which is what CI saw once on a loaded machine. The weight index here
 * is an in-memory stand-in whose list() the test answers by hand (IndexedDB runs only in Chromium).
 */
import { describe, expect, it } from 'vitest';
import { CacheManager } from '../../src/app/cache-manager';
import { DEFAULT_PREFERENCES } from '../../src/app/preferences';
import { Settings } from '../../src/app/settings';
import type { CachedFileInfo } from '../../src/cache/cache-groups';
import { BASE_URL, catalog, deferred, flush } from './app-fixtures';

describe('CacheManager', () => {
  it('a refresh that ends after a newer one does not bring back what the newer one no longer saw', async () => {
    const stored: CachedFileInfo[] = [{ url: `${BASE_URL}models/x/onnx/model.onnx`, bytes: 10, lastUsedAt: 1 }];
    const answers: ((files: CachedFileInfo[]) => void)[] = [];
    const manager = new CacheManager({
      weights: {
        list: () => {
          const answer = deferred<CachedFileInfo[]>();
          answers.push(answer.resolve);
          return answer.promise;
        },
        delete: (url) =>
          Promise.resolve(
            stored.splice(
              stored.findIndex((f) => f.url === url),
              1,
            ),
          ),
        clear: () => Promise.resolve(),
      },
      baseUrl: BASE_URL,
      catalog: { models: catalog },
      settings: new Settings({ ...DEFAULT_PREFERENCES }, () => undefined),
      slots: [],
      storageManager: undefined,
    });
    const old = manager.refresh(); // e.g. the one a finished load started
    const fresh = manager.refresh(); // the one after a delete
    answers[1]!([]);
    await fresh;
    expect(manager.groups).toEqual([]);
    answers[0]!([...stored]);
    await old;
    await flush();
    expect(manager.groups).toEqual([]);
  });
});
