/**
 * The recommendation rule (src/bench/recommend.ts) on hand-built candidates and catalog entries:
 * who is left out and why, how the rest are ranked, and the reason given.
 */
import { describe, expect, it } from 'vitest';
import { recommend, type Candidate } from '../../src/bench/recommend';
import { parseModel, type CatalogModel, type Task } from '../../src/catalog/schema';

function model(id: string, tasks: Task[], minRamGb?: number): CatalogModel {
  return parseModel({
    id,
    name: id,
    source: { kind: 'gateway', alias: id },
    architecture: 'llama',
    parameters: null,
    contextLength: null,
    license: 'MIT',
    tasks,
    ...(minRamGb === undefined ? {} : { minRamGb }),
  });
}

const catalog = [model('small', ['chat'], 2), model('big', ['chat', 'code'], 16), model('coder', ['code']), model('mid', ['chat'], 4)];

function candidate(modelId: string, extra: Partial<Candidate> = {}): Candidate {
  const backend = extra.backend ?? 'wasm';
  return {
    key: `${modelId}|${backend}|q8`,
    label: `${modelId} · ${backend}`,
    modelId,
    backend,
    finished: true,
    quality: null,
    meanTotalMs: null,
    decodeP50: null,
    ...extra,
  };
}

const eightGb = { memoryGiB: 8 };

