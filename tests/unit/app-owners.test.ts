/**
 * The smaller owners of app state and the root that builds them: each keeps its own state, says
 * so once per change, and leaves the others alone. Real owners (app-fixtures.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ProbeReport } from '../../src/engine/gateway/probe';
import { InvalidSettingsError } from '../../src/engine/errors';
import { changed, countChanges, flush, testApp } from './app-fixtures';

const connected = (ids: string[]): ProbeReport => ({
  ok: true,
  root: 'http://localhost:5273',
  viaProxy: false,
  info: { generation: 'openai', endpoints: [], models: ids.map((id) => ({ id, loaded: true })) },
  summary: 'Connected.',
  details: [],
});

describe('settings', () => {
  it('validates, saves and announces sampling settings; an invalid one changes nothing', () => {
    const { app, savedPreferences } = testApp();
    const counts = countChanges(app);
    app.settings.setParams({ ...app.settings.preferences.params, temperature: 0.5 });
    expect(app.settings.preferences.params.temperature).toBe(0.5);
    expect(savedPreferences.at(-1)?.params.temperature).toBe(0.5);
    expect(() => app.settings.setParams({ ...app.settings.preferences.params, topP: 7 })).toThrow(InvalidSettingsError);
    expect(() => app.settings.setHubUrl('ftp://mirror')).toThrow(/not an http\(s\) address/);
    expect(app.settings.preferences.params.topP).not.toBe(7);
    expect(savedPreferences).toHaveLength(1);
    expect(changed(counts)).toEqual({ settings: 1 });
  });
});

describe('gateway connection', () => {
  it('only the latest test counts, and a good one lists the models in the catalog', async () => {
    const { app, probes } = testApp();
    const counts = countChanges(app);
    const first = app.gateway.test();
    const second = app.gateway.test();
    expect(probes[0]!.signal.aborted).toBe(true);
    probes[1]!.report.resolve(connected(['my-model']));
    await second;
    probes[0]!.report.resolve({ ok: false, failure: 'refused', summary: 'Nothing is listening.' });
    await first;
    expect(app.gateway.probe).toMatchObject({ state: 'done', report: { ok: true } });
    expect(app.gateway.settings.connectedBefore).toBe(true);
    expect(app.catalog.byId('gateway-my-model')?.source).toEqual({ kind: 'gateway', alias: 'my-model' });
    // testing (twice), done; the catalog once.
    expect(changed(counts)).toEqual({ gateway: 3, catalog: 1 });
  });

  it('a new address forgets the last test and that it ever connected', async () => {
    const { app, probes } = testApp({ gateway: { connectedBefore: true } });
    const testing = app.gateway.test();
    probes[0]!.report.resolve(connected([]));
    await testing;
    app.gateway.update({ fallback: false });
    expect(app.gateway.probe.state).toBe('done');
    app.gateway.update({ baseUrl: 'http://localhost:9999' });
    expect(app.gateway.probe.state).toBe('idle');
    expect(app.gateway.settings).toMatchObject({ baseUrl: 'http://localhost:9999', connectedBefore: false, fallback: false });
  });
});

describe('model catalog', () => {
  it('adds and removes a user model without touching the slot; the slot then falls back', async () => {
    const { app, userModels } = testApp();
    const counts = countChanges(app);
    const added = await app.catalog.addGatewayModel(' phi-4-mini ');
    expect(added.id).toBe('gateway-phi-4-mini');
    expect(app.catalog.userModelIds.has(added.id)).toBe(true);
    expect(userModels.items.has(added.id)).toBe(true);
    expect(changed(counts)).toEqual({ catalog: 1 });

    app.settings.setRun({ modelId: added.id });
    expect(app.models.primary.selected?.id).toBe(added.id);
    await app.catalog.removeUserModel(added.id);
    expect(app.catalog.byId(added.id)).toBeUndefined();
    expect(app.models.primary.selected?.source.kind).toBe('bundled');
    await expect(app.catalog.addGatewayModel('  ')).rejects.toThrow(/Type the model id/);
    await expect(app.catalog.addUserModel(app.catalog.models[0]!)).rejects.toThrow(/already in the catalog/);
  });
});

describe('notices', () => {
  it('keeps notices in order until dismissed', () => {
    const { app } = testApp();
    app.notices.notify('info', 'one');
    app.notices.notify('error', 'two');
    app.notices.dismiss(app.notices.list[0]!.id);
    expect(app.notices.list.map((n) => [n.level, n.text])).toEqual([['error', 'two']]);
  });
});

describe('playground', () => {
  it('starts with the saved conversations, re-lists a gateway that connected before, then loads the model', async () => {
    const t = testApp({ gateway: { connectedBefore: true } });
    t.chats.saved.set('c1', {
      id: 'c1',
      title: 'Saved',
      systemPrompt: '',
      turns: [{ id: 't', role: 'user', content: 'hi', createdAt: 1 }],
      createdAt: 1,
      updatedAt: 1,
    });
    const starting = t.app.start();
    await flush();
    expect(t.app.chats.current.title).toBe('Saved');
    expect(t.probes).toHaveLength(1);
    expect(t.engine.loads).toHaveLength(0);
    t.probes[0]!.report.resolve(connected([]));
    await starting;
    await flush();
    expect(t.app.models.primary.load).toMatchObject({ kind: 'loading', modelId: 'pocket-chat-1m' });
  });
});

describe('benchmark session', () => {
  it('holds the chat off the engine while it runs, saves the run, then gives the chat its model back', async () => {
    const { app, engine } = testApp();
    engine.autoFinish = true;
    await app.models.primary.selectModel('pocket-chat-1m');
    const bench = app.bench;
    bench.setPlan({
      targets: [{ modelId: 'pocket-chat-3m', backend: 'wasm' }],
      rounds: 1,
      warmupRounds: 0,
      maxNewTokens: 4,
      prompts: bench.plan.prompts.slice(0, 1),
    });
    let heldDuring: string | null = null;
    engine.onToken = () => (heldDuring = app.models.primary.hold.heldBy);
    const run = await bench.run();
    expect(heldDuring).toBe('A benchmark is running');
    expect(run?.samples).toHaveLength(1);
    expect(bench.running).toBe(false);
    expect(bench.runs.map((r) => r.id)).toEqual([run?.id]);
    expect(app.models.primary.hold.heldBy).toBeNull();
    expect(engine.loads.map((l) => l.ref.id)).toEqual(['pocket-chat-1m', 'pocket-chat-3m', 'pocket-chat-1m']);
  });
});
