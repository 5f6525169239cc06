/**
 * Foundry Local's management surface, both generations: status, catalog, cached and loaded lists,
 * load and unload; and chat requests following the load state.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../gateway/server';
import { PUBLIC_MODELS, bundledModels } from '../support/paths';
import { MODEL, MODEL_ID, errorOf, openai, raw, useGateway } from './support';

const gw = useGateway();
const served = bundledModels().filter((m) => m.variants.some((v) => v.dtype === 'q4'));
const ids = served.map((m) => `${m.id}-generic-cpu:1`);
const get = (p: string) => raw(gw.url, p);
const list = async (p: string): Promise<string[]> => (await get(p)).json() as string[];

describe('status', () => {
  it('older service: GET /openai/status', async () => {
    const res = await get('/openai/status');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ Endpoints: [gw.url], ModelDirPath: PUBLIC_MODELS, PipeName: 'inference_agent' });
  });

  it("newer server: GET /status, with the process's resident memory", async () => {
    const body = (await get('/status')).json() as Record<string, unknown>;
    // The gateway runs in this process here: its RSS is this process's, read just after.
    const rss = process.memoryUsage.rss();
    const { rssBytes, ...foundry } = body;
    expect(foundry).toEqual({ modelCachePath: PUBLIC_MODELS, endpoints: [gw.url], pid: process.pid });
    expect(Number.isInteger(rssBytes)).toBe(true);
    // Not heapUsed or a size in another unit: within a quarter of the RSS a moment later.
    expect(Math.abs((rssBytes as number) - rss) / rss).toBeLessThan(0.25);
  });
});

describe('catalog', () => {
  it('GET /v1/models lists every bundled model under its Foundry-style id', async () => {
    const body = (await get('/v1/models')).json() as {
      object: string;
      data: { id: string; object: string; created: number; owned_by: string }[];
    };
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toEqual(ids);
    for (const m of body.data) {
      expect(m.object).toBe('model');
      expect(Number.isInteger(m.created) && m.created > 1_600_000_000).toBe(true);
      expect(typeof m.owned_by).toBe('string');
    }
    expect(ids).toContain(MODEL_ID);
  });

  it('GET /foundry/list describes each model like Foundry, with the real chat format', async () => {
    const entries = (await get('/foundry/list')).json() as Record<string, unknown>[];
    expect(entries.map((e) => e['name'])).toEqual(ids);
    env.localModelPath = `${PUBLIC_MODELS}/`;
    for (const [i, model] of served.entries()) {
      const entry = entries[i]!;
      expect(entry).toMatchObject({
        alias: model.id,
        version: '1',
        runtime: { deviceType: 'CPU', executionProvider: 'CPUExecutionProvider' },
        task: 'chat-completion',
        supportsToolCalling: false,
        license: model.license,
        maxOutputTokens: model.contextLength,
      });
      const variant = model.variants.find((v) => v.dtype === 'q4')!;
      const bytes = [...model.files, ...variant.files].reduce((s, f) => s + f.bytes, 0);
      expect(entry['fileSizeMb']).toBeCloseTo(bytes / 1024 / 1024, 2);
      // The template must render exactly like the model's own chat template.
      const tokenizer = await AutoTokenizer.from_pretrained(model.id, { local_files_only: true });
      const render = (role: 'system' | 'user' | 'assistant', generation = false): string =>
        tokenizer.apply_chat_template<false, false, false>([{ role, content: '{Content}' }], {
          tokenize: false,
          add_generation_prompt: generation,
        });
      expect(entry['promptTemplate']).toEqual({
        system: render('system'),
        user: render('user'),
        assistant: render('assistant'),
        prompt: render('user', true),
      });
    }
  });

  it('GET /openai/models lists the cached (built) models', async () => {
    expect(await list('/openai/models')).toEqual(ids);
  });
});

describe('load and unload', () => {
  const chat = () =>
    openai(gw.url).chat.completions.create({ model: MODEL_ID, messages: [{ role: 'user', content: 'Hello' }], max_completion_tokens: 3 });

  it('walks both generations through load, chat, unload', async () => {
    expect(await list('/openai/loadedmodels')).toEqual([]);
    expect(await list('/models/loaded')).toEqual([]);
    await expect(chat()).rejects.toBeInstanceOf(OpenAI.BadRequestError);

    // Older service: 200 with an empty body; ttl and ep=cpu are accepted.
    const load = await get(`/openai/load/${MODEL_ID}?ttl=600&ep=cpu`);
    expect(load.status).toBe(200);
    expect(load.text).toBe('');
    expect(await list('/openai/loadedmodels')).toEqual([MODEL_ID]);
    expect(await list('/models/loaded')).toEqual([MODEL_ID]);
    expect((await chat()).choices[0]!.finish_reason).toBe('length');

    expect((await get(`/models/load/${MODEL_ID}`)).json()).toEqual({ status: 'already_loaded' });
    expect((await get(`/models/unload/${MODEL_ID}`)).json()).toEqual({ status: 'unloaded' });
    expect((await get(`/models/unload/${MODEL_ID}`)).json()).toEqual({ status: 'not_loaded' });
    expect(await list('/openai/loadedmodels')).toEqual([]);
    await expect(chat()).rejects.toThrow(/Model not loaded/);

    // Newer server, with the id percent-encoded as a careful client sends it.
    expect((await get(`/models/load/${encodeURIComponent(MODEL_ID)}`)).json()).toEqual({ status: 'loaded' });
    expect((await chat()).usage?.completion_tokens).toBe(3);
    const unload = await get(`/openai/unload/${MODEL_ID}?force=true`);
    expect(unload.status).toBe(200);
    expect(unload.text).toBe('');
    expect(await list('/models/loaded')).toEqual([]);

    await get(`/models/load/${MODEL_ID}`);
    const all = await get('/openai/unloadall');
    expect(all.status).toBe(200);
    expect(await list('/openai/loadedmodels')).toEqual([]);
  });

  it('concurrent loads of one model load it once', async () => {
    const answers = await Promise.all([get(`/models/load/${MODEL_ID}`), get(`/models/load/${MODEL_ID}`), get(`/openai/load/${MODEL_ID}`)]);
    const statuses = answers.slice(0, 2).map((a) => (a.json() as { status: string }).status);
    expect(statuses.sort()).toEqual(['already_loaded', 'loaded']);
    expect(answers[2].status).toBe(200);
    expect(await list('/models/loaded')).toEqual([MODEL_ID]);
    await get('/openai/unloadall');
  });

  it.each([
    ['/models/load/no-such-model', 404, /No model matching 'no-such-model'/],
    [`/models/load/${MODEL}`, 404, new RegExp(`use the model id '${MODEL_ID}'`)],
    ['/models/unload/no-such-model', 404, /No model matching/],
    ['/openai/load/no-such-model', 404, /No model matching/],
    [`/openai/load/${MODEL_ID}?ep=cuda`, 400, /CPU only/],
    [`/openai/load/${MODEL_ID}?ttl=soon`, 400, /'ttl'/],
    [`/openai/unload/${MODEL_ID}?force=maybe`, 400, /'force'/],
  ])('GET %s is a %i', async (p, status, message) => {
    const res = await get(p);
    expect(res.status).toBe(status);
    expect(errorOf(res).message).toMatch(message);
  });
});

describe('a model whose files are missing or damaged', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-models-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is listed but not cached (400 "Model not cached"), and a damaged file fails the load by name', async () => {
    fs.mkdirSync(path.join(dir, 'models'));
    fs.copyFileSync(path.join(PUBLIC_MODELS, 'models.json'), path.join(dir, 'models', 'models.json'));
    const folder = path.join(dir, 'models', MODEL);
    fs.cpSync(path.join(PUBLIC_MODELS, MODEL), folder, { recursive: true, filter: (src) => !src.endsWith('.onnx') });
    const gateway = await startGateway({ port: 0, publicDir: dir });
    try {
      expect(((await raw(gateway.url, '/v1/models')).json() as { data: { id: string }[] }).data.map((m) => m.id)).toContain(MODEL_ID);
      expect((await raw(gateway.url, '/openai/models')).json()).not.toContain(MODEL_ID);
      const notCached = await raw(gateway.url, `/models/load/${MODEL_ID}`);
      expect(notCached.status).toBe(400);
      expect(errorOf(notCached).message).toMatch(/^Model not cached/);

      // Same size, different bytes: only the hash can tell.
      fs.cpSync(path.join(PUBLIC_MODELS, MODEL, 'onnx'), path.join(folder, 'onnx'), { recursive: true });
      const config = path.join(folder, 'config.json');
      fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('"llama"', '"LLAMA"'));
      expect((await raw(gateway.url, '/openai/models')).json()).toContain(MODEL_ID);
      const damaged = await raw(gateway.url, `/models/load/${MODEL_ID}`);
      expect(damaged.status).toBe(500);
      expect(errorOf(damaged).message).toMatch(/config\.json of pocket-chat-1m does not match its SHA-256/);
    } finally {
      await gateway.close();
    }
  });
});
