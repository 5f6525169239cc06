/**
 * Two ModelRunners loading at once in one process (as the gateway does for two models) each get
 * their own file settings: transformers.js keeps some of them (local or hub files, which hub, a
 * model folder) in one process-wide `env`, and a runner that set them per load let the second
 * load change them under the first. Real runners on onnxruntime-node, real files, and for the hub
 * the local mirror of tests/support/hub-mirror.ts; each model must then give its golden answer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dtype } from '../../src/catalog/schema';
import type { GenerationEvent, ModelRef } from '../../src/engine/engine-types';
import { ModelRunner } from '../../src/engine/worker/model-runner';
import { StopFlag } from '../../src/engine/worker/stop-flag';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';
import { startHubMirror, type HubMirror } from '../support/hub-mirror';
import { PUBLIC_MODELS, bundledModels, readGolden } from '../support/paths';

const REVISION = '0123456789abcdef0123456789abcdef01234567';
const HUB_REPO = 'test-org/pocket-chat-3m';
let mirror: HubMirror;
let elsewhere: string;
let hubCache: string;

/** The catalog's ModelRef for a bundled model, from `location`, or from the mirror for `hub`. */
function refFor(modelId: string, dtype: Dtype, from: { folder: string } | { hub: string }): ModelRef {
  const model = bundledModels().find((m) => m.id === modelId)!;
  const files = [...model.files, ...model.variants.find((v) => v.dtype === dtype)!.files];
  const where = 'folder' in from ? { location: from.folder } : { location: from.hub, hub: { repo: HUB_REPO, revision: REVISION } };
  return { id: modelId, dtype, device: 'wasm', contextLength: model.contextLength!, files, ...where };
}

function newRunner(): ModelRunner {
  return new ModelRunner(
    { now: () => performance.timeOrigin + performance.now(), executionDevice: () => 'cpu', describe: () => 'CPU' },
    new StopFlag(),
  );
}

/** The runner's greedy answer to the model's first golden prompt. */
async function firstAnswer(runner: ModelRunner, modelId: string): Promise<string> {
  const golden = readGolden(modelId);
  const events: GenerationEvent[] = [];
  await runner.generate(1, golden.cases[0]!.messages, { ...DEFAULT_PARAMS, maxNewTokens: golden.max_new_tokens }, (e) => events.push(e));
  return events.map((e) => (e.type === 'token' ? e.text : '')).join('');
}

const golden = (modelId: string, dtype: Dtype): string => readGolden(modelId).cases[0]!.texts[dtype]!;

beforeAll(async () => {
  // Set once for this process: in Node, transformers.js hands ONNX Runtime a downloaded model as a
  // file of its cache, so hub downloads go to a cache folder of this test's own.
  hubCache = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-cache-'));
  env.cacheDir = hubCache;
  mirror = await startHubMirror({ [HUB_REPO]: { dir: path.join(PUBLIC_MODELS, 'pocket-chat-3m'), revision: REVISION } });
  // A second model folder that is not next to the bundled ones.
  elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'models-elsewhere-'));
  fs.cpSync(path.join(PUBLIC_MODELS, 'pocket-chat-1m'), path.join(elsewhere, 'pocket-chat-1m'), { recursive: true });
});
afterAll(async () => {
  await mirror.close();
  fs.rmSync(elsewhere, { recursive: true, force: true });
  fs.rmSync(hubCache, { recursive: true, force: true });
});

describe('two loads at once in one process', () => {
  it('a bundled folder (q4) and a hub repository (fp32): each loads its own files and gives its golden answer', async () => {
    const local = newRunner();
    const hub = newRunner();
    mirror.requests.length = 0;
    await Promise.all([
      local.load(refFor('pocket-chat-1m', 'q4', { folder: path.join(PUBLIC_MODELS, 'pocket-chat-1m') }), () => undefined),
      hub.load(refFor('pocket-chat-3m', 'fp32', { hub: mirror.url }), () => undefined),
    ]);
    expect(await firstAnswer(local, 'pocket-chat-1m')).toBe(golden('pocket-chat-1m', 'q4'));
    expect(await firstAnswer(hub, 'pocket-chat-3m')).toBe(golden('pocket-chat-3m', 'fp32'));
    // The folder's model never asked the hub for anything; the hub's came from the mirror: its
    // files from resolve/, its weights from the CDN the hub redirected to.
    expect(mirror.requests.length).toBeGreaterThan(0);
    const weights = mirror.cdnRequest(HUB_REPO, 'onnx/model.onnx');
    expect(mirror.requests.filter((r) => !r.startsWith(`/${HUB_REPO}/resolve/`) && !r.startsWith(weights))).toEqual([]);
    expect(mirror.requests).toContain(weights);
    await Promise.all([local.unload(), hub.unload()]);
  });

  it('two folders in different places (q8 and fp32): each reads from its own folder', async () => {
    const first = newRunner();
    const second = newRunner();
    await Promise.all([
      first.load(refFor('pocket-chat-3m', 'q8', { folder: path.join(PUBLIC_MODELS, 'pocket-chat-3m') }), () => undefined),
      second.load(refFor('pocket-chat-1m', 'fp32', { folder: path.join(elsewhere, 'pocket-chat-1m') }), () => undefined),
    ]);
    expect(await firstAnswer(first, 'pocket-chat-3m')).toBe(golden('pocket-chat-3m', 'q8'));
    expect(await firstAnswer(second, 'pocket-chat-1m')).toBe(golden('pocket-chat-1m', 'fp32'));
    await Promise.all([first.unload(), second.unload()]);
  });
});
