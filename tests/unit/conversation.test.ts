/** What is sent to the model, and the regenerate / edit-and-resend / title helpers. */
import { describe, expect, it } from 'vitest';
import {
  createConversation,
  messagesForModel,
  titleFrom,
  withEditedLastUser,
  withUserTurn,
  withoutLastAnswer,
  type Conversation,
  type Turn,
} from '../../src/chat/conversation';

let counter = 0;
function turn(role: Turn['role'], content: string): Turn {
  counter++;
  return { id: `t${counter}`, role, content, createdAt: counter };
}

function conversation(turns: Turn[], systemPrompt = ''): Conversation {
  return { id: 'c1', title: 'Chat', createdAt: 1, updatedAt: 1, systemPrompt, turns };
}

describe('messagesForModel', () => {
  it('puts the trimmed system prompt first, then the turns in order', () => {
    const c = conversation([turn('user', 'Hi'), turn('assistant', 'Hello!'), turn('user', 'Bye')], '  Be brief.\n');
    expect(messagesForModel(c)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Bye' },
    ]);
  });

  it('never sends reasoning text or answer metadata back to the model', () => {
    const answer: Turn = { ...turn('assistant', 'The answer is 4.'), reasoning: '2 + 2 = 4, so...' };
    const out = messagesForModel(conversation([turn('user', '2 + 2?'), answer]));
    expect(out[1]).toEqual({ role: 'assistant', content: 'The answer is 4.' });
  });

  it('sends no system message for a blank system prompt', () => {
    const out = messagesForModel(conversation([turn('user', 'Hi')], ' \n\t'));
    expect(out.map((m) => m.role)).toEqual(['user']);
  });

  it('drops empty answers and joins the two user messages they leave adjacent', () => {
    // An answer that failed before its first token leaves "user, (empty assistant), user".
    const c = conversation([turn('user', 'First'), turn('assistant', '  '), turn('user', 'Second')]);
    expect(messagesForModel(c)).toEqual([{ role: 'user', content: 'First\n\nSecond' }]);
  });

  it('keeps whitespace-only user messages (only empty answers are dropped)', () => {
    const out = messagesForModel(conversation([turn('user', ' ')]));
    expect(out).toEqual([{ role: 'user', content: ' ' }]);
  });

  it('does not modify the conversation while joining', () => {
    const turns = [turn('user', 'a'), turn('user', 'b')];
    const before = structuredClone(turns);
    messagesForModel(conversation(turns));
    expect(turns).toEqual(before);
  });

  it('alternates roles for any mix of turns (no two neighbours share a role)', () => {
    const roles: Turn['role'][] = ['user', 'user', 'assistant', 'assistant', 'user', 'assistant', 'user', 'user'];
    const out = messagesForModel(
      conversation(
        roles.map((r, i) => turn(r, `m${i}`)),
        'sys',
      ),
    );
    for (let i = 1; i < out.length; i++) expect(out[i]!.role).not.toBe(out[i - 1]!.role);
    expect(out.map((m) => m.content).join('|')).toBe('sys|m0\n\nm1|m2\n\nm3|m4|m5|m6\n\nm7');
  });
});

describe('withoutLastAnswer (regenerate)', () => {
  it('removes the last answer and leaves the original untouched', () => {
    const c = conversation([turn('user', 'Q'), turn('assistant', 'A')]);
    const out = withoutLastAnswer(c);
    expect(out?.turns.map((t) => t.content)).toEqual(['Q']);
    expect(c.turns).toHaveLength(2);
  });

  it('returns null when the conversation does not end in an answer', () => {
    expect(withoutLastAnswer(conversation([]))).toBeNull();
    expect(withoutLastAnswer(conversation([turn('assistant', 'A'), turn('user', 'Q')]))).toBeNull();
  });
});

describe('withEditedLastUser (edit and resend)', () => {
  it('replaces the last user message and drops everything after it', () => {
    const last = turn('user', 'Q2');
    const c = conversation([turn('user', 'Q1'), turn('assistant', 'A1'), last, turn('assistant', 'A2')]);
    const out = withEditedLastUser(c, 'Q2 edited', 5000);
    expect(out?.turns.map((t) => [t.role, t.content])).toEqual([
      ['user', 'Q1'],
      ['assistant', 'A1'],
      ['user', 'Q2 edited'],
    ]);
    expect(out?.turns[2]?.id).toBe(last.id);
    expect(out?.turns[2]?.createdAt).toBe(5000);
    expect(out?.updatedAt).toBe(5000);
    expect(c.turns[2]?.content).toBe('Q2');
  });

  it('returns null without a user message', () => {
    expect(withEditedLastUser(conversation([turn('assistant', 'A')]), 'x')).toBeNull();
  });
});