describe('recommend', () => {
  it('picks the best quality, in whole percent, and says by how much', () => {
    const r = recommend(
      'chat',
      [candidate('small', { quality: 0.75, meanTotalMs: 80 }), candidate('mid', { quality: 0.964, meanTotalMs: 120 })],
      catalog,
      eightGb,
    );
    expect(r.pick).toEqual({ key: 'mid|wasm|q8', label: 'mid · wasm' });
    expect(r.reason).toBe(
      'The best quality for chat (96%; 75% for small · wasm), answering in 120 ms on average against 80 ms. ' +
        'It needs 4 GB of memory; this device reports 8 GB.',
    );
    expect(r.excluded).toEqual([]);
  });

  it('treats qualities equal in whole percent as a tie, which the faster mean answer breaks', () => {
    // 0.962 and 0.958 both round to 96%: the 0.4-point lead is no lead; small answers faster.
    const r = recommend(
      'chat',
      [candidate('mid', { quality: 0.962, meanTotalMs: 120 }), candidate('small', { quality: 0.958, meanTotalMs: 80 })],
      catalog,
      eightGb,
    );
    expect(r.pick?.key).toBe('small|wasm|q8');
    expect(r.reason).toBe(
      'As good as mid · wasm for chat (both 96%), and faster: a mean answer of 80 ms against 120 ms for mid · wasm. ' +
        'It needs 2 GB of memory; this device reports 8 GB.',
    );
  });

  it('lets speed decide when nothing is scored, and a scored target rank above an unscored one', () => {
    const unscored = recommend(
      'chat',
      [candidate('small', { meanTotalMs: 300 }), candidate('mid', { meanTotalMs: 100, backend: 'gateway' })],
      catalog,
      { memoryGiB: 8 },
    );
    expect(unscored.pick?.key).toBe('mid|gateway|q8');
    expect(unscored.reason).toBe(
      'No prompt for chat is scored, so speed decides, and faster: a mean answer of 100 ms against 300 ms for small · wasm. ' +
        "It runs on the gateway, so this device's memory does not limit it.",
    );
    const mixed = recommend(
      'chat',
      [candidate('mid', { meanTotalMs: 10 }), candidate('small', { quality: 0.1, meanTotalMs: 900 })],
      catalog,
      eightGb,
    );
    expect(mixed.pick?.key).toBe('small|wasm|q8');
    expect(mixed.reason).toMatch(/^The best quality for chat \(10%; mid · wasm has no score\)/);
  });

  it('breaks a full tie by decode rate, then by name, never by the order of targets', () => {
    const a = candidate('small', { quality: 1, meanTotalMs: 100, decodeP50: 50 });
    const b = candidate('mid', { quality: 1, meanTotalMs: 100, decodeP50: 60 });
    expect(recommend('chat', [a, b], catalog, eightGb).pick?.key).toBe('mid|wasm|q8');
    expect(recommend('chat', [b, a], catalog, eightGb).pick?.key).toBe('mid|wasm|q8');
    expect(recommend('chat', [a, b], catalog, eightGb).reason).toBe(
      'As good as small · wasm for chat (both 100%), with the same mean answer time as small · wasm and a faster median decode (60 tok/s against 50 tok/s). ' +
        'It needs 4 GB of memory; this device reports 8 GB.',
    );
    const c = candidate('small', { quality: 1, meanTotalMs: 100, decodeP50: 60, backend: 'webgpu' });
    // Same everything as b: "mid · wasm" sorts before "small · webgpu".
    const byName = recommend('chat', [c, b], catalog, eightGb);
    expect(byName.pick?.key).toBe('mid|wasm|q8');
    expect(byName.reason).toMatch(
      /^As good as small · webgpu for chat \(both 100%\), and no different from small · webgpu on any measure, so first by name\./,
    );
  });

  it('leaves out what did not finish, is not in the catalog, is not tagged for the task, or needs more memory', () => {
    const r = recommend(
      'chat',
      [
        candidate('small', { finished: false, quality: 1 }),
        candidate('unknown', { quality: 1 }),
        candidate('coder', { quality: 1 }),
        candidate('big', { quality: 1 }),
        candidate('mid', { quality: 0.5, meanTotalMs: 200 }),
      ],
      catalog,
      eightGb,
    );
    expect(r.pick?.key).toBe('mid|wasm|q8');
    expect(r.reason).toBe(
      'The only target measured here that meets the needs for chat (quality 50%). It needs 4 GB of memory; this device reports 8 GB.',
    );
    expect(r.excluded).toEqual([
      { label: 'small · wasm', why: 'did not finish the run' },
      { label: 'unknown · wasm', why: 'is not in the catalog, so its tasks and needs are unknown' },
      { label: 'coder · wasm', why: 'is not tagged for chat in the catalog (its tags: code)' },
      // 8 is the most most browsers report: the device may have more, which the reason says.
      {
        label: 'big · wasm',
        why: 'needs 16 GB of memory, and this device reports 8 GB (browsers cap the figure they report, so it may have more)',
      },
    ]);
  });

  it('holds back no model on memory when it runs on the gateway, or when the browser reports none', () => {
    const onGateway = recommend('code', [candidate('big', { backend: 'gateway', quality: 1 })], catalog, { memoryGiB: 4 });
    expect(onGateway.pick?.key).toBe('big|gateway|q8');
    const unknown = recommend('code', [candidate('big', { quality: 1 }), candidate('coder', { quality: 1, meanTotalMs: 5 })], catalog, {
      memoryGiB: null,
    });
    expect(unknown.excluded).toEqual([]);
    // Both 100%; coder has a mean time and big none, so coder is faster.
    expect(unknown.pick?.key).toBe('coder|wasm|q8');
    expect(unknown.reason).toMatch(/This browser does not report its memory, so the memory need was not checked\.$/);
    // A device reporting 2 GB holds back a 4 GB model: 2 < 4, and 2 is below the cap, so no caveat.
    expect(recommend('chat', [candidate('mid', { quality: 1 })], catalog, { memoryGiB: 2 }).excluded).toEqual([
      { label: 'mid · wasm', why: 'needs 4 GB of memory, and this device reports 2 GB' },
    ]);
  });

  it('names every reason when nothing qualifies, and says when nothing was measured', () => {
    const r = recommend('code', [candidate('small', { quality: 1 })], catalog, eightGb);
    expect(r.pick).toBeNull();
    expect(r.reason).toBe(
      'No target measured here meets the needs for code: small · wasm is not tagged for code in the catalog (its tags: chat).',
    );
    expect(recommend('chat', [], catalog, eightGb)).toEqual({ task: 'chat', pick: null, reason: 'Nothing was measured.', excluded: [] });
  });

  it('says when the catalog states no memory need for the pick', () => {
    const r = recommend('code', [candidate('coder', { quality: 0.9 })], catalog, eightGb);
    expect(r.reason).toBe(
      'The only target measured here that meets the needs for code (quality 90%). The catalog states no memory need for it, so none was checked.',
    );
  });
});
