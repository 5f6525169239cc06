/**
 * CompareSession on the real owners (testApp) with scripted engines, one per column as in the
 * app: side by side streams every column from its own engine and leaves the chat's alone; blind
 * rounds shuffle and name columns until the vote, which is tallied per pair; draft -> refine sends
 * the draft to the refiner only when the rule says so, and says why.
 */
import { describe, expect, it } from 'vitest';
import { CompareSession, type PipelineRound, type SideBySideRound } from '../../src/app/compare-session';
import { testApp, type TestApp } from './app-fixtures';

async function withColumns(models: string[]): Promise<TestApp> {
  const t = testApp();
  t.app.compareSettings.setLaneCount(models.length);
  for (const [i, id] of models.entries()) {
    t.lanes[i]!.autoFinish = true;
    await t.app.models.lanes[i]!.selectModel(id);
  }
  return t;
}

describe('side by side', () => {
  it('asks every column at once, each from its own engine, with its own metrics', async () => {
    const t = await withColumns(['pocket-chat-1m', 'pocket-chat-3m']);
    t.lanes[0]!.answer = ['Four.'];
    t.lanes[1]!.answer = ['It is ', 'four.'];
    await t.app.compare.ask('What is 2 plus 2?');
    const round = t.app.compare.rounds[0] as SideBySideRound;
    expect(round.columns.map((c) => [c.label, c.turn.content, c.streaming, c.contender])).toEqual([
      ['Pocket Chat 1M', 'Four.', false, 'pocket-chat-1m on wasm'],
      ['Pocket Chat 3M', 'It is four.', false, 'pocket-chat-3m on wasm'],
    ]);
    expect(round.columns.map((c) => c.turn.meta?.metrics?.generatedTokens)).toEqual([1, 2]);
    expect(t.lanes.map((l) => l.received)).toEqual([
      [[{ role: 'user', content: 'What is 2 plus 2?' }]],
      [[{ role: 'user', content: 'What is 2 plus 2?' }]],
      [],
    ]);
    expect(t.engine.received).toEqual([]);
    expect(t.app.compare.running).toBe(false);
  });

  it('keeps the text so far and the error in a column whose engine fails, and the other column answers', async () => {
    const t = await withColumns(['pocket-chat-1m', 'pocket-chat-3m']);
    t.lanes[0]!.failWith = new Error('worker crashed');
    await t.app.compare.ask('Hi');
    const [first, second] = (t.app.compare.rounds[0] as SideBySideRound).columns;
    expect(first!.turn.content).toBe('2 plus 3 ');
    expect(first!.turn.meta?.error).toBe('worker crashed');
    expect(second!.turn.content).toBe('2 plus 3 is 5.');
    expect(second!.turn.meta?.error).toBeUndefined();
  });

  it('loads a column nobody loaded yet (the bundled default) before asking it', async () => {
    const t = testApp();
    for (const lane of t.lanes) lane.autoFinish = true;
    await t.app.compare.ask('Hi');
    const columns = (t.app.compare.rounds[0] as SideBySideRound).columns;
    expect(columns.map((c) => [c.turn.content, c.turn.meta?.modelId])).toEqual([
      ['2 plus 3 is 5.', 'pocket-chat-1m'],
      ['2 plus 3 is 5.', 'pocket-chat-1m'],
    ]);
    expect(t.lanes.map((l) => l.loads.length)).toEqual([1, 1, 0]);
  });

  it('says in the column that a hub model waits for its download, and asks nothing', async () => {
    const t = testApp();
    t.app.compareSettings.laneChoice(0).setRun({ modelId: 'qwen2.5-0.5b-instruct' });
    t.lanes[1]!.autoFinish = true;
    await t.app.compare.ask('Hi');
    const columns = (t.app.compare.rounds[0] as SideBySideRound).columns;
    expect(columns[0]!.turn.meta?.error).toBe('Qwen2.5 0.5B Instruct is not downloaded yet: press Download in its column first.');
    expect(t.lanes[0]!.loads).toEqual([]);
    expect(columns[1]!.turn.content).toBe('2 plus 3 is 5.');
  });

  it('blind: shuffles the columns, hides the names until the vote, then tallies the pair', async () => {
    const t = await withColumns(['pocket-chat-1m', 'pocket-chat-3m']);
    t.app.compareSettings.update({ blind: true });
    // A session whose shuffle swaps the two columns.
    const session = new CompareSession(
      { settings: t.app.compareSettings, preferences: t.app.settings, lanes: t.app.models.lanes },
      () => 0,
    );
    t.lanes[0]!.answer = ['one'];
    t.lanes[1]!.answer = ['three'];
    await session.ask('Which?');
    const round = session.rounds[0] as SideBySideRound;
    expect(round.columns.map((c) => [c.lane, c.label, c.turn.content])).toEqual([
      [1, 'Answer 1', 'three'],
      [0, 'Answer 2', 'one'],
    ]);
    session.vote(round.id, 0);
    const voted = session.rounds[0] as SideBySideRound;
    expect(voted.vote).toBe(0);
    expect(voted.columns.map((c) => c.label)).toEqual(['Pocket Chat 3M', 'Pocket Chat 1M']);
    expect(t.app.compareSettings.votes).toEqual([
      { first: 'pocket-chat-1m on wasm', second: 'pocket-chat-3m on wasm', firstWins: 0, secondWins: 1, ties: 0 },
    ]);
    // One vote per round.
    session.vote(round.id, 1);
    expect(t.app.compareSettings.votes[0]!.firstWins).toBe(0);
  });
});

