/**
 * The sources of each conversation: what the Sources panel lists, adds and removes, and what a
 * question in a conversation with sources is grounded on. Files are read in the page (pdf.js and
 * mammoth are loaded on first use), then cut, counted and indexed in the retrieval worker, which
 * keeps their passages and index in IndexedDB; this owner keeps the list (source-store.ts).
 *
 * Nothing is lost: a file that cannot be read is reported beside the panel's field, pasted text
 * that fails stays in the box (`addText` says whether it worked), and a source is listed only once
 * both its index and its record are stored. A conversation's sources go when the conversation is
 * deleted (here or in another tab); an empty conversation with sources is kept like one with turns.
 */
import type { SourceRecord, SourceStore } from '../cache/source-store';
import { messagesForModel, newId, type Conversation } from '../chat/conversation';
import type { GenerationParams } from '../engine/engine-types';
import type { Route } from '../engine/router';
import { errorMessage } from '../errors/error-message';
import { pastedSource, type SourceFile } from '../rag/ingest/read-source';
import type { EmbedderSpec, GroundResult, RetrievalApi } from '../rag/retrieval-types';
import type { ExtractedSource } from '../rag/types';
import type { ChatHistory } from './chat-history';
import type { ModelSlot } from './model-slot';
import type { Notices } from './notices';
import { Notifier } from './notifier';
import { contextFor, tokenizerFor, type ModelRefFor } from './source-specs';

export interface SourcesDeps {
  store: Pick<SourceStore, 'list' | 'save' | 'delete' | 'onChange'>;
  retrieval: RetrievalApi;
  /** A source's stored text, for the JSON export. */
  contents: { get(sourceId: string): Promise<{ text: string } | null> };
  /** Reads a picked or dropped file (read-source.ts, with pdf.js and mammoth loaded on demand). */
  readFile: (file: SourceFile) => Promise<ExtractedSource>;
  slot: Pick<ModelSlot, 'load' | 'selected' | 'pending'>;
  chats: Pick<ChatHistory, 'conversations' | 'persist' | 'subscribe'>;
  notices: Pick<Notices, 'notify'>;
  modelRef: ModelRefFor;
  /** The embedding model to rank with, if the catalog has one; null: BM25 alone. */
  embedder: () => EmbedderSpec | null;
}

/** A source being read or indexed. */
export interface AddingSource {
  id: string;
  name: string;
  phase: 'reading' | 'indexing';
}

/** A document that could not be added, and why. */
export interface SourceFailure {
  id: string;
  name: string;
  message: string;
}

/** A source as the JSON export carries it: its record and its text. */
export type ExportedSource = SourceRecord & { text: string | null };

export class Sources extends Notifier {
  private records: readonly SourceRecord[] = [];
  private readonly adding = new Map<string, AddingSource[]>();
  private readonly failures = new Map<string, SourceFailure[]>();
  /** Each conversation's additions in order: a question waits for the ones in flight. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private known = new Set<string>();

  constructor(private readonly deps: SourcesDeps) {
    super();
  }

  /** The sources of conversation `id`, oldest first. */
  of(conversationId: string): readonly SourceRecord[] {
    return this.records.filter((r) => r.conversationId === conversationId);
  }

  /** The name of the embedding model passages are ranked with, or null (BM25 alone). */
  get embedderName(): string | null {
    return this.deps.embedder()?.name ?? null;
  }

  has(conversationId: string): boolean {
    return this.records.some((r) => r.conversationId === conversationId);
  }

  addingTo(conversationId: string): readonly AddingSource[] {
    return this.adding.get(conversationId) ?? [];
  }

  failuresOf(conversationId: string): readonly SourceFailure[] {
    return this.failures.get(conversationId) ?? [];
  }

  dismissFailure(conversationId: string, id: string): void {
    this.failures.set(
      conversationId,
      this.failuresOf(conversationId).filter((f) => f.id !== id),
    );
    this.changed();
  }

  /** Loads the stored sources, then follows other tabs and deleted conversations. Call after the chats have loaded. */
  async start(): Promise<void> {
    await this.reload();
    this.deps.store.onChange(() => void this.reload());
    this.known = new Set(this.deps.chats.conversations.map((c) => c.id));
    this.deps.chats.subscribe(() => this.afterChatsChanged());
  }

  private async reload(): Promise<void> {
    try {
      const { sources, skipped } = await this.deps.store.list();
      this.records = sources;
      if (skipped.length) this.deps.notices.notify('warning', `${skipped.length} saved source(s) could not be read and were skipped.`);
    } catch (error) {
      this.deps.notices.notify('warning', `Saved sources are unavailable (${errorMessage(error)}); new ones will not be kept.`);
    }
    this.changed();
  }

  /** A conversation that was there and is gone was deleted: its sources go with it. */
  private afterChatsChanged(): void {
    const now = new Set(this.deps.chats.conversations.map((c) => c.id));
    for (const id of this.known) if (!now.has(id) && this.has(id)) void this.removeConversation(id);
    this.known = now;
  }

  /** Adds pasted text; false when it could not be added (the failure says why, the text stays with the caller). */
  addText(conversationId: string, text: string): Promise<boolean> {
    return this.enqueue(conversationId, 'Pasted text', () => Promise.resolve(pastedSource(text)));
  }

  /** Adds files one after another; each that fails is reported on its own. */
  async addFiles(conversationId: string, files: readonly SourceFile[]): Promise<void> {
    await Promise.all(files.map((file) => this.enqueue(conversationId, file.name, () => this.deps.readFile(file))));
  }

