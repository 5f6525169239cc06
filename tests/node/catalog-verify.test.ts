/**
 * `npm run catalog:verify` against the hub mirror (tests/support/hub-mirror.ts, a real HTTP server
 * on 127.0.0.1 laid out like huggingface.co; the real hub is out of reach here). The catalogs are
 * written by the test: hub entries for the bundled model's folder served as a repository, with the
 * sizes and SHA-256s tools/models/build.py recorded for it (independent of the code under test),
 * and copies of them made stale in the ways real entries were.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogModel } from '../../src/catalog/schema';
import { startHubMirror, type HubMirror } from '../support/hub-mirror';
import { PUBLIC_MODELS, ROOT, readCatalog } from '../support/paths';

const REVISION = '0123456789abcdef0123456789abcdef01234567';
const REPO = 'test-org/pocket-chat-1m';
let mirror: HubMirror;
let dir: string;

beforeAll(async () => {
  mirror = await startHubMirror({ [REPO]: { dir: path.join(PUBLIC_MODELS, 'pocket-chat-1m'), revision: REVISION } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-verify-'));
});
afterAll(async () => {
  await mirror.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The bundled model's entry as a hub entry of the mirror's repository. */
function hubEntry(id: string, revision = REVISION): CatalogModel {
  const bundled = readCatalog().models.find((m) => m.id === 'pocket-chat-1m')!;
  return { ...structuredClone(bundled), id, source: { kind: 'hub', repo: REPO, revision } };
}

function writeCatalog(name: string, models: CatalogModel[]): string {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ schemaVersion: 1, models }));
  return file;
}

function verify(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/catalog/catalog-verify.ts', ...args], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('catalog:verify', () => {
  it('passes a catalog whose hub entries match the hub, and prints the commit each revision points to', async () => {
    const file = writeCatalog('good', [hubEntry('by-commit'), hubEntry('by-branch', 'main')]);
    const { code, out } = await verify('--hub', mirror.url, '--catalog', file);
    expect(out).toMatch(/by-commit\s+test-org\/pocket-chat-1m@0123456789ab\s+0123456789ab\s+\d+\s+ok/);
    expect(out).toMatch(/by-branch\s+test-org\/pocket-chat-1m@main\s+0123456789ab\s+\d+\s+ok/);
    expect(out).toContain('All 2 hub entries match the hub.');
    expect(code).toBe(0);
  });

  it('fails on a stale entry, naming it and each stale value; the good entry stays ok', async () => {
    const stale = hubEntry('stale-entry');
    stale.files.find((f) => f.path === 'config.json')!.bytes += 116;
    const q4 = stale.variants.find((v) => v.dtype === 'q4')!;
    q4.files[0]!.sha256 = 'e'.repeat(64);
    stale.variants.push({ dtype: 'q4f16', files: [{ path: 'onnx/model_q4f16.onnx', bytes: 1000 }] });
    const missing = hubEntry('missing-revision', 'ffffffffffffffffffffffffffffffffffffffff');
    const file = writeCatalog('stale', [hubEntry('good-entry'), stale, missing]);
    const { code, out } = await verify('--hub', mirror.url, '--catalog', file);
    expect(code).toBe(1);
    expect(out).toMatch(/good-entry\s.*\sok/);
    expect(out).toMatch(/stale-entry\s.*\s3 problems/);
    const configBytes = readCatalog()
      .models.find((m) => m.id === 'pocket-chat-1m')!
      .files.find((f) => f.path === 'config.json')!.bytes;
    expect(out).toContain(
      `config.json: the catalog says ${(configBytes + 116).toLocaleString('en-US')} bytes, the hub has ${configBytes.toLocaleString('en-US')} bytes.`,
    );
    expect(out).toContain("onnx/model_q4.onnx: the catalog's SHA-256 (eeeeeeeeeeee…) is not the hub's");
    expect(out).toContain('onnx/model_q4f16.onnx is not on the hub, so q4f16 is not offered.');
    expect(out).toMatch(/missing-revision:\n {2}- Repository test-org\/pocket-chat-1m was not found on .*@ffffffffffff/);
    expect(out).toContain('2 of 3 hub entries disagree with the hub or could not be checked.');
  });

  it('exits 2 on arguments it cannot use', async () => {
    expect((await verify('--hub', 'ftp://x')).code).toBe(2);
    expect((await verify('--frobnicate')).code).toBe(2);
    expect((await verify('--catalog', path.join(dir, 'nope.json'))).code).toBe(2);
  });
});
