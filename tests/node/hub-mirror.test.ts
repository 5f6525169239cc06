/**
 * The hub mirror (tests/support/hub-mirror.ts) against what huggingface.co does, so the e2e tests
 * that rely on it meet the hub's behaviour: read with @huggingface/hub (the client written for the
 * real hub: listFiles follows `Link` pages, modelInfo sends `expand=`, fileDownloadInfo reads a
 * `bytes=0-0` probe) and with raw HTTP where a client would hide it (the 302 and its headers,
 * gzip on the wire, HEAD). Expected object ids come from `git hash-object`, not from the mirror.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileDownloadInfo, listFiles, modelInfo, type ListFileEntry } from '@huggingface/hub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubMirror, type HubMirror } from '../support/hub-mirror';
import { HUB_FIXTURES } from '../support/paths';

const REPO = 'test-org/sharded-pocket-chat-1m';
const DIR = path.join(HUB_FIXTURES, 'sharded-pocket-chat-1m');
const REVISION = 'c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ff';
const CHUNK = 'onnx/model_q4f16.onnx_data_1';
let mirror: HubMirror;
let scratch: string;

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-mirror-test-'));
  mirror = await startHubMirror({ [REPO]: { dir: DIR, revision: REVISION } }, { treePageSize: 3 });
});
afterAll(async () => {
  await mirror.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const bytesOf = (rel: string): Buffer => fs.readFileSync(path.join(DIR, rel));
const sha256 = (bytes: Buffer): string => crypto.createHash('sha256').update(bytes).digest('hex');
/** What git itself calls the object: `git hash-object` of the file (or of its LFS pointer). */
function gitOid(content: Buffer): string {
  const file = path.join(scratch, 'object');
  fs.writeFileSync(file, content);
  return execFileSync('git', ['hash-object', file], { encoding: 'utf8' }).trim();
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request, no redirect followed, nothing decoded: what is on the wire. */
function raw(url: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const resolveUrl = (rel: string): string => `${mirror.url}${REPO}/resolve/${REVISION}/${rel}`;

describe('the tree API', () => {
  it('pages its listing, and listFiles follows the Link to get every file with size, git oid and LFS sha256', async () => {
    const before = mirror.requests.length;
    const entries: ListFileEntry[] = [];
    for await (const entry of listFiles({ repo: REPO, revision: REVISION, recursive: true, hubUrl: mirror.url.replace(/\/$/, '') })) {
      entries.push(entry);
    }
    const onDisk = [...fs.readdirSync(DIR).filter((f) => f !== 'onnx'), ...fs.readdirSync(path.join(DIR, 'onnx')).map((f) => `onnx/${f}`)];
    const files = entries.filter((e) => e.type === 'file');
    expect(files.map((e) => e.path).sort()).toEqual(onDisk.sort());
    expect(entries.filter((e) => e.type === 'directory').map((e) => e.path)).toEqual(['onnx']);
    // 3 entries a page: every page was asked for.
    const pages = mirror.requests.slice(before).filter((r) => r.startsWith(`/api/models/${REPO}/tree/${REVISION}`));
    expect(pages).toHaveLength(Math.ceil(entries.length / 3));

    for (const entry of files) {
      const bytes = bytesOf(entry.path);
      expect(entry.size, entry.path).toBe(bytes.length);
      if (/\.onnx(_data(_\d+)?)?$/.test(entry.path)) {
        const pointer = Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(bytes)}\nsize ${bytes.length}\n`);
        expect(entry.lfs, entry.path).toEqual({ oid: sha256(bytes), size: bytes.length, pointerSize: pointer.length });
        expect(entry.oid, entry.path).toBe(gitOid(pointer));
      } else {
        expect(entry.lfs, entry.path).toBeUndefined();
        expect(entry.oid, entry.path).toBe(gitOid(bytes));
      }
    }
  });

  it('answers an unknown revision with 404 and the error code the hub sends', async () => {
    const response = await raw(`${mirror.url}api/models/${REPO}/tree/v9?recursive=true&expand=false`);
    expect(response.status).toBe(404);
    expect(response.headers['x-error-code']).toBe('RevisionNotFound');
  });
});

describe('model info', () => {
  it('with expand= it answers the fields asked for, sha and cardData among them (modelInfo of @huggingface/hub)', async () => {
    const info = await modelInfo({
      name: REPO,
      revision: REVISION,
      hubUrl: mirror.url.replace(/\/$/, ''),
      additionalFields: ['sha', 'cardData'],
    });
    expect(info.name).toBe(REPO);
    expect(info.sha).toBe(REVISION);
    expect(info.cardData).toMatchObject({ license: 'mit' });
    // Only what was asked for: a client that forgets to expand `sha` gets none, as from the hub.
    const bare = JSON.parse((await raw(`${mirror.url}api/models/${REPO}/revision/${REVISION}?expand=downloads`)).body.toString()) as object;
    expect(Object.keys(bare).sort()).toEqual(['_id', 'downloads', 'id']);
  });
});

describe('resolve/ for a weight file (LFS)', () => {
  it('GET and HEAD answer 302 to the CDN on another origin, with the size, sha256 and commit in headers', async () => {
    const bytes = bytesOf(CHUNK);
    for (const method of ['GET', 'HEAD']) {
      const response = await raw(resolveUrl(CHUNK), { method });
      expect(response.status, method).toBe(302);
      const location = new URL(String(response.headers.location));
      expect(location.origin, method).not.toBe(new URL(mirror.url).origin);
      expect(`${location.origin}/`, method).toBe(mirror.cdnUrl);
      expect(response.headers['x-linked-size'], method).toBe(String(bytes.length));
      expect(response.headers['x-linked-etag'], method).toBe(`"${sha256(bytes)}"`);
      expect(response.headers['x-repo-commit'], method).toBe(REVISION);
      expect(response.body.length, method).toBe(method === 'HEAD' ? 0 : Number(response.headers['content-length']));
    }
  });

  it('fetch follows the redirect: the CDN sends the bytes, a range as 206, and records where each request went', async () => {
    const bytes = bytesOf(CHUNK);
    const before = mirror.requests.length;
    const whole = await fetch(resolveUrl(CHUNK));
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    expect(whole.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(whole.headers.get('access-control-allow-origin')).toBe('*');
    const rest = await fetch(resolveUrl(CHUNK), { headers: { Range: 'bytes=1000-' } });
    expect(rest.status).toBe(206);
    expect(rest.headers.get('content-range')).toBe(`bytes 1000-${bytes.length - 1}/${bytes.length}`);
    expect(Buffer.from(await rest.arrayBuffer()).equals(bytes.subarray(1000))).toBe(true);
    const cdn = mirror.cdnRequest(REPO, CHUNK);
    expect(mirror.requests.slice(before)).toEqual([
      `/${REPO}/resolve/${REVISION}/${CHUNK}`,
      cdn,
      `/${REPO}/resolve/${REVISION}/${CHUNK} [bytes=1000-]`,
      `${cdn} [bytes=1000-]`,
    ]);
  });

  it("fileDownloadInfo (the client's size probe) reads the size and the sha256 etag through the redirect", async () => {
    const bytes = bytesOf(CHUNK);
    const info = await fileDownloadInfo({ repo: REPO, path: CHUNK, revision: REVISION, hubUrl: mirror.url.replace(/\/$/, '') });
    expect(info?.size).toBe(bytes.length);
    expect(info?.etag).toBe(`"${sha256(bytes)}"`);
  });

  it('the CDN answers a Range preflight from an opaque origin (a cross-origin redirect makes it "null")', async () => {
    const location = String((await raw(resolveUrl(CHUNK))).headers.location);
    const preflight = await raw(location, {
      method: 'OPTIONS',
      headers: { origin: 'null', 'access-control-request-method': 'GET', 'access-control-request-headers': 'range' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/\brange\b/i);
    const get = await raw(location, { headers: { origin: 'null', range: 'bytes=0-0' } });
    expect(get.status).toBe(206);
    expect(String(get.headers['access-control-expose-headers'])).toMatch(/content-range/);
  });

  it('a fault set for the file hits the CDN, where the bytes are; the redirect itself is unharmed', async () => {
    const bytes = bytesOf(CHUNK);
    mirror.fault(CHUNK, 'corrupt');
    const got = Buffer.from(await (await fetch(resolveUrl(CHUNK))).arrayBuffer());
    expect(got.length).toBe(bytes.length);
    expect(got.equals(bytes)).toBe(false);
    expect(Buffer.from(await (await fetch(resolveUrl(CHUNK))).arrayBuffer()).equals(bytes)).toBe(true);
  });
});

describe('resolve/ for a JSON file', () => {
  it('is gzip-encoded when accepted: Content-Length is the compressed size, and HEAD says the same', async () => {
    const bytes = bytesOf('tokenizer.json');
    const get = await raw(resolveUrl('tokenizer.json'), { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(get.status).toBe(200);
    expect(get.headers['content-encoding']).toBe('gzip');
    expect(Number(get.headers['content-length'])).toBe(get.body.length);
    expect(get.body.length).toBeLessThan(bytes.length);
    expect(zlib.gunzipSync(get.body).equals(bytes)).toBe(true);
    const head = await raw(resolveUrl('tokenizer.json'), { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.body.length).toBe(0);
  });

  it('is sent as it is without Accept-Encoding, for a range, and below the 1,000 bytes CloudFront compresses', async () => {
    const tokenizer = bytesOf('tokenizer.json');
    const plain = await raw(resolveUrl('tokenizer.json'));
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(tokenizer)).toBe(true);
    const range = await raw(resolveUrl('tokenizer.json'), { headers: { 'accept-encoding': 'gzip', range: 'bytes=0-0' } });
    expect(range.status).toBe(206);
    expect(range.headers['content-range']).toBe(`bytes 0-0/${tokenizer.length}`);
    const config = bytesOf('config.json');
    expect(config.length).toBeLessThan(1000);
    const small = await raw(resolveUrl('config.json'), { headers: { 'accept-encoding': 'gzip' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.body.equals(config)).toBe(true);
    expect(small.headers['etag']).toBe(`"${gitOid(config)}"`);
  });
});

describe('options for tests that need the old behaviour', () => {
  it('redirectLfs: false serves weights from the hub itself; gzip: false sends JSON as it is', async () => {
    const plain = await startHubMirror({ [REPO]: { dir: DIR, revision: REVISION } }, { redirectLfs: false, gzip: false });
    try {
      const weights = await raw(`${plain.url}${REPO}/resolve/${REVISION}/${CHUNK}`);
      expect(weights.status).toBe(200);
      expect(weights.body.equals(bytesOf(CHUNK))).toBe(true);
      const json = await raw(`${plain.url}${REPO}/resolve/${REVISION}/tokenizer.json`, { headers: { 'accept-encoding': 'gzip' } });
      expect(json.headers['content-encoding']).toBeUndefined();
      expect(plain.requests.some((r) => r.startsWith('cdn:'))).toBe(false);
    } finally {
      await plain.close();
    }
  });
});