describe('columns taken away', () => {
  it('frees the model of a removed column, and of a third column when the mode needs two; the rest keep theirs', async () => {
    const t = await withColumns(['pocket-chat-1m', 'pocket-chat-3m', 'pocket-chat-1m']);
    const kinds = (): string[] => t.app.models.lanes.map((l) => l.load.kind);
    expect(kinds()).toEqual(['ready', 'ready', 'ready']);
    t.app.compareSettings.setLaneCount(2);
    await Promise.resolve();
    expect(kinds()).toEqual(['ready', 'ready', 'idle']);
    expect(t.lanes.map((l) => l.unloads)).toEqual([0, 0, 1]);
    // Asked again, the column loads its model again.
    t.app.compareSettings.setLaneCount(3);
    await t.app.compare.ask('Hi');
    expect((t.app.compare.rounds[0] as SideBySideRound).columns.map((c) => c.turn.meta?.error)).toEqual([undefined, undefined, undefined]);
    expect(kinds()).toEqual(['ready', 'ready', 'ready']);
    t.app.compareSettings.update({ mode: 'draft-refine' });
    await Promise.resolve();
    expect(kinds()).toEqual(['ready', 'ready', 'idle']);
    expect(t.lanes.map((l) => l.unloads)).toEqual([0, 0, 2]);
  });
});

describe('draft -> refine', () => {
  it('refines a long draft with the instruction, the question and the draft, and says why', async () => {
    const t = await withColumns(['pocket-chat-1m', 'pocket-chat-3m']);
    t.app.compareSettings.update({ mode: 'draft-refine', refineInstruction: 'Improve clarity but keep facts.' });
    t.app.compareSettings.setRule({ kind: 'longer-than', chars: 10 });
    t.lanes[0]!.answer = ['The moon ', 'is a rock.'];
    t.lanes[1]!.answer = ['The moon is rock.'];
    await t.app.compare.ask('What is the moon?');
    const round = t.app.compare.rounds[0] as PipelineRound;
    expect(round.draft.turn.content).toBe('The moon is a rock.');
    expect(round.decision).toEqual({ escalate: true, reason: 'the draft is 19 characters, over 10' });
    expect(round.refined?.turn.content).toBe('The moon is rock.');
    expect(t.lanes[1]!.received).toEqual([
      [
        { role: 'system', content: 'Improve clarity but keep facts.' },
        { role: 'user', content: 'Question:\nWhat is the moon?\n\nDraft answer:\nThe moon is a rock.' },
      ],
    ]);
  });

  it('keeps a short draft, and escalates on low confidence by the draft engine’s own number', async () => {
    const t = await withColumns(['pocket-chat-1m', 'pocket-chat-3m']);
    t.app.compareSettings.update({ mode: 'draft-refine' });
    t.app.compareSettings.setRule({ kind: 'longer-than', chars: 600 });
    await t.app.compare.ask('Hi');
    let round = t.app.compare.rounds[0] as PipelineRound;
    expect(round.decision?.escalate).toBe(false);
    expect(round.refined).toBeNull();
    expect(t.lanes[1]!.received).toEqual([]);

    t.app.compareSettings.setRule({ kind: 'low-confidence', below: -0.5 });
    t.lanes[0]!.meanLogprob = -1.25;
    await t.app.compare.ask('Hi again');
    round = t.app.compare.rounds[1] as PipelineRound;
    expect(round.draft.turn.meta?.metrics?.meanLogprob).toBe(-1.25);
    expect(round.decision).toEqual({ escalate: true, reason: 'mean token log-probability -1.25, below -0.50' });
    expect(round.refined?.turn.content).toBe('2 plus 3 is 5.');
  });

  it('a failed draft goes to the refiner as the bare question', async () => {
    const t = await withColumns(['pocket-chat-1m', 'pocket-chat-3m']);
    t.app.compareSettings.update({ mode: 'draft-refine', refineInstruction: '' });
    t.app.compareSettings.setRule({ kind: 'longer-than', chars: 600 });
    t.lanes[0]!.failWith = new Error('out of memory');
    await t.app.compare.ask('Why is the sky blue?');
    const round = t.app.compare.rounds[0] as PipelineRound;
    expect(round.decision?.reason).toBe('the draft failed (out of memory), so the refiner answers the question');
    expect(t.lanes[1]!.received).toEqual([[{ role: 'user', content: 'Why is the sky blue?' }]]);
  });

  it('stopping during the draft refines nothing', async () => {
    const t = await withColumns(['pocket-chat-1m', 'pocket-chat-3m']);
    t.app.compareSettings.update({ mode: 'draft-refine' });
    t.app.compareSettings.setRule({ kind: 'always' });
    t.lanes[0]!.onToken = () => t.app.compare.stop();
    await t.app.compare.ask('Hi');
    const round = t.app.compare.rounds[0] as PipelineRound;
    expect(round.draft.turn.meta?.stopReason).toBe('aborted');
    expect(round.decision).toBeNull();
    expect(t.lanes[1]!.received).toEqual([]);
  });
});
