/** The conversation list's rules: never empty, the open id always in it, no pile of empty chats. */
import { describe, expect, it } from 'vitest';
import { withEmptyOpen, withoutConversation, withReplaced, withStored } from '../../src/app/chat-history-rules';
import { createConversation, type Conversation } from '../../src/chat/conversation';

function chat(title: string, turns = 1): Conversation {
  const c = createConversation();
  return {
    ...c,
    title,
    turns: Array.from({ length: turns }, (_, i) => ({ id: `${title}-${i}`, role: 'user' as const, content: title, createdAt: 0 })),
  };
}

describe('conversation list', () => {
  it('removing the open conversation opens the first one left', () => {
    const [a, b, c] = [chat('a'), chat('b'), chat('c')];
    const next = withoutConversation({ conversations: [a, b, c], currentId: b.id }, b.id);
    expect(next.conversations.map((x) => x.title)).toEqual(['a', 'c']);
    expect(next.currentId).toBe(a.id);
  });

  it('removing another conversation keeps the open one open', () => {
    const [a, b] = [chat('a'), chat('b')];
    expect(withoutConversation({ conversations: [a, b], currentId: b.id }, a.id)).toEqual({ conversations: [b], currentId: b.id });
  });

  it('removing the last conversation leaves one new empty chat, open', () => {
    const a = chat('a');
    const next = withoutConversation({ conversations: [a], currentId: a.id }, a.id);
    expect(next.conversations).toHaveLength(1);
    expect(next.conversations[0]!.turns).toEqual([]);
    expect(next.currentId).toBe(next.conversations[0]!.id);
  });

  it('"New chat" reuses an empty chat instead of adding another', () => {
    const [a, empty] = [chat('a'), chat('empty', 0)];
    expect(withEmptyOpen({ conversations: [a, empty], currentId: a.id })).toEqual({ conversations: [a, empty], currentId: empty.id });
    const fresh = withEmptyOpen({ conversations: [a], currentId: a.id });
    expect(fresh.conversations).toHaveLength(2);
    expect(fresh.conversations[0]!.id).toBe(fresh.currentId);
    expect(fresh.conversations[0]!.turns).toEqual([]);
  });

  it('a stored copy replaces ours in place, or comes first when new', () => {
    const [a, b] = [chat('a'), chat('b')];
    const newer = { ...b, title: 'b renamed in another tab' };
    expect(withStored([a, b], newer).map((x) => x.title)).toEqual(['a', 'b renamed in another tab']);
    const other = chat('from another tab');
    expect(withStored([a, b], other).map((x) => x.title)).toEqual(['from another tab', 'a', 'b']);
    expect(withReplaced([a, b], { ...a, title: 'x' }).map((x) => x.title)).toEqual(['x', 'b']);
  });
});
