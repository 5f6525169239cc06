/**
 * Preferences read back from localStorage. Node has no localStorage, so each test passes a small
 * in-memory Storage stub (only getItem / setItem, which is all the module uses).
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PREFERENCES,
  loadPreferences,
  normalizeHubUrl,
  parsePreferences,
  savePreferences,
  type Preferences,
} from '../../src/app/preferences';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';

const KEY = 'playground.preferences.v1';

/** In-memory stand-in for window.localStorage. */
class MemoryStorage implements Pick<Storage, 'getItem' | 'setItem'> {
  readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
}

const defaults: Preferences = {
  params: { ...DEFAULT_PARAMS },
  modelId: null,
  device: 'auto',
  dtype: 'auto',
  hubUrl: 'https://huggingface.co/',
  measureVariants: true,
  embedderId: 'auto',
};

describe('preferences', () => {
  it('default to greedy settings, no model, automatic device and dtype, variants measured', () => {
    expect(DEFAULT_PREFERENCES).toEqual(defaults);
    expect(loadPreferences(new MemoryStorage())).toEqual(defaults);
    expect(loadPreferences(null)).toEqual(defaults);
  });

  it('survive a save / load round trip', () => {
    const storage = new MemoryStorage();
    const prefs: Preferences = {
      params: { ...DEFAULT_PARAMS, temperature: 0.7, seed: 99 },
      modelId: 'pocket-chat-1m',
      device: 'wasm',
      dtype: 'q8',
      hubUrl: 'http://127.0.0.1:8080/mirror/',
      measureVariants: false,
      embedderId: 'none',
    };
    savePreferences(prefs, storage);
    expect(storage.data.has(KEY)).toBe(true);
    expect(loadPreferences(storage)).toEqual(prefs);
  });

  it('fall back to defaults for corrupt JSON, JSON null, and non-object JSON', () => {
    for (const raw of ['{not json', 'null', '42', '"text"', '[]', '']) {
      expect(parsePreferences(raw), raw).toEqual(defaults);
    }
  });

  it('replace each invalid field by its default and keep the rest', () => {
    const raw = JSON.stringify({
      params: { temperature: 5, topK: 10 },
      modelId: 42,
      device: 'cuda',
      dtype: 'q4',
      hubUrl: 'javascript:alert(1)',
      measureVariants: 'no',
    });
    expect(parsePreferences(raw)).toEqual({ ...defaults, params: { ...DEFAULT_PARAMS, topK: 10 }, dtype: 'q4' });
    expect(parsePreferences(JSON.stringify({ device: 'gateway' })).device).toBe('gateway');
    expect(parsePreferences(JSON.stringify({ modelId: 'm', device: 'webgpu', dtype: 'q3' }))).toEqual({
      ...defaults,
      modelId: 'm',
      device: 'webgpu',
    });
  });

  it('keep a hub address only when it is an http(s) URL, normalized to end in "/"', () => {
    expect(normalizeHubUrl(' https://hf-mirror.example/models ')).toBe('https://hf-mirror.example/models/');
    expect(normalizeHubUrl('http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000/');
    for (const bad of ['', 'ftp://host/', 'file:///models/', 'not a url', 42, null]) expect(normalizeHubUrl(bad), String(bad)).toBeNull();
    expect(parsePreferences(JSON.stringify({ hubUrl: 'http://127.0.0.1:9000' })).hubUrl).toBe('http://127.0.0.1:9000/');
  });

  it('return fresh objects, so changing one result cannot change the defaults', () => {
    const a = parsePreferences(null);
    a.params.temperature = 1;
    expect(parsePreferences(null).params.temperature).toBe(0);
    expect(DEFAULT_PREFERENCES.params.temperature).toBe(0);
  });

  it('load defaults when the storage itself throws, and saving never throws', () => {
    const hostile = {
      getItem(): string | null {
        throw new Error('SecurityError: storage disabled');
      },
      setItem(): void {
        throw new Error('QuotaExceededError');
      },
    };
    expect(loadPreferences(hostile)).toEqual(defaults);
    expect(() => {
      savePreferences(defaults, hostile);
    }).not.toThrow();
  });
});
