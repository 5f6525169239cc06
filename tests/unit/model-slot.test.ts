/**
 * A model slot owns its load state: a load changes the slot (and the saved choice of model) and
 * nothing else, announces each step once, and only the latest load counts. Real owners and Router
 * around a scripted engine (app-fixtures.ts).
 */
import { describe, expect, it } from 'vitest';
import { ModelSlot } from '../../src/app/model-slot';
import type { RunChoice, RunChoiceStore } from '../../src/app/preferences';
import { modelFileUrls, toGatewayModelRef, toModelRef } from '../../src/catalog/catalog';
import { DeviceFaultError, WorkerCrashedError } from '../../src/engine/errors';
import { Router } from '../../src/engine/router';
import { BASE_URL, ScriptedEngine, capabilities, catalog, changed, countChanges, flush, testApp } from './app-fixtures';

const HUB_MODEL = 'qwen2.5-0.5b-instruct';

describe('model slot', () => {
  it('a load changes only the slot and the saved choice, once per step', async () => {
    const { app, engine, savedPreferences } = testApp();
    const counts = countChanges(app);
    const slot = app.models.primary;
    const loading = slot.selectModel('pocket-chat-3m');
    await flush();
    expect(slot.load).toEqual({ kind: 'loading', modelId: 'pocket-chat-3m', progress: null });
    expect(changed(counts)).toEqual({ slot: 1, settings: 1 });
    expect(savedPreferences.at(-1)?.modelId).toBe('pocket-chat-3m');

    engine.finish();
    const route = await loading;
    expect(route?.model.id).toBe('pocket-chat-3m');
    expect(slot.load).toEqual({ kind: 'ready', route });
    // loading, two progress steps, ready. The cache re-reads what the finished load stored.
    await flush();
    expect(changed(counts)).toEqual({ slot: 4, settings: 1, cache: 1 });
    expect(engine.loads[0]!.ref.device).toBe('wasm');
  });

  it('drops what an older load reports once a newer one started, and aborts it', async () => {
    const { app, engine } = testApp();
    const slot = app.models.primary;
    const first = slot.selectModel('pocket-chat-1m');
    await flush();
    const second = slot.selectModel('pocket-chat-3m');
    await flush();
    expect(engine.loads).toHaveLength(2);
    expect(engine.loads[0]!.options.signal?.aborted).toBe(true);
    expect(await first).toBeNull();
    const counts = countChanges(app);
    // A late progress event of the first load must not show.
    engine.loads[0]!.options.onProgress?.({ phase: 'compile', message: 'old' });
    expect(counts['slot']).toBe(0);
    engine.finish(1);
    expect((await second)?.model.id).toBe('pocket-chat-3m');
    expect(slot.load.kind).toBe('ready');
  });

  it('waits for a yes before a hub model downloads, and loads it from the cache without one', async () => {
    const { app, engine, cached } = testApp();
    const slot = app.models.primary;
    expect(await slot.selectModel(HUB_MODEL)).toBeNull();
    expect(slot.load).toEqual({ kind: 'confirm', modelId: HUB_MODEL });
    expect(engine.loads).toHaveLength(0);

    const model = catalog.find((m) => m.id === HUB_MODEL)!;
    const dtype = model.variants.find((v) => !v.dtype.includes('16'))!.dtype;
    for (const url of modelFileUrls(model, dtype, BASE_URL, app.settings.preferences.hubUrl)) cached.add(url);
    expect(await slot.isDownloaded(model)).toBe(true);
    const loading = slot.selectModel(HUB_MODEL);
    await flush();
    expect(engine.loads).toHaveLength(1);
    engine.finish();
    expect((await loading)?.model.id).toBe(HUB_MODEL);
  });

  it('cancelling a hub download goes back to the question and says what is kept', async () => {
    const { app, engine } = testApp();
    const slot = app.models.primary;
    void slot.selectModel(HUB_MODEL, { download: true });
    await flush();
    slot.cancelLoad();
    expect(engine.loads[0]!.options.signal?.aborted).toBe(true);
    expect(slot.load).toEqual({ kind: 'confirm', modelId: HUB_MODEL });
    expect(slot.pending).toBeNull();
    expect(app.notices.list.map((n) => n.text)).toEqual([expect.stringMatching(/^Stopped loading Qwen2\.5.*stay cached/)]);
  });

  it("downloads a hub model as the hub lists it: the hub's sizes, every chunk, the commit; and says where the catalog differed", async () => {
    const { app, engine, hub } = testApp();
    const slot = app.models.primary;
    const model = catalog.find((m) => m.id === HUB_MODEL)!;
    const source = model.source as { repo: string; revision: string };
    const commit = 'f00d'.repeat(10);
    const q4 = model.variants.find((v) => v.dtype === 'q4')!;
    hub.listings.set(source.repo, {
      repo: source.repo,
      revision: source.revision,
      sha: commit,
      files: [
        ...model.files.map((f) => ({ type: 'file', path: f.path, size: f.path === 'config.json' ? f.bytes + 116 : f.bytes })),
        { type: 'file', path: q4.files[0]!.path, size: 700_000_000, lfs: { oid: 'a'.repeat(64), size: 700_000_000 } },
        { type: 'file', path: `${q4.files[0]!.path}_data`, size: 90_000_000, lfs: { oid: 'b'.repeat(64), size: 90_000_000 } },
      ],
    });
    app.settings.setRun({ device: 'wasm', dtype: 'q4' });
    const loading = slot.selectModel(HUB_MODEL, { download: true });
    await flush();
    expect(hub.reads).toEqual([`${source.repo}@${source.revision}`]);
    expect(engine.loads).toHaveLength(1);
    const ref = engine.loads[0]!.ref;
    expect(ref.hub).toEqual({ repo: source.repo, revision: commit });
    expect(ref.files?.filter((f) => f.path.startsWith('onnx/'))).toEqual([
      { path: 'onnx/model_q4.onnx', bytes: 700_000_000, sha256: 'a'.repeat(64) },
      { path: 'onnx/model_q4.onnx_data', bytes: 90_000_000, sha256: 'b'.repeat(64) },
    ]);
    engine.finish();
    await loading;
    const warning = app.notices.list.map((n) => n.text).find((t) => t.startsWith("The hub's files of"));
    expect(warning).toMatch(/config\.json: the catalog says .* bytes, the hub has .* bytes\./);
    expect(warning).toMatch(/the hub keeps its weights in 1 external data file, the catalog lists 0/);
    // The catalog now lists the model as the hub has it, so the cache and the fit check agree.
    expect(app.catalog.byId(HUB_MODEL)?.source).toEqual({ kind: 'hub', repo: source.repo, revision: commit });
    // The listing is kept: the next load asks the hub nothing.
    const again = slot.selectModel(HUB_MODEL, { download: true });
    await flush();
    engine.finish();
    await again;
    expect(hub.reads).toHaveLength(1);
  });

  it('a hub that cannot be read fails a download in words, but never a model whose files are stored', async () => {
    const { app, engine, hub, cached } = testApp();
    const slot = app.models.primary;
    const model = catalog.find((m) => m.id === HUB_MODEL)!;
    const source = model.source as { repo: string };
    hub.listings.set(source.repo, { repo: source.repo, revision: 'x', sha: 'x', files: [] });
    await slot.selectModel(HUB_MODEL, { download: true });
    expect(slot.load).toEqual({
      kind: 'error',
      modelId: HUB_MODEL,
      message: expect.stringMatching(/cannot be downloaded from .*tokenizer\.json is missing/) as unknown,
    });
    expect(engine.loads).toHaveLength(0);

    const dtype = model.variants.find((v) => !v.dtype.includes('16'))!.dtype;
    for (const url of modelFileUrls(model, dtype, BASE_URL, app.settings.preferences.hubUrl)) cached.add(url);
    const loading = slot.selectModel(HUB_MODEL);
    await flush();
    expect(engine.loads).toHaveLength(1);
    engine.finish();
    expect((await loading)?.model.id).toBe(HUB_MODEL);
  });

  it('a held engine refuses a new model with a notice, and the hold stops the running answer first', async () => {
    const { app, engine } = testApp();
    const slot = app.models.primary;
    void slot.selectModel('pocket-chat-1m');
    await flush();
    engine.finish();
    await slot.pending;
    let release = (): void => undefined;
    engine.onToken = (i) => {
      if (i === 0) release = slot.hold.take('A benchmark is running');
    };
    await app.generation.send('What is 2 plus 3?');
    const answer = app.chats.current.turns.at(-1)!;
    expect(answer.content).toBe('2 plus 3 ');
    expect(answer.meta?.stopReason).toBe('aborted');
    expect(slot.hold.heldBy).toBe('A benchmark is running');

    expect(await slot.selectModel('pocket-chat-3m')).toBeNull();
    expect(engine.loads).toHaveLength(1);
    await app.generation.send('Again?');
    expect(app.chats.current.turns).toHaveLength(2);
    expect(app.notices.list.map((n) => n.text)).toEqual([
      'A benchmark is running. Wait for it to finish or cancel it in the Benchmark tab.',
      'A benchmark is running. Wait for it to finish or cancel it in the Benchmark tab.',
    ]);
    release();
    release();
    expect(slot.hold.heldBy).toBeNull();
  });

  it('after a device fault offers the ways on; after a crashed worker loads the model again', async () => {
    const { app, engine } = testApp();
    const slot = app.models.primary;
    void slot.selectModel('pocket-chat-1m');
    await flush();
    engine.finish();
    const route = (await slot.pending)!;
    slot.afterEngineFault(new DeviceFaultError('The GPU device was lost.'), route);
    expect(slot.load).toMatchObject({ kind: 'error', modelId: 'pocket-chat-1m', message: 'The GPU device was lost.' });

    void slot.selectModel('pocket-chat-1m');
    await flush();
    engine.finish();
    const again = (await slot.pending)!;
    slot.afterEngineFault(new WorkerCrashedError('The worker stopped answering.'), again);
    await flush();
    expect(slot.load.kind).toBe('loading');
    expect(engine.loads).toHaveLength(3);
  });

  it('a removed model leaves the slot on a bundled one', () => {
    const { app } = testApp({ preferences: { modelId: 'gone' } });
    expect(app.models.primary.selected?.id).toBe(catalog.find((m) => m.source.kind === 'bundled')!.id);
  });
});