describe('withUserTurn and titles', () => {
  it('titles a new chat after its first message only', () => {
    const first = withUserTurn(createConversation('', 0), 'What is WebGPU?\nMore detail', 10);
    expect(first.title).toBe('What is WebGPU?');
    expect(first.turns).toHaveLength(1);
    expect(first.turns[0]?.role).toBe('user');
    expect(first.updatedAt).toBe(10);
    const second = withUserTurn(first, 'Another question', 20);
    expect(second.title).toBe('What is WebGPU?');
    expect(second.turns.map((t) => t.content)).toEqual(['What is WebGPU?\nMore detail', 'Another question']);
    expect(new Set(second.turns.map((t) => t.id)).size).toBe(2);
  });

  it('keeps a title the user already chose', () => {
    const named = { ...createConversation('', 0), title: 'My chat' };
    expect(withUserTurn(named, 'Hello', 1).title).toBe('My chat');
  });

  it('titleFrom keeps short first lines and shortens long ones to 48 characters', () => {
    expect(titleFrom('  \n  ')).toBe('New chat');
    expect(titleFrom('  hello world  \nsecond')).toBe('hello world');
    const exact = 'x'.repeat(48);
    expect(titleFrom(exact)).toBe(exact);
    // 49 characters: the first 47 are kept and the ellipsis makes 48.
    expect(titleFrom(`${'x'.repeat(48)}y`)).toBe(`${'x'.repeat(47)}…`);
    // Here character 47 is a space: it is trimmed before the ellipsis.
    expect(titleFrom(`${'a'.repeat(46)} bcd`)).toBe(`${'a'.repeat(46)}…`);
  });

  it('titleFrom counts characters, not UTF-16 units, and never splits an emoji', () => {
    // 46 + 4 emoji = 50 characters (54 UTF-16 units): 46 + one emoji are kept.
    const title = titleFrom(`${'a'.repeat(46)}😀😀😀😀`);
    expect(title).toBe(`${'a'.repeat(46)}😀…`);
    expect(title).not.toMatch(/\p{Cs}/u); // no lone surrogate
    // 48 emoji fit exactly; 49 are shortened to 47 and the ellipsis.
    expect(titleFrom('😀'.repeat(48))).toBe('😀'.repeat(48));
    expect(titleFrom('😀'.repeat(49))).toBe(`${'😀'.repeat(47)}…`);
  });

  it('titleFrom keeps a family emoji or a flag whole at the cut', () => {
    const family = '👨‍👩‍👧'; // 3 people joined by zero-width joiners: 1 character on screen, 5 code points
    const flag = '🇫🇷'; // 2 regional indicators
    for (const glyph of [family, flag]) {
      const title = titleFrom(`${'a'.repeat(46)}${glyph}${glyph}bcd`);
      expect(title).toBe(`${'a'.repeat(46)}${glyph}…`);
    }
    expect(titleFrom(`é${'e\u0301'.repeat(47)}`)).toBe(`é${'e\u0301'.repeat(47)}`); // combining accents: 48 characters
  });

  it('titleFrom cuts by code points where Intl.Segmenter is missing', () => {
    const intl = Intl as { Segmenter?: unknown };
    const segmenter = intl.Segmenter;
    delete intl.Segmenter;
    try {
      expect('Segmenter' in Intl).toBe(false);
      expect(titleFrom(`${'a'.repeat(46)}😀😀😀😀`)).toBe(`${'a'.repeat(46)}😀…`);
      const cut = titleFrom(`${'a'.repeat(46)}👨‍👩‍👧`); // 5 code points: only the first person is kept
      expect(cut).toBe(`${'a'.repeat(46)}👨…`);
      expect(cut).not.toMatch(/\p{Cs}/u);
    } finally {
      intl.Segmenter = segmenter;
    }
  });
});
