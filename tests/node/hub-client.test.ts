/**
 * "Bring your own model" from a hub: the client reads a real HTTP server on 127.0.0.1 laid out
 * like huggingface.co (tests/support/hub-mirror.ts) that serves the bundled models' folders. The
 * entry it builds must describe the files exactly as tools/models/build.py catalogued them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHubModel, normalizeRepoId } from '../../src/hub/hub-client';
import { HubRepoError } from '../../src/hub/hub-repo';
import { startHubMirror, type HubMirror } from '../support/hub-mirror';
import { PUBLIC_MODELS, readCatalog } from '../support/paths';

const REVISION = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
let mirror: HubMirror;
let notChat: string;

beforeAll(async () => {
  // A repository that is not a chat model: an encoder config and no chat template.
  notChat = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bert-'));
  fs.mkdirSync(path.join(notChat, 'onnx'));
  fs.writeFileSync(path.join(notChat, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 8 }));
  fs.writeFileSync(path.join(notChat, 'tokenizer.json'), '{}');
  fs.writeFileSync(path.join(notChat, 'tokenizer_config.json'), '{}');
  fs.writeFileSync(path.join(notChat, 'onnx', 'model.onnx'), 'not really onnx');
  mirror = await startHubMirror({
    'test-org/pocket-chat-1m': { dir: path.join(PUBLIC_MODELS, 'pocket-chat-1m'), revision: REVISION },
    'test-org/tiny-bert': { dir: notChat, revision: REVISION },
  });
});
afterAll(async () => {
  await mirror.close();
  fs.rmSync(notChat, { recursive: true, force: true });
});

describe('fetchHubModel', () => {
  it('pins the default branch to its commit and lists every file with the size and SHA-256 the catalog has', async () => {
    const model = await fetchHubModel({ hubUrl: mirror.url, repo: 'test-org/pocket-chat-1m' });
    const bundled = readCatalog().models.find((m) => m.id === 'pocket-chat-1m')!;
    expect(model.source).toEqual({ kind: 'hub', repo: 'test-org/pocket-chat-1m', revision: REVISION });
    expect(model.id).toBe('hub-test-org-pocket-chat-1m');
    expect(model.architecture).toBe('llama');
    expect(model.contextLength).toBe(bundled.contextLength);
    expect(model.license).toBe('mit');
    expect(model.tasks).toEqual(['chat']);
    // Small files are plain git objects on the hub: their listing has a git oid, not a SHA-256.
    expect(model.files).toEqual(bundled.files.map(({ path, bytes }) => ({ path, bytes })));
    expect(model.variants).toEqual(expect.arrayContaining(bundled.variants));
    expect(model.variants).toHaveLength(bundled.variants.length);
    // The estimate from config.json shapes lands within 5% of the count PyTorch reported.
    expect(Math.abs(model.parameters! - bundled.parameters!) / bundled.parameters!).toBeLessThan(0.05);
  });

  it('accepts a pasted hub URL and an explicit revision', async () => {
    const model = await fetchHubModel({ hubUrl: mirror.url, repo: `${mirror.url}test-org/pocket-chat-1m/tree/main`, revision: REVISION });
    expect(model.source).toEqual({ kind: 'hub', repo: 'test-org/pocket-chat-1m', revision: REVISION });
  });

  it('says what is wrong: unknown repository, unknown revision, not a chat model, bad id, no hub', async () => {
    await expect(fetchHubModel({ hubUrl: mirror.url, repo: 'test-org/nope' })).rejects.toThrow(/Repository test-org\/nope was not found/);
    await expect(fetchHubModel({ hubUrl: mirror.url, repo: 'test-org/pocket-chat-1m', revision: 'v9' })).rejects.toThrow(
      /not found.*pocket-chat-1m@v9/,
    );
    const error = await fetchHubModel({ hubUrl: mirror.url, repo: 'test-org/tiny-bert' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubRepoError);
    expect(String(error)).toMatch(/model_type "bert" is not a text-generation architecture/);
    expect(String(error)).toMatch(/no chat_template/);
    expect(() => normalizeRepoId('just-a-name')).toThrow(/should look like "owner\/name"/);
    await expect(fetchHubModel({ hubUrl: 'http://127.0.0.1:9/', repo: 'a/b' })).rejects.toThrow(
      /Could not reach the hub at http:\/\/127\.0\.0\.1:9\//,
    );
  });
});