describe('two slots', () => {
  it('hold two models at once on two engines, each with its own load state and hold', async () => {
    const { app, engine } = testApp();
    // What main.ts would build for a second slot: an engine and a router of its own, and a run
    // choice kept apart from the saved one (here in memory).
    const draftEngine = new ScriptedEngine();
    const router = new Router({
      browser: draftEngine,
      gateway: null,
      capabilities,
      toModelRef: (m, plan) => toModelRef(m, plan, BASE_URL),
      toGatewayRef: toGatewayModelRef,
    });
    let run: RunChoice = { modelId: null, device: 'wasm', dtype: 'auto' };
    const choice: RunChoiceStore = {
      get run() {
        return run;
      },
      setRun: (change) => (run = { ...run, ...change }),
    };
    const draft = new ModelSlot({
      router,
      choice,
      catalog: app.catalog,
      settings: app.settings,
      gateway: app.gateway,
      measurements: app.measurements,
      notices: app.notices,
      capabilities,
      cachedUrls: () => Promise.resolve(new Set()),
      baseUrl: BASE_URL,
    });
    const primary = app.models.primary;
    const primaryChanges = countChanges(app);

    const big = primary.selectModel('pocket-chat-3m');
    const small = draft.selectModel('pocket-chat-1m');
    await flush();
    draftEngine.finish();
    expect((await small)?.model.id).toBe('pocket-chat-1m');
    expect(primary.load.kind).toBe('loading');
    engine.finish();
    expect((await big)?.model.id).toBe('pocket-chat-3m');
    expect([primary.load.kind, draft.load.kind]).toEqual(['ready', 'ready']);
    expect([primary.selected?.id, draft.selected?.id]).toEqual(['pocket-chat-3m', 'pocket-chat-1m']);
    expect(app.settings.run.modelId).toBe('pocket-chat-3m');
    // The draft slot's load announced nothing on the primary slot.
    expect(primaryChanges['slot']).toBe(4);

    // A hold on the primary engine leaves the draft slot free.
    const release = primary.hold.take('A benchmark is running');
    const next = draft.selectModel('pocket-chat-3m');
    await flush();
    draftEngine.finish();
    expect((await next)?.model.id).toBe('pocket-chat-3m');
    expect(await primary.selectModel('pocket-chat-1m')).toBeNull();
    expect(app.notices.list).toHaveLength(1);
    release();
  });
});
