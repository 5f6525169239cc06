/**
 * Foundry alias resolution: the newer Foundry server does not resolve aliases, so the client
 * turns "phi-4-mini" into a variant id itself. Ids below are the shapes Foundry Local lists.
 */
import { describe, expect, it } from 'vitest';
import { parseVariantId, resolveModelId, type ServerModel } from '../../src/engine/gateway/foundry-alias';

const CATALOG: ServerModel[] = [
  { id: 'Phi-4-mini-instruct-generic-cpu:2' },
  { id: 'Phi-4-mini-instruct-generic-gpu:4' },
  { id: 'Phi-4-mini-instruct-generic-gpu:5' },
  { id: 'Phi-4-generic-gpu:1' },
  { id: 'gpt-oss-20b-cuda-gpu:1' },
  { id: 'gpt-oss-20b-generic-cpu' },
  { id: 'qwen2.5-0.5b-instruct-generic-cpu:4' },
  { id: 'qwen2.5-0.5b-instruct-generic-gpu:3' },
];

describe('parseVariantId', () => {
  it('splits model, execution provider, device and version', () => {
    expect(parseVariantId('Phi-4-mini-instruct-generic-gpu:5')).toEqual({
      id: 'Phi-4-mini-instruct-generic-gpu:5',
      base: 'phi-4-mini-instruct-generic-gpu',
      model: 'phi-4-mini-instruct',
      device: 'gpu',
      version: 5,
    });
    expect(parseVariantId('gpt-oss-20b-generic-cpu')).toMatchObject({ model: 'gpt-oss-20b', device: 'cpu', version: 0 });
    expect(parseVariantId('llama3.2:latest')).toMatchObject({ model: 'llama3.2:latest', device: null, version: 0 });
  });
});

describe('resolveModelId', () => {
  it('keeps an exact id', () => {
    expect(resolveModelId('Phi-4-mini-instruct-generic-gpu:4', CATALOG)?.id).toBe('Phi-4-mini-instruct-generic-gpu:4');
  });

  it('takes the newest version of an id given without one', () => {
    expect(resolveModelId('Phi-4-mini-instruct-generic-gpu', CATALOG)?.id).toBe('Phi-4-mini-instruct-generic-gpu:5');
  });

  it('resolves an alias to its GPU variant, newest first, and not to a longer model name', () => {
    expect(resolveModelId('phi-4-mini', CATALOG)?.id).toBe('Phi-4-mini-instruct-generic-gpu:5');
    expect(resolveModelId('phi-4', CATALOG)?.id).toBe('Phi-4-generic-gpu:1');
    expect(resolveModelId('gpt-oss-20b', CATALOG)?.id).toBe('gpt-oss-20b-cuda-gpu:1');
    expect(resolveModelId('qwen2.5-0.5b', CATALOG)?.id).toBe('qwen2.5-0.5b-instruct-generic-gpu:3');
  });

  it('prefers CPU variants when asked', () => {
    expect(resolveModelId('phi-4-mini', CATALOG, false)?.id).toBe('Phi-4-mini-instruct-generic-cpu:2');
  });

  it('prefers a variant that is already loaded, then one already downloaded', () => {
    const models = CATALOG.map((m) => (m.id === 'qwen2.5-0.5b-instruct-generic-cpu:4' ? { ...m, loaded: true } : m));
    expect(resolveModelId('qwen2.5-0.5b', models)?.id).toBe('qwen2.5-0.5b-instruct-generic-cpu:4');
    const cached = CATALOG.map((m) => ({ ...m, cached: m.id === 'Phi-4-mini-instruct-generic-cpu:2' }));
    expect(resolveModelId('phi-4-mini', cached)?.id).toBe('Phi-4-mini-instruct-generic-cpu:2');
  });

  it('uses the alias the older service reports in /foundry/list over name matching', () => {
    const models: ServerModel[] = [{ id: 'odd-name-generic-cpu:1', alias: 'tiny' }, { id: 'tiny-generic-cpu:9' }];
    expect(resolveModelId('tiny', models)?.id).toBe('odd-name-generic-cpu:1');
  });

  it('says how it resolved, and returns null for an unknown model', () => {
    expect(resolveModelId('phi-4-mini', CATALOG)?.how).toBe('alias phi-4-mini → Phi-4-mini-instruct-generic-gpu:5 (GPU variant)');
    expect(resolveModelId('mistral-7b', CATALOG)).toBeNull();
    expect(resolveModelId('phi-4-mini', [])).toBeNull();
  });
});
