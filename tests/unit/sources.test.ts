/**
 * A conversation's sources in a whole Playground: added (pasted, and files read with real pdf.js
 * and mammoth), listed, kept with an empty conversation, removed with it, and a question in a
 * conversation with sources sent as the grounded prompt with its passages kept on the answer.
 * The retrieval service is the real one, in-process (no worker in Node), over in-memory stores,
 * counting tokens by the estimate (tests/node counts with the real tokenizer).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { conversationToJson } from '../../src/chat/export';
import { GROUNDING_INSTRUCTION } from '../../src/rag/prompt';
import { flush, testApp, type TestApp } from './app-fixtures';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/sources');
const file = (name: string) => {
  const bytes = fs.readFileSync(path.join(FIXTURES, name));
  return { name, size: bytes.length, type: '', arrayBuffer: () => Promise.resolve(new Uint8Array(bytes).buffer) };
};

const DOC = `# Foundry Local\n\nFoundry Local runs language models on your own device.\n\n# Small models\n\nThe quartz router hums at 440 hertz during updates.`;

async function ready(): Promise<TestApp> {
  const t = testApp();
  await t.app.start();
  await flush();
  t.engine.finish();
  await t.app.models.primary.pending;
  await flush();
  return t;
}

describe('sources', () => {
  it('adds pasted text: indexed, listed with its passages, stored, and its empty conversation kept', async () => {
    const { app, sources, chats } = await ready();
    const id = app.chats.currentId;
    expect(await app.sources.addText(id, DOC)).toBe(true);
    const [record] = app.sources.of(id);
    expect(record).toMatchObject({
      name: 'Pasted: Foundry Local',
      kind: 'pasted',
      bytes: new TextEncoder().encode(DOC).length,
      chunkCount: 2,
    });
    expect(record!.chunking.counter).toBe("Pocket Chat 1M's tokenizer");
    expect(sources.records.get(record!.id)).toEqual(record);
    expect(sources.content.get(record!.id)?.chunks.map((c) => c.heading)).toEqual(['Foundry Local', 'Small models']);
    // A conversation with a source but no question yet is kept, and "New chat" does not reuse it.
    expect(chats.saved.has(id)).toBe(true);
    app.chats.newConversation();
    expect(app.chats.currentId).not.toBe(id);
  });

  it('sends the grounded prompt, keeps the passages on the answer with the retrieval time, and exports the sources', async () => {
    const { app, engine } = await ready();
    const id = app.chats.currentId;
    await app.sources.addText(id, DOC);
    await app.generation.send('At what pitch does the quartz router hum?');
    const sent = engine.received.at(-1)!;
    expect(sent[0]).toEqual({ role: 'system', content: GROUNDING_INSTRUCTION });
    expect(sent.at(-1)!.content).toMatch(
      /^Context:\n\[1\] Pasted: Foundry Local › Small models\nThe quartz router hums at 440 hertz during updates\./,
    );
    expect(sent.at(-1)!.content).toMatch(/\n\nQuestion: At what pitch does the quartz router hum\?$/);
    const answer = app.chats.current.turns.at(-1)!;
    expect(answer.meta?.grounding?.passages.map((p) => [p.n, p.heading])).toEqual([[1, 'Small models']]);
    expect(answer.meta?.grounding?.passages[0]?.lexical?.rank).toBe(1);
    expect(answer.meta?.metrics?.retrievalMs).toBe(answer.meta?.grounding?.retrievalMs);
    expect(answer.meta?.metrics?.retrievalMs).toBeGreaterThanOrEqual(0);
    const exported = JSON.parse(conversationToJson(app.chats.current, await app.sources.exportable(id))) as {
      sources: { name: string; text: string }[];
    };
    expect(exported.sources).toEqual([expect.objectContaining({ name: 'Pasted: Foundry Local', text: DOC })]);
  });

  it('asks a conversation without sources as it is', async () => {
    const { app, engine } = await ready();
    await app.generation.send('Hello');
    expect(engine.received.at(-1)).toEqual([{ role: 'user', content: 'Hello' }]);
    expect(app.chats.current.turns.at(-1)!.meta?.grounding).toBeUndefined();
  });

  it('reads a PDF and a Word document from files, and reports a bad one beside the others', async () => {
    const { app } = await ready();
    const id = app.chats.currentId;
    await app.sources.addFiles(id, [file('handbook.pdf'), file('scanned.pdf'), file('garden.docx')]);
    expect(app.sources.of(id).map((s) => [s.name, s.kind])).toEqual([
      ['handbook.pdf', 'pdf'],
      ['garden.docx', 'docx'],
    ]);
    expect(app.sources.failuresOf(id).map((f) => f.name)).toEqual(['scanned.pdf']);
    expect(app.sources.failuresOf(id)[0]!.message).toMatch(/has no text to read/);
    expect(app.sources.addingTo(id)).toEqual([]);
  });

  it('keeps pasted text that could not be added, and lists nothing when the record cannot be stored', async () => {
    const { app, sources } = await ready();
    const id = app.chats.currentId;
    expect(await app.sources.addText(id, '   ')).toBe(false);
    expect(app.sources.failuresOf(id)[0]!.message).toMatch(/The pasted text contains no text/);
    sources.failNextSave = new Error('QuotaExceededError');
    expect(await app.sources.addText(id, DOC)).toBe(false);
    expect(app.sources.of(id)).toEqual([]);
    // What the retrieval service stored for it was taken back.
    expect(sources.content.size).toBe(0);
    expect(app.sources.failuresOf(id).at(-1)!.message).toMatch(/could not be stored \(QuotaExceededError\)/);
  });

  it('removes a source from the list, the stored passages and the index, and all of them with their conversation', async () => {
    const { app, sources, engine } = await ready();
    const id = app.chats.currentId;
    await app.sources.addText(id, DOC);
    await app.sources.addText(id, '# Moss\n\nThe moss garden is watered with rain water at dawn.');
    const [first, second] = app.sources.of(id);
    await app.sources.remove(id, first!.id);
    expect(app.sources.of(id).map((s) => s.id)).toEqual([second!.id]);
    expect([...sources.content.keys()]).toEqual([second!.id]);
    await app.generation.send('At what pitch does the quartz router hum?');
    // The removed source's passage is not retrieved any more.
    expect(engine.received.at(-1)!.at(-1)!.content).not.toContain('quartz router hums');
    await app.chats.remove(id);
    await flush();
    expect(app.sources.of(id)).toEqual([]);
    expect(sources.records.size).toBe(0);
    expect(sources.content.size).toBe(0);
    expect(sources.lexical.size).toBe(0);
  });
});