  private enqueue(conversationId: string, name: string, read: () => Promise<ExtractedSource>): Promise<boolean> {
    const item: AddingSource = { id: newId(), name, phase: 'reading' };
    this.setAdding(conversationId, [...this.addingTo(conversationId), item]);
    const previous = this.queues.get(conversationId) ?? Promise.resolve();
    const run = previous.then(() => this.addOne(conversationId, item, read));
    this.queues.set(
      conversationId,
      run.catch(() => undefined),
    );
    return run;
  }

  private setAdding(conversationId: string, items: AddingSource[]): void {
    this.adding.set(conversationId, items);
    this.changed();
  }

  private async addOne(conversationId: string, item: AddingSource, read: () => Promise<ExtractedSource>): Promise<boolean> {
    const update = (patch: Partial<AddingSource>): void =>
      this.setAdding(
        conversationId,
        this.addingTo(conversationId).map((a) => (a.id === item.id ? { ...a, ...patch } : a)),
      );
    let name = item.name;
    try {
      const source = await read();
      name = source.name;
      update({ name, phase: 'indexing' });
      const slot = this.deps.slot;
      // Passages are sized in the tokens of the model that will read them: wait for it if it is loading.
      const route = slot.load.kind === 'ready' ? slot.load.route : ((await slot.pending) ?? null);
      const existing = this.of(conversationId).map((r) => r.id);
      const report = await this.deps.retrieval.index({
        conversationId,
        sourceId: item.id,
        text: source.text,
        existing,
        tokenizer: tokenizerFor(route, this.deps.modelRef),
        contextLength: contextFor(route, slot.selected),
        embedder: this.deps.embedder(),
      });
      const record: SourceRecord = {
        id: item.id,
        conversationId,
        name,
        kind: source.kind,
        bytes: source.bytes,
        chars: source.text.length,
        chunkCount: report.chunkCount,
        addedAt: Date.now(),
        chunking: report.chunking,
        embedding: report.embedding,
        warnings: [...source.warnings, ...report.warnings],
      };
      try {
        await this.deps.store.save(record);
      } catch (error) {
        await this.deps.retrieval.forget(conversationId, [item.id], existing).catch(() => undefined);
        throw new Error(`${name} could not be stored (${errorMessage(error)}).`, { cause: error });
      }
      this.records = [...this.records, record];
      // A conversation with sources is kept even before its first question.
      const conversation = this.deps.chats.conversations.find((c) => c.id === conversationId);
      if (conversation) await this.deps.chats.persist(conversation);
      return true;
    } catch (error) {
      this.failures.set(conversationId, [...this.failuresOf(conversationId), { id: item.id, name, message: errorMessage(error) }]);
      return false;
    } finally {
      this.setAdding(
        conversationId,
        this.addingTo(conversationId).filter((a) => a.id !== item.id),
      );
    }
  }

  /** Removes one source: from the list at once, then from storage and the index. */
  async remove(conversationId: string, sourceId: string): Promise<void> {
    const record = this.records.find((r) => r.id === sourceId && r.conversationId === conversationId);
    if (!record) return;
    this.records = this.records.filter((r) => r !== record);
    this.changed();
    try {
      await this.deps.store.delete(record);
      await this.deps.retrieval.forget(
        conversationId,
        [sourceId],
        this.of(conversationId).map((r) => r.id),
      );
    } catch (error) {
      this.deps.notices.notify('warning', `Could not delete the stored copy of ${record.name}: ${errorMessage(error)}`);
    }
  }

  /** Removes every source of a deleted conversation. */
  async removeConversation(conversationId: string): Promise<void> {
    const gone = this.of(conversationId);
    if (!gone.length) return;
    this.records = this.records.filter((r) => r.conversationId !== conversationId);
    this.changed();
    try {
      for (const record of gone) await this.deps.store.delete(record);
      await this.deps.retrieval.forget(
        conversationId,
        gone.map((r) => r.id),
        [],
      );
    } catch (error) {
      this.deps.notices.notify('warning', `Could not delete the sources of a deleted conversation: ${errorMessage(error)}`);
    }
  }

  /**
   * The grounded prompt for the question that ends `conversation`, on the model `route` runs;
   * null when the conversation has no sources (it is then asked as it is). Waits for sources still
   * being added to it.
   */
  async ground(conversation: Conversation, route: Route, params: GenerationParams): Promise<GroundResult | null> {
    await this.queues.get(conversation.id);
    const sources = this.of(conversation.id);
    if (!sources.length) return null;
    const messages = messagesForModel(conversation);
    const question = messages.at(-1);
    if (question?.role !== 'user') return null;
    return this.deps.retrieval.ground({
      conversationId: conversation.id,
      sources: sources.map((s) => ({ id: s.id, name: s.name })),
      systemPrompt: conversation.systemPrompt,
      history: messages.slice(0, -1).filter((m) => m.role !== 'system'),
      question: question.content,
      contextLength: contextFor(route, route.model),
      maxNewTokens: params.maxNewTokens,
      tokenizer: tokenizerFor(route, this.deps.modelRef),
      embedder: this.deps.embedder(),
    });
  }

  /** The conversation's sources with their text, for the JSON export. */
  async exportable(conversationId: string): Promise<ExportedSource[]> {
    return Promise.all(
      this.of(conversationId).map(async (record) => ({
        ...record,
        text: (await this.deps.contents.get(record.id).catch(() => null))?.text ?? null,
      })),
    );
  }
}
