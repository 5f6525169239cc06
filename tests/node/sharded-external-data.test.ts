/**
 * Sharded external data (onnx/model_q4f16.onnx plus model_q4f16.onnx_data, _data_1, _data_2, the
 * layout of onnx-community/gpt-oss-20b-ONNX) through the app's ModelRunner on onnxruntime-node, as
 * the gateway runs it. The fixture (tests/fixtures/hub/sharded-pocket-chat-1m, written by
 * tools/models/shard_external_data.py) holds pocket-chat-1m's fp32 weights under the q4f16 name, so
 * every greedy answer must equal pocket-chat-1m's fp32 golden from PyTorch.
 *
 * From the hub (the local mirror of tests/support/hub-mirror.ts), with a config.json that does not
 * state the chunk count: the count must come from the catalog entry's files, or transformers.js
 * fetches no chunk and ONNX Runtime cannot find the weights, which the last case shows.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toModelRef } from '../../src/catalog/catalog';
import type { GenerationEvent, ModelRef } from '../../src/engine/engine-types';
import { ModelLoadError } from '../../src/engine/errors';
import { ModelRunner } from '../../src/engine/worker/model-runner';
import { StopFlag } from '../../src/engine/worker/stop-flag';
import { fetchHubModel } from '../../src/hub/hub-client';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';
import { startHubMirror, type HubMirror } from '../support/hub-mirror';
import { HUB_FIXTURES, readGolden } from '../support/paths';

const FIXTURE = path.join(HUB_FIXTURES, 'sharded-pocket-chat-1m');
const CHUNKS = ['onnx/model_q4f16.onnx_data', 'onnx/model_q4f16.onnx_data_1', 'onnx/model_q4f16.onnx_data_2'];
const REVISION = 'feedfacefeedfacefeedfacefeedfacefeedface';
const REPO = 'test-org/sharded-pocket-chat-1m';
/** The same repository under another id, so the case that must fail has a cache of its own. */
const REPO_UNLISTED = 'test-org/sharded-chunks-unlisted';
const golden = readGolden('pocket-chat-1m');

/** A file of the fixture as the catalog lists it: path, size and SHA-256 from the bytes. */
function listed(dir: string, rel: string): { path: string; bytes: number; sha256: string } {
  const bytes = fs.readFileSync(path.join(dir, rel));
  return { path: rel, bytes: bytes.length, sha256: crypto.createHash('sha256').update(bytes).digest('hex') };
}

function newRunner(): ModelRunner {
  return new ModelRunner(
    { now: () => performance.timeOrigin + performance.now(), executionDevice: () => 'cpu', describe: () => 'CPU · onnxruntime-node' },
    new StopFlag(),
  );
}

/** The runner's greedy answer to each golden prompt: its text and how many tokens it took. */
async function answers(runner: ModelRunner): Promise<{ text: string; tokens: number }[]> {
  const out: { text: string; tokens: number }[] = [];
  for (const c of golden.cases) {
    const events: GenerationEvent[] = [];
    await runner.generate(out.length + 1, c.messages, { ...DEFAULT_PARAMS, maxNewTokens: golden.max_new_tokens }, (e) => events.push(e));
    const end = events.find((e) => e.type === 'end');
    out.push({
      text: events.map((e) => (e.type === 'token' ? e.text : '')).join(''),
      tokens: end?.type === 'end' ? end.trace.tokenTimes.length : -1,
    });
  }
  return out;
}

const fp32Golden = golden.cases.map((c) => ({ text: c.texts['fp32'], tokens: c.output_ids['fp32']!.length }));

describe('a local folder with sharded external data', () => {
  it('loads all three chunks and answers every golden prompt exactly as pocket-chat-1m fp32', async () => {
    const ref: ModelRef = {
      id: 'sharded-pocket-chat-1m',
      location: FIXTURE,
      dtype: 'q4f16',
      device: 'wasm',
      contextLength: 512,
      files: ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_q4f16.onnx', ...CHUNKS].map(
        (rel) => listed(FIXTURE, rel),
      ),
    };
    const runner = newRunner();
    await runner.load(ref, () => undefined);
    try {
      expect(await answers(runner)).toEqual(fp32Golden);
    } finally {
      await runner.unload();
    }
  });
});

describe('from the hub, with a config.json that does not state the chunk count', () => {
  let mirror: HubMirror;
  let repoDir: string;
  let hubCache: string;

  beforeAll(async () => {
    repoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sharded-repo-'));
    fs.cpSync(FIXTURE, repoDir, { recursive: true });
    const config = JSON.parse(fs.readFileSync(path.join(repoDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config['transformers.js_config']).toEqual({ use_external_data_format: { 'model_q4f16.onnx': 3 } });
    delete config['transformers.js_config'];
    fs.writeFileSync(path.join(repoDir, 'config.json'), JSON.stringify(config, null, 2));
    // In Node transformers.js hands ONNX Runtime downloaded files from its cache folder.
    hubCache = fs.mkdtempSync(path.join(os.tmpdir(), 'sharded-cache-'));
    env.cacheDir = hubCache;
    mirror = await startHubMirror({
      [REPO]: { dir: repoDir, revision: REVISION },
      [REPO_UNLISTED]: { dir: repoDir, revision: REVISION },
    });
  });
  afterAll(async () => {
    await mirror.close();
    fs.rmSync(repoDir, { recursive: true, force: true });
    fs.rmSync(hubCache, { recursive: true, force: true });
  });

  it('the entry read from the hub lists the chunks; the runner fetches each from the CDN and answers as fp32', async () => {
    const model = await fetchHubModel({ hubUrl: mirror.url, repo: REPO });
    const q4f16 = model.variants.find((v) => v.dtype === 'q4f16');
    expect(q4f16?.files).toEqual(['onnx/model_q4f16.onnx', ...CHUNKS].map((rel) => listed(repoDir, rel)));
    const runner = newRunner();
    await runner.load(toModelRef(model, { device: 'wasm', dtype: 'q4f16' }, 'http://unused.invalid/', mirror.url), () => undefined);
    try {
      for (const chunk of CHUNKS) expect(mirror.requests).toContain(mirror.cdnRequest(REPO, chunk));
      expect(await answers(runner)).toEqual(fp32Golden);
    } finally {
      await runner.unload();
    }
  });

  it('without the chunks in the entry nothing fetches them, and the load fails naming the missing file', async () => {
    const model = await fetchHubModel({ hubUrl: mirror.url, repo: REPO_UNLISTED });
    const ref = toModelRef(model, { device: 'wasm', dtype: 'q4f16' }, 'http://unused.invalid/', mirror.url);
    const unlisted = { ...ref, files: ref.files!.filter((f) => !CHUNKS.includes(f.path)) };
    const error = await newRunner()
      .load(unlisted, () => undefined)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(String(error)).toMatch(/model_q4f16\.onnx_data/);
    expect(mirror.requests.filter((r) => r.includes(`/${REPO_UNLISTED}/`) && r.includes('.onnx_data'))).toEqual([]);
  });
});
