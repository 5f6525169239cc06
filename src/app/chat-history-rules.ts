/**
 * The list of conversations and which one is open, changed only through these pure functions so
 * that the rules hold everywhere: the list is never empty (removing the last one leaves a new
 * empty chat) and the open id always names a conversation in it.
 */
import { createConversation, type Conversation } from '../chat/conversation';

export interface ConversationList {
  conversations: Conversation[];
  currentId: string;
}

/** `conversation` in place of the one with its id. */
export function withReplaced(conversations: readonly Conversation[], conversation: Conversation): Conversation[] {
  return conversations.map((c) => (c.id === conversation.id ? conversation : c));
}

/** A stored copy taken in: in place of ours when we have it, else first, as the newest. */
export function withStored(conversations: readonly Conversation[], stored: Conversation): Conversation[] {
  const known = conversations.some((c) => c.id === stored.id);
  return known ? withReplaced(conversations, stored) : [stored, ...conversations];
}

/** Without conversation `id`; if it was open, the first one left opens. */
export function withoutConversation(list: ConversationList, id: string): ConversationList {
  const rest = list.conversations.filter((c) => c.id !== id);
  const conversations = rest.length === 0 ? [createConversation()] : rest;
  return { conversations, currentId: list.currentId === id ? conversations[0]!.id : list.currentId };
}

/**
 * An empty chat opened: an existing empty one is reused, so "New chat" never piles them up.
 * `blank` says what counts as empty (default: no turns; the app also asks for no sources).
 */
export function withEmptyOpen(list: ConversationList, blank: (c: Conversation) => boolean = (c) => c.turns.length === 0): ConversationList {
  const empty = list.conversations.find(blank);
  if (empty) return { conversations: list.conversations, currentId: empty.id };
  const conversation = createConversation();
  return { conversations: [conversation, ...list.conversations], currentId: conversation.id };
}
