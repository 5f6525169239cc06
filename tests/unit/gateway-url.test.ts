/** Gateway addresses as people type them, and when the page's same-origin proxy is used. */
import { describe, expect, it } from 'vitest';
import { effectiveRoot, isLoopbackUrl, normalizeGatewayUrl, sameGateway } from '../../src/engine/gateway/gateway-url';

describe('normalizeGatewayUrl', () => {
  it.each([
    ['localhost:5273', 'http://localhost:5273'],
    ['http://localhost:5273/', 'http://localhost:5273'],
    ['http://localhost:5273/v1', 'http://localhost:5273'],
    ['  http://127.0.0.1:5273/v1/  ', 'http://127.0.0.1:5273'],
    ['https://my-endpoint.example.com/openai/v1', 'https://my-endpoint.example.com/openai'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeGatewayUrl(input)).toBe(expected);
  });

  it('rejects what cannot be a gateway, saying what to do', () => {
    expect(() => normalizeGatewayUrl('')).toThrow(/Enter the gateway address/);
    expect(() => normalizeGatewayUrl('ftp://host')).toThrow(/must start with http/);
    expect(() => normalizeGatewayUrl('http://user:secret@localhost:5273')).toThrow(/key field/);
    expect(() => normalizeGatewayUrl('http://exa mple')).toThrow(/not a URL/);
  });
});

describe('loopback and proxy matching', () => {
  it('knows loopback hosts', () => {
    for (const url of ['http://localhost:1', 'http://127.0.0.1', 'http://127.4.5.6:9', 'http://[::1]:5273', 'http://app.localhost']) {
      expect(isLoopbackUrl(url), url).toBe(true);
    }
    for (const url of ['http://192.168.1.2', 'https://example.com', 'not a url']) expect(isLoopbackUrl(url), url).toBe(false);
  });

  it('treats localhost and 127.0.0.1 as one gateway, but not another port', () => {
    expect(sameGateway('http://localhost:5273', '127.0.0.1:5273/v1')).toBe(true);
    expect(sameGateway('http://localhost:5273', 'http://localhost:5272')).toBe(false);
    expect(sameGateway('http://localhost:5273', 'https://localhost:5273')).toBe(false);
  });

  it('routes through the proxy only when it forwards to the chosen gateway', () => {
    const proxy = { target: 'http://localhost:5273', root: 'http://127.0.0.1:4173/gateway' };
    expect(effectiveRoot('http://127.0.0.1:5273', proxy)).toEqual({ root: 'http://127.0.0.1:4173/gateway', viaProxy: true });
    expect(effectiveRoot('http://localhost:11434', proxy)).toEqual({ root: 'http://localhost:11434', viaProxy: false });
    expect(effectiveRoot('http://localhost:5273', null)).toEqual({ root: 'http://localhost:5273', viaProxy: false });
  });
});
