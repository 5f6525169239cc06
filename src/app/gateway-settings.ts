/**
 * Gateway connection settings. The address and choices live in localStorage; the API key lives
 * only where the user chose: this tab's session (the default), this device, or nowhere (typed
 * again after a reload). The key is never logged and never part of an export.
 */
import { DEFAULT_GATEWAY_URL } from '../engine/gateway/gateway-url';

export type KeyStorage = 'session' | 'device' | 'none';

export interface GatewaySettings {
  baseUrl: string;
  apiKey: string;
  keyStorage: KeyStorage;
  /** Send models the browser cannot run to the gateway automatically. */
  fallback: boolean;
  /** A Test connection once succeeded with this address; the app then re-lists its models at start. */
  connectedBefore: boolean;
}

export const DEFAULT_GATEWAY_SETTINGS: GatewaySettings = {
  baseUrl: DEFAULT_GATEWAY_URL,
  apiKey: '',
  keyStorage: 'session',
  fallback: true,
  connectedBefore: false,
};

const SETTINGS_KEY = 'playground.gateway.v1';
const API_KEY_KEY = 'playground.gateway.key';

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface GatewayStorages {
  local: StorageLike | null;
  session: StorageLike | null;
}

function browserStorages(): GatewayStorages {
  const get = (name: 'localStorage' | 'sessionStorage'): StorageLike | null => {
    try {
      return (globalThis as Partial<Record<typeof name, Storage>>)[name] ?? null;
    } catch {
      return null;
    }
  };
  return { local: get('localStorage'), session: get('sessionStorage') };
}

function safe<T>(run: () => T, fallback: T): T {
  try {
    return run();
  } catch {
    return fallback;
  }
}

export function loadGatewaySettings(storages: GatewayStorages = browserStorages()): GatewaySettings {
  const raw = safe(() => storages.local?.getItem(SETTINGS_KEY) ?? null, null);
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (parsed && typeof parsed === 'object') data = parsed as Record<string, unknown>;
  } catch {
    data = {};
  }
  const keyStorage: KeyStorage = data['keyStorage'] === 'device' || data['keyStorage'] === 'none' ? data['keyStorage'] : 'session';
  const keyStore = keyStorage === 'device' ? storages.local : keyStorage === 'session' ? storages.session : null;
  return {
    baseUrl: typeof data['baseUrl'] === 'string' && data['baseUrl'].trim() ? data['baseUrl'] : DEFAULT_GATEWAY_URL,
    apiKey: safe(() => keyStore?.getItem(API_KEY_KEY) ?? '', ''),
    keyStorage,
    fallback: typeof data['fallback'] === 'boolean' ? data['fallback'] : true,
    connectedBefore: data['connectedBefore'] === true,
  };
}

export function saveGatewaySettings(settings: GatewaySettings, storages: GatewayStorages = browserStorages()): void {
  const { apiKey, ...rest } = settings;
  safe(() => storages.local?.setItem(SETTINGS_KEY, JSON.stringify(rest)), undefined);
  // The key goes to exactly one place, and is removed from the others.
  const keep = settings.keyStorage === 'device' ? storages.local : settings.keyStorage === 'session' ? storages.session : null;
  for (const store of [storages.local, storages.session]) {
    if (!store) continue;
    safe(() => (store === keep && apiKey ? store.setItem(API_KEY_KEY, apiKey) : store.removeItem(API_KEY_KEY)), undefined);
  }
}
