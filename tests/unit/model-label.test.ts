/**
 * Model names in the pickers and lists: the browser entry and the gateway entry of the same
 * model ("Qwen2.5 0.5B Instruct" twice in the catalog) must read differently, also for the
 * entries the catalog is about to get (gpt-oss-20b in the browser, next to its gateway alias).
 */
import { describe, expect, it } from 'vitest';
import { discoveredGatewayModel } from '../../src/catalog/catalog';
import type { CatalogModel } from '../../src/catalog/schema';
import { groupModels, MODEL_GROUPS, modelHome, modelLabel } from '../../src/ui/shared/model-label';
import { readCatalog } from '../support/paths';

const shipped = readCatalog().models;

function byId(id: string): CatalogModel {
  const found = shipped.find((m) => m.id === id);
  if (!found) throw new Error(`${id} is not in the catalog`);
  return found;
}

/** The browser entry of gpt-oss-20b the catalog will get (its gateway entry is already there). */
const gptOssInBrowser: Pick<CatalogModel, 'id' | 'name' | 'source'> = {
  id: 'gpt-oss-20b-onnx',
  name: byId('gpt-oss-20b').name,
  source: { kind: 'hub', repo: 'onnx-community/gpt-oss-20b-ONNX', revision: 'main' },
};
const imported: Pick<CatalogModel, 'id' | 'name' | 'source'> = {
  id: 'local-my-model',
  name: 'My model',
  source: { kind: 'local', path: 'local/my-model' },
};

describe('modelLabel', () => {
  it('tells the browser entry of a model from its gateway entry, though both have one name', () => {
    const browser = byId('qwen2.5-0.5b-instruct');
    const gateway = byId('qwen2.5-0.5b');
    expect(browser.name).toBe(gateway.name);
    expect(modelLabel(browser)).toBe(`${browser.name} · browser`);
    expect(modelLabel(gateway)).toBe(`${gateway.name} · gateway`);
  });

  it('marks bundled models as bundled, imported ones as imported', () => {
    expect(modelLabel(byId('pocket-chat-1m'))).toBe('Pocket Chat 1M · bundled');
    expect(modelLabel(imported)).toBe('My model · imported');
  });

  it('gives every model in the picker its own label: the shipped catalog, the coming entries, what a gateway lists', () => {
    const listed = [
      ...shipped,
      gptOssInBrowser,
      imported,
      // What "Test connection" adds for models the catalog does not know.
      discoveredGatewayModel('mistralai-Mistral-7B-Instruct-v0-2-generic-cpu:2'),
    ];
    const labels = listed.map(modelLabel);
    const repeated = labels.filter((l, i) => labels.indexOf(l) !== i);
    expect(repeated).toEqual([]);
    // Names alone would not do: this is what the labels are for.
    const names = listed.map((m) => m.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toContain('Qwen2.5 0.5B Instruct');
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toContain('gpt-oss-20b');
    expect(modelLabel(gptOssInBrowser)).not.toBe(modelLabel(byId('gpt-oss-20b')));
  });
});

describe('groupModels', () => {
  it('groups by where a model runs, in a fixed order, keeping the order within a group and skipping empty groups', () => {
    const groups = groupModels([byId('qwen2.5-0.5b'), byId('qwen2.5-0.5b-instruct'), byId('pocket-chat-3m'), byId('pocket-chat-1m')]);
    expect(groups.map((g) => g.home)).toEqual(['bundled', 'browser', 'gateway']);
    expect(groups.map((g) => g.models.map((m) => m.id))).toEqual([
      ['pocket-chat-3m', 'pocket-chat-1m'],
      ['qwen2.5-0.5b-instruct'],
      ['qwen2.5-0.5b'],
    ]);
    expect(groups[2]?.label).toBe('On the gateway');
  });

  it('puts every catalog model in exactly one group, each group with its own heading', () => {
    const groups = groupModels(shipped);
    expect(groups.flatMap((g) => g.models).length).toBe(shipped.length);
    for (const g of groups) for (const m of g.models) expect(modelHome(m)).toBe(g.home);
    expect(new Set(MODEL_GROUPS.map((g) => g.label)).size).toBe(MODEL_GROUPS.length);
  });
});
