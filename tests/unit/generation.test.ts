/**
 * Answering and the conversations: an answer streams into the open conversation (the chats
 * announce it, Generation counts tokens), is saved when it ends, and stops when what it claimed
 * goes away (its model is replaced, its conversation deleted). Other tabs' copies of the
 * conversation being written wait. Real owners and Router around a scripted engine.
 */
import { describe, expect, it } from 'vitest';
import { createConversation } from '../../src/chat/conversation';
import { WorkerCrashedError } from '../../src/engine/errors';
import { changed, countChanges, flush, testApp, type TestApp } from './app-fixtures';

async function ready(): Promise<TestApp> {
  const t = testApp();
  void t.app.models.primary.selectModel('pocket-chat-1m');
  await flush();
  t.engine.finish();
  await t.app.models.primary.pending;
  await flush();
  return t;
}

describe('generation', () => {
  it('streams an answer into the open conversation, then saves it', async () => {
    const { app, engine, chats } = await ready();
    const counts = countChanges(app);
    const seen: number[] = [];
    engine.onToken = () => seen.push(app.generation.generating?.tokens ?? -1);
    await app.generation.send('What is 2 plus 3?');
    expect(seen).toEqual([1, 2, 3]);
    expect(app.generation.generating).toBeNull();
    const turns = app.chats.current.turns;
    expect(turns.map((t) => [t.role, t.content])).toEqual([
      ['user', 'What is 2 plus 3?'],
      ['assistant', '2 plus 3 is 5.'],
    ]);
    expect(turns[1]!.meta).toMatchObject({ modelId: 'pocket-chat-1m', backend: 'wasm', stopReason: 'eos' });
    expect(chats.saved.get(app.chats.currentId)?.turns).toHaveLength(2);
    // Generation: started, three tokens, ended. Chats: the placeholder, meta, three texts, the end's metrics.
    expect(changed(counts)).toEqual({ generation: 5, chats: 6 });
  });

  it('stops when another model is chosen, keeping the text so far', async () => {
    const { app, engine } = await ready();
    engine.onToken = (i) => {
      if (i === 0) void app.models.primary.selectModel('pocket-chat-3m');
    };
    await app.generation.send('Hello?');
    const answer = app.chats.current.turns.at(-1)!;
    expect(answer.content).toBe('2 plus 3 ');
    expect(answer.meta?.stopReason).toBe('aborted');
  });

  it('stops when its conversation is deleted, does not save it back, and the list never ends up empty', async () => {
    const { app, engine, chats } = await ready();
    const id = app.chats.currentId;
    let streamed = 0;
    engine.onToken = (i) => {
      streamed++;
      if (i === 0) void app.chats.remove(id);
    };
    await app.generation.send('Hello?');
    expect(streamed).toBe(1);
    expect(app.generation.generating).toBeNull();
    expect(app.chats.conversations.map((c) => c.id)).not.toContain(id);
    expect(app.chats.conversations).toHaveLength(1);
    // The stopped answer ends after the deletion: it must not save the conversation back.
    await flush();
    expect(chats.saved.has(id)).toBe(false);
  });

  it("takes in other tabs' conversations, but not the one it is writing", async () => {
    const { app, engine, chats } = await ready();
    const id = app.chats.currentId;
    const other = { ...createConversation(), title: 'From the other tab' };
    engine.onToken = (i) => {
      if (i !== 0) return;
      chats.otherTab({ kind: 'saved', id }, { ...app.chats.current, title: 'Overwritten', turns: [] });
      chats.otherTab({ kind: 'saved', id: other.id }, other);
    };
    app.chats.followOtherTabs();
    const titles: string[] = [];
    app.chats.subscribe(() => titles.push(app.chats.current.title));
    await app.generation.send('Hello?');
    await flush();
    expect(app.chats.conversations.map((c) => c.title)).toContain('From the other tab');
    expect(titles).not.toContain('Overwritten');
    expect(app.chats.current.turns).toHaveLength(2);
  });

  it('a crashed worker ends the answer with its error and the slot reloads the model', async () => {
    const { app, engine } = await ready();
    engine.failWith = new WorkerCrashedError('The inference worker stopped.');
    await app.generation.send('Hello?');
    expect(app.chats.current.turns.at(-1)?.meta?.error).toBe('The inference worker stopped.');
    expect(app.models.primary.load.kind).toBe('loading');
    expect(engine.loads).toHaveLength(2);
  });

  it('says why there is no answer when the model waits for a download', async () => {
    const { app } = testApp();
    await app.models.primary.selectModel('qwen2.5-0.5b-instruct');
    await app.generation.send('Hello?');
    expect(app.chats.current.turns.at(-1)?.meta?.error).toMatch(/is not downloaded yet: start the download in the model panel/);
  });
});
