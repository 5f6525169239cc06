/**
 * The `/gateway` proxy of the preview server (the dev server uses the same proxy entry): a real
 * `vite preview` with the app's proxy options and plugin, in front of a real gateway. It forwards
 * the app's own requests (Sec-Fetch-Site same-origin, its own Origin, or curl with neither) with
 * Origin stripped, and refuses everything a page on another origin could send with a 403 that
 * never reaches the gateway, which is what the gateway's log and load state show.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayProxyInfo, gatewayProxyOptions } from '../../tools/vite/gateway-proxy';
import { MODEL_ID, errorOf, raw, useGateway } from './support';

const gatewayLog: string[] = [];
const gw = useGateway({ log: (line) => gatewayLog.push(line) });
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-proxy-'));
let server: PreviewServer;
let base = '';
let ownOrigin = '';

beforeAll(async () => {
  // vite preview serves an existing build; an empty page is enough for the proxy.
  fs.mkdirSync(path.join(root, 'dist'));
  fs.writeFileSync(path.join(root, 'dist', 'index.html'), '<!doctype html><title>proxy test</title>');
  server = await preview({
    configFile: false,
    root,
    logLevel: 'silent',
    plugins: [gatewayProxyInfo(gw.url)],
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false, proxy: gatewayProxyOptions(gw.url) },
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  ownOrigin = `http://127.0.0.1:${address.port}`;
  base = `${ownOrigin}/`;
});

afterAll(async () => {
  await server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Requests the gateway logged while `run` ran. */
async function reachingGateway<T>(run: () => Promise<T>): Promise<{ result: T; logged: string[] }> {
  const before = gatewayLog.length;
  const result = await run();
  return { result, logged: gatewayLog.slice(before) };
}

const loaded = async (): Promise<unknown> => (await raw(gw.url, '/models/loaded')).json();

describe('forwarded: the app itself and non-browser clients', () => {
  it.each([
    ['neither header (curl)', {}],
    ['Sec-Fetch-Site: same-origin', { 'Sec-Fetch-Site': 'same-origin' }],
    ['Sec-Fetch-Site: none (a typed address)', { 'Sec-Fetch-Site': 'none' }],
  ])('%s', async (_name, headers) => {
    const { result, logged } = await reachingGateway(() => raw(base, '/gateway/v1/models', { headers }));
    expect(result.status).toBe(200);
    expect((result.json() as { data: { id: string }[] }).data.map((m) => m.id)).toContain(MODEL_ID);
    expect(logged).toEqual([expect.stringMatching(/^GET \/v1\/models 200/)]);
  });

  it('a POST from the page itself, its Origin stripped on the way (the gateway would refuse the random port)', async () => {
    const { result, logged } = await reachingGateway(() =>
      raw(base, '/gateway/v1/chat/completions', {
        headers: { Origin: ownOrigin, 'Sec-Fetch-Site': 'same-origin' },
        body: { model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }] },
      }),
    );
    // The gateway's own answer: it saw no foreign Origin and judged the body.
    expect(result.status).toBe(404);
    expect(errorOf(result).code).toBe('model_not_found');
    expect(logged).toEqual([expect.stringMatching(/^POST \/v1\/chat\/completions 404/)]);
  });

  it('a load from the page loads the model', async () => {
    const res = await raw(base, `/gateway/models/load/${MODEL_ID}`, { headers: { 'Sec-Fetch-Site': 'same-origin' } });
    expect(res.status).toBe(200);
    expect(await loaded()).toEqual([MODEL_ID]);
  });
});

describe('refused before the gateway: requests another page can make', () => {
  const foreign: [string, Record<string, string>][] = [
    ['an <img> on another localhost port (same-site, no Origin)', { 'Sec-Fetch-Site': 'same-site' }],
    ['an <img> on another site (cross-site, no Origin)', { 'Sec-Fetch-Site': 'cross-site' }],
    ['an unknown Sec-Fetch-Site value', { 'Sec-Fetch-Site': 'sideways' }],
    ['a fetch from another port of 127.0.0.1', { Origin: 'http://127.0.0.1:9' }],
    ['a fetch from localhost, a different origin than 127.0.0.1', { Origin: ownOrigin.replace('127.0.0.1', 'localhost') }],
    ['a sandboxed iframe or data: page (Origin null)', { Origin: 'null' }],
    ['an https page with this host and port', { Origin: ownOrigin.replace('http:', 'https:') }],
    ['its own Origin but Sec-Fetch-Site cross-site', { Origin: ownOrigin, 'Sec-Fetch-Site': 'cross-site' }],
  ];

  it.each(foreign)('%s: unloadall is a 403 and the model stays loaded', async (_name, headers) => {
    await raw(gw.url, `/models/load/${MODEL_ID}`);
    const { result, logged } = await reachingGateway(() => raw(base, '/gateway/openai/unloadall', { headers }));
    expect(result.status).toBe(403);
    expect(result.headers['content-type']).toMatch(/^application\/json/);
    expect(errorOf(result)).toMatchObject({ type: 'permission_error', code: 'proxy_origin_not_allowed' });
    expect(errorOf(result).message).toMatch(/only forwards requests from this app's own pages/);
    expect(logged).toEqual([]);
    expect(await loaded()).toEqual([MODEL_ID]);
  });

  it.each(foreign)('%s: a chat POST is a 403 too', async (_name, headers) => {
    const { result, logged } = await reachingGateway(() =>
      raw(base, '/gateway/v1/chat/completions', { headers, body: { model: MODEL_ID, messages: [{ role: 'user', content: 'Hi' }] } }),
    );
    expect(result.status).toBe(403);
    expect(logged).toEqual([]);
  });

  it('the proxy description for the page is still served', async () => {
    const res = await raw(base, '/__gateway-proxy');
    expect(res.json()).toEqual({ target: gw.url });
  });
});
