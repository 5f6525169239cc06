/**
 * Where the gateway API key is kept: only in the storage the user chose, removed from the others.
 * Storage here is a small in-memory stand-in for localStorage/sessionStorage (Node has neither).
 */
import { describe, expect, it } from 'vitest';
import { loadGatewaySettings, saveGatewaySettings, type GatewaySettings, type StorageLike } from '../../src/app/gateway-settings';

class MemoryStorage implements StorageLike {
  readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
  removeItem(key: string): void {
    this.data.delete(key);
  }
  text(): string {
    return [...this.data.values()].join('\n');
  }
}

const SECRET = 'sk-test-1234567890';

function settings(patch: Partial<GatewaySettings>): GatewaySettings {
  return { baseUrl: 'http://localhost:5273', apiKey: SECRET, keyStorage: 'session', fallback: true, connectedBefore: false, ...patch };
}

describe('gateway settings', () => {
  it('defaults to Foundry Local on 5273, session-only keys and automatic fallback', () => {
    const s = loadGatewaySettings({ local: new MemoryStorage(), session: new MemoryStorage() });
    expect(s).toEqual({ baseUrl: 'http://localhost:5273', apiKey: '', keyStorage: 'session', fallback: true, connectedBefore: false });
  });

  it.each([
    ['session', false, true],
    ['device', true, false],
    ['none', false, false],
  ] as const)('keyStorage %s: key in local=%s, session=%s, never in the settings record', (keyStorage, inLocal, inSession) => {
    const local = new MemoryStorage();
    const session = new MemoryStorage();
    // A key stored earlier elsewhere must not linger after the choice changes.
    local.setItem('playground.gateway.key', 'old');
    session.setItem('playground.gateway.key', 'old');
    saveGatewaySettings(settings({ keyStorage }), { local, session });
    expect(local.getItem('playground.gateway.key')).toBe(inLocal ? SECRET : null);
    expect(session.getItem('playground.gateway.key')).toBe(inSession ? SECRET : null);
    expect(local.getItem('playground.gateway.v1')).not.toContain(SECRET);
    const back = loadGatewaySettings({ local, session });
    expect(back.apiKey).toBe(keyStorage === 'none' ? '' : SECRET);
    expect(back.keyStorage).toBe(keyStorage);
  });

  it('falls back to defaults field by field when the stored record is damaged', () => {
    const local = new MemoryStorage();
    local.setItem('playground.gateway.v1', '{"baseUrl": 42, "keyStorage": "cloud", "fallback": false}');
    expect(loadGatewaySettings({ local, session: null })).toMatchObject({
      baseUrl: 'http://localhost:5273',
      keyStorage: 'session',
      fallback: false,
    });
    local.setItem('playground.gateway.v1', 'not json');
    expect(loadGatewaySettings({ local, session: null }).baseUrl).toBe('http://localhost:5273');
  });
});
