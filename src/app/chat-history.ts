/**
 * The conversations and which one is open: loaded at start, saved after each change, and kept in
 * step with other tabs of the app. Saving is best effort: a failed write warns, and the chat goes
 * on in memory. The list changes only through chat-history-rules.ts, so it is never empty.
 */
import type { ChatChange, ChatStore } from '../cache/chat-store';
import { createConversation, type Conversation, type Turn } from '../chat/conversation';
import { errorMessage } from '../errors/error-message';
import { withEmptyOpen, withReplaced, withStored, withoutConversation, type ConversationList } from './chat-history-rules';
import type { Notices } from './notices';
import { Notifier } from './notifier';

export interface ChatHistoryDeps {
  store: Pick<ChatStore, 'list' | 'get' | 'save' | 'patchTurn' | 'delete' | 'onChange'>;
  notices: Pick<Notices, 'notify'>;
  /** Whether a conversation has sources (sources.ts): one that has is kept and reopened like one with turns. */
  hasSources?: (conversationId: string) => boolean;
}

export class ChatHistory extends Notifier {
  private list: ConversationList;
  /** Conversations an answer is being written into, with what stops that answer. */
  private readonly claims = new Map<string, () => void>();

  constructor(private readonly deps: ChatHistoryDeps) {
    super();
    const first = createConversation();
    this.list = { conversations: [first], currentId: first.id };
  }

  /** Newest first, as loaded; never empty. */
  get conversations(): readonly Conversation[] {
    return this.list.conversations;
  }

  get currentId(): string {
    return this.list.currentId;
  }

  /** The open conversation. */
  get current(): Conversation {
    return this.list.conversations.find((c) => c.id === this.list.currentId) ?? this.list.conversations[0]!;
  }

  private setList(list: ConversationList): void {
    this.list = list;
    this.changed();
  }

  /**
   * Marks conversation `id` as being written by an answer of this tab until the returned release
   * is called: other tabs' copies of it are not taken in meanwhile, and removing it calls `stop`.
   */
  claim(id: string, stop: () => void): () => void {
    this.claims.set(id, stop);
    return () => {
      if (this.claims.get(id) === stop) this.claims.delete(id);
    };
  }

  /** Listens for what other tabs save or delete. */
  followOtherTabs(): void {
    this.deps.store.onChange((change) => void this.applyRemoteChange(change));
  }

  /** Opens the stored conversations, newest first; without any, the empty chat stays. */
  async loadSaved(): Promise<void> {
    const { notices } = this.deps;
    try {
      const { conversations, skipped } = await this.deps.store.list();
      if (conversations.length) this.setList({ conversations, currentId: conversations[0]!.id });
      if (skipped.length) notices.notify('warning', `${skipped.length} saved conversation(s) could not be read and were skipped.`);
    } catch (error) {
      notices.notify('warning', `Saved conversations are unavailable (${errorMessage(error)}); new chats will not be kept.`);
    }
  }

  /** Takes in what another tab saved or deleted, unless this tab is writing that conversation now. */
  private async applyRemoteChange(change: ChatChange): Promise<void> {
    if (this.claims.has(change.id)) return;
    if (change.kind === 'deleted') {
      if (this.list.conversations.some((c) => c.id === change.id)) this.setList(withoutConversation(this.list, change.id));
      return;
    }
    const fresh = await this.deps.store.get(change.id);
    if (!fresh) return;
    this.setList({ ...this.list, conversations: withStored(this.list.conversations, fresh) });
  }

  /** `conversation` in place of the one with its id (not saved: see persist). */
  replace(conversation: Conversation): void {
    this.setList({ ...this.list, conversations: withReplaced(this.list.conversations, conversation) });
  }

  /** A conversation with nothing in it yet: no turn and no source. "New chat" reuses one, and it is not stored. */
  private readonly blank = (conversation: Conversation): boolean =>
    conversation.turns.length === 0 && !(this.deps.hasSources?.(conversation.id) ?? false);

  /**
   * Saves `conversation` once it has a turn or a source (an empty chat is not stored), unless it
   * was removed meanwhile: an answer stopped by the deletion must not write its conversation back.
   */
  async persist(conversation: Conversation): Promise<void> {
    if (this.blank(conversation) || !this.list.conversations.some((c) => c.id === conversation.id)) return;
    try {
      await this.deps.store.save(conversation);
    } catch (error) {
      this.deps.notices.notify('warning', `Could not save this conversation: ${errorMessage(error)}`);
    }
  }

  /**
   * Changes one turn here and in the saved copy, without writing back the rest of this tab's copy
   * (another tab may have added turns since this one last saved).
   */
  async patchTurn(conversationId: string, turnId: string, patch: (turn: Turn) => Turn): Promise<void> {
    const conversation = this.list.conversations.find((c) => c.id === conversationId);
    if (!conversation?.turns.some((t) => t.id === turnId)) return;
    this.replace({ ...conversation, turns: conversation.turns.map((t) => (t.id === turnId ? patch(t) : t)) });
    try {
      await this.deps.store.patchTurn(conversationId, turnId, patch);
    } catch (error) {
      this.deps.notices.notify('warning', `Could not save this conversation: ${errorMessage(error)}`);
    }
  }

  newConversation(): void {
    this.setList(withEmptyOpen(this.list, this.blank));
  }

  switchTo(id: string): void {
    if (this.list.conversations.some((c) => c.id === id)) this.setList({ ...this.list, currentId: id });
  }

  async rename(id: string, title: string): Promise<void> {
    const conversation = this.list.conversations.find((c) => c.id === id);
    const clean = title.trim();
    if (!conversation || !clean) return;
    const renamed = { ...conversation, title: clean };
    this.replace(renamed);
    await this.persist(renamed);
  }

  /** Removes the conversation here at once, then its saved copy; an answer being written to it stops. */
  async remove(id: string): Promise<void> {
    this.claims.get(id)?.();
    this.setList(withoutConversation(this.list, id));
    try {
      await this.deps.store.delete(id);
    } catch (error) {
      this.deps.notices.notify('warning', `Could not delete the saved copy: ${errorMessage(error)}`);
    }
  }

  setSystemPrompt(text: string): void {
    const conversation = { ...this.current, systemPrompt: text, updatedAt: Date.now() };
    this.replace(conversation);
    void this.persist(conversation);
  }
}
