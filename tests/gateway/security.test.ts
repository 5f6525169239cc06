/**
 * Safe defaults: only loopback Host names are served (DNS rebinding), browsers get CORS headers
 * only for allow-listed origins and other origins are refused, preflights are answered.
 */
import { describe, expect, it } from 'vitest';
import { errorOf, raw, useGateway } from './support';

const gw = useGateway({ allowOrigins: ['http://localhost:3000'] });
const port = (): string => new URL(gw.url).port;

describe('Host header', () => {
  it('binds to 127.0.0.1 by default', () => {
    expect(new URL(gw.url).hostname).toBe('127.0.0.1');
  });

  it.each(['localhost', '127.0.0.1', '[::1]', 'LOCALHOST'])('serves Host %s with any port', async (host) => {
    const res = await raw(gw.url, '/v1/models', { headers: { Host: `${host}:${port()}` } });
    expect(res.status).toBe(200);
    const bare = await raw(gw.url, '/v1/models', { headers: { Host: host } });
    expect(bare.status).toBe(200);
  });

  it.each(['evil.example', 'evil.example:5273', '127.0.0.1.evil.example', 'localhost.evil.example:80', '192.168.1.20'])(
    'refuses Host %s with 403',
    async (host) => {
      const res = await raw(gw.url, '/v1/models', { headers: { Host: host } });
      expect(res.status).toBe(403);
      const error = errorOf(res);
      expect(error.type).toBe('permission_error');
      expect(error.message).toMatch(/only answers requests addressed to localhost/);
    },
  );
});

describe('CORS', () => {
  it.each(['http://127.0.0.1:5173', 'http://localhost:5173', 'http://127.0.0.1:4173', 'http://localhost:4173', 'http://localhost:3000'])(
    'allows %s (defaults plus --allow-origin)',
    async (origin) => {
      const res = await raw(gw.url, '/v1/models', { headers: { Origin: origin } });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['vary']).toBe('Origin');
    },
  );

  it('sends no CORS headers to a request without Origin', async () => {
    const res = await raw(gw.url, '/v1/models');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each(['https://evil.example', 'http://localhost:5174', 'null'])('refuses origin %s with 403 and no CORS headers', async (origin) => {
    const res = await raw(gw.url, '/v1/chat/completions', { headers: { Origin: origin }, body: { model: 'x', messages: [] } });
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(errorOf(res).message).toContain('--allow-origin');
  });

  it('refuses a cross-site no-cors request (an <img> pointing at unloadall)', async () => {
    const res = await raw(gw.url, '/openai/unloadall', { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(res.status).toBe(403);
  });

  it('answers an allowed preflight with 204 and the methods and headers asked for', async () => {
    const res = await raw(gw.url, '/v1/chat/completions', {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,x-stainless-os',
        'Access-Control-Request-Private-Network': 'true',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']).toBe('authorization,content-type,x-stainless-os');
    expect(res.headers['access-control-allow-private-network']).toBe('true');
    expect(res.text).toBe('');
  });

  it('refuses a preflight from another origin', async () => {
    const res = await raw(gw.url, '/v1/chat/completions', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });
});
