/**
 * The conversations as the chat store keeps them: loaded at start, saved after each change, and
 * kept in step with other tabs of the app. Saving is best effort: a failed write warns, and the
 * chat goes on in memory. The list itself lives on the Playground, which the UI renders.
 */
import type { ChatChange } from '../cache/chat-store';
import type { Conversation } from '../chat/conversation';
import { withEmptyOpen, withReplaced, withStored, withoutConversation, type ConversationList } from './chat-history-rules';
import type { Playground, PlaygroundServices } from './playground';
import { errorMessage } from '../errors/error-message';

export interface ChatHistoryDeps {
  playground: Pick<Playground, 'conversations' | 'currentId' | 'current' | 'generating' | 'notify' | 'stop'>;
  services: Pick<PlaygroundServices, 'chats'>;
  changed: () => void;
}

export class ChatHistory {
  constructor(private readonly deps: ChatHistoryDeps) {}

  private setList(list: ConversationList): void {
    this.deps.playground.conversations = list.conversations;
    this.deps.playground.currentId = list.currentId;
  }

  /** Listens for what other tabs save or delete. */
  followOtherTabs(): void {
    this.deps.services.chats.onChange((change) => void this.applyRemoteChange(change));
  }

  /** Opens the stored conversations, newest first; without any, the empty chat stays. */
  async loadSaved(): Promise<void> {
    const p = this.deps.playground;
    try {
      const { conversations, skipped } = await this.deps.services.chats.list();
      if (conversations.length) this.setList({ conversations, currentId: conversations[0]!.id });
      if (skipped.length) {
        p.notify('warning', `${skipped.length} saved conversation(s) could not be read and were skipped.`);
      }
    } catch (error) {
      p.notify('warning', `Saved conversations are unavailable (${errorMessage(error)}); new chats will not be kept.`);
    }
  }

  /** Takes in what another tab saved or deleted, unless this tab is writing that conversation now. */
  private async applyRemoteChange(change: ChatChange): Promise<void> {
    const p = this.deps.playground;
    if (p.generating?.conversationId === change.id) return;
    if (change.kind === 'deleted') {
      if (!p.conversations.some((c) => c.id === change.id)) return;
      this.setList(withoutConversation(p, change.id));
      this.deps.changed();
      return;
    }
    const fresh = await this.deps.services.chats.get(change.id);
    if (!fresh) return;
    p.conversations = withStored(p.conversations, fresh);
    this.deps.changed();
  }

  replace(conversation: Conversation): void {
    this.deps.playground.conversations = withReplaced(this.deps.playground.conversations, conversation);
    this.deps.changed();
  }

  /** Saves `conversation` once it has a turn: an empty chat is not stored. */
  async persist(conversation: Conversation): Promise<void> {
    if (conversation.turns.length === 0) return;
    try {
      await this.deps.services.chats.save(conversation);
    } catch (error) {
      this.deps.playground.notify('warning', `Could not save this conversation: ${errorMessage(error)}`);
    }
  }

  newConversation(): void {
    this.setList(withEmptyOpen(this.deps.playground));
    this.deps.changed();
  }

  switchTo(id: string): void {
    const p = this.deps.playground;
    if (p.conversations.some((c) => c.id === id)) {
      p.currentId = id;
      this.deps.changed();
    }
  }

  async rename(id: string, title: string): Promise<void> {
    const conversation = this.deps.playground.conversations.find((c) => c.id === id);
    const clean = title.trim();
    if (!conversation || !clean) return;
    const renamed = { ...conversation, title: clean };
    this.replace(renamed);
    await this.persist(renamed);
  }

  /** Removes the conversation here at once, then its saved copy; an answer being written to it stops. */
  async remove(id: string): Promise<void> {
    const p = this.deps.playground;
    if (p.generating?.conversationId === id) p.stop();
    this.setList(withoutConversation(p, id));
    this.deps.changed();
    try {
      await this.deps.services.chats.delete(id);
    } catch (error) {
      p.notify('warning', `Could not delete the saved copy: ${errorMessage(error)}`);
    }
  }

  setSystemPrompt(text: string): void {
    const conversation = { ...this.deps.playground.current, systemPrompt: text, updatedAt: Date.now() };
    this.replace(conversation);
    void this.persist(conversation);
  }
}
