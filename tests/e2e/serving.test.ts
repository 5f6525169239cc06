/**
 * The preview server (what `npm start` runs) hands model files out byte for byte: no gzip on a
 * model file or on any partial answer, a Content-Length, and ranges that Chromium's HTTP cache can
 * stitch together. It used to gzip `.onnx` files (no known type counts as text to it), partial
 * answers included, and a plain fetch in Chromium then got a model.onnx of the right size with the
 * wrong bytes; see tools/vite/identity-encoding.ts. Real HTTP, the real server, real Chromium.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { PUBLIC_MODELS, ROOT, readCatalog } from '../support/paths';
import { launchChromium } from './support/chromium';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium({ webgpu: false });
});
afterAll(async () => {
  await browser.close();
});

/** The largest bundled weight file, the one the engine benchmark failed to load. */
function bigModelFile(): { url: string; bytes: number; sha256: string; onDisk: string } {
  const model = readCatalog().models.find((m) => m.id === 'pocket-chat-3m');
  const file = model?.variants.find((v) => v.dtype === 'fp32')?.files[0];
  if (!model || !file?.sha256) throw new Error('the catalog lists no pocket-chat-3m fp32 file with a SHA-256');
  return {
    url: new URL(`models/${model.id}/${file.path}`, baseUrl).href,
    bytes: file.bytes,
    sha256: file.sha256,
    onDisk: path.join(PUBLIC_MODELS, model.id, file.path),
  };
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as sent: not decoded, whatever its Content-Encoding. */
  body: Buffer;
}

/** A GET that shows the response exactly as the server sent it (fetch would decode gzip). */
function rawGet(url: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const ACCEPT = { 'accept-encoding': 'gzip, deflate, br' };

it('sends a model file uncompressed, with its length, in full and by range; text still compressed', async () => {
  const file = bigModelFile();
  const full = await rawGet(file.url, ACCEPT);
  expect(full.status).toBe(200);
  expect(full.headers['content-encoding']).toBeUndefined();
  expect(full.headers['content-length']).toBe(String(file.bytes));
  expect(sha256(full.body)).toBe(file.sha256);

  // Where the app's download resumed after the drop this used to cause.
  const from = 4_575_241;
  const rest = await rawGet(file.url, { ...ACCEPT, range: `bytes=${from}-` });
  expect(rest.status).toBe(206);
  expect(rest.headers['content-encoding']).toBeUndefined();
  expect(rest.headers['content-range']).toBe(`bytes ${from}-${file.bytes - 1}/${file.bytes}`);
  expect(rest.body.equals(fs.readFileSync(file.onDisk).subarray(from))).toBe(true);

  // Any partial answer, not only model files: a gzipped 206 cannot be combined with others.
  const catalogHead = await rawGet(new URL('models/models.json', baseUrl).href, { ...ACCEPT, range: 'bytes=0-99' });
  expect(catalogHead.status).toBe(206);
  expect(catalogHead.headers['content-encoding']).toBeUndefined();
  expect(catalogHead.body).toHaveLength(100);

  // The rule is narrow: the catalog itself (JSON, compressible) is still sent gzipped.
  const catalog = await rawGet(new URL('models/models.json', baseUrl).href, ACCEPT);
  expect(catalog.headers['content-encoding']).toBe('gzip');
});

it("gives a plain fetch in Chromium the file's exact bytes after a range of it was cached", async () => {
  const file = bigModelFile();
  // Chromium stitches a cached range and a network range into one body only under a strong
  // validator; the served ETag is weak, and Last-Modified counts as strong once it is a minute
  // older than the response's Date (RFC 9110 8.8.2.2). The global setup has just built dist/, so
  // the served copy is given an old mtime: as every file has an hour after a build.
  const served = path.join(ROOT, 'dist', path.relative(path.join(ROOT, 'public'), file.onDisk));
  const anHourAgo = new Date(Date.now() - 3_600_000);
  fs.utimesSync(served, anHourAgo, anHourAgo);
  const page = await browser.newPage();
  try {
    // Any page of the app's origin; the app itself need not run.
    await page.goto(new URL('models/models.json', baseUrl).href);
    const seen = await page.evaluate(async (url) => {
      const hex = async (b: ArrayBuffer): Promise<string> =>
        Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', b)), (x) => x.toString(16).padStart(2, '0')).join('');
      // What the app's IntegrityGuard does after a dropped connection: ask for the rest. The HTTP
      // cache keeps that range; the next plain fetch is served from it plus the network.
      const tail = await fetch(url, { headers: { Range: 'bytes=4575241-' } });
      const tailBytes = (await tail.arrayBuffer()).byteLength;
      const full = await fetch(url);
      const body = await full.arrayBuffer();
      return { tailStatus: tail.status, tailBytes, status: full.status, bytes: body.byteLength, sha256: await hex(body) };
    }, file.url);
    expect(seen.tailStatus).toBe(206);
    expect(seen.tailBytes).toBe(file.bytes - 4_575_241);
    expect(seen).toMatchObject({ status: 200, bytes: file.bytes, sha256: file.sha256 });
  } finally {
    await page.close();
  }
});
