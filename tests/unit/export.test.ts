/** Markdown and JSON export of a conversation, and the download file name. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnswerMetrics } from '../../src/metrics/answer-metrics';
import type { AnswerMeta, Conversation, Turn } from '../../src/chat/conversation';
import { EXPORT_FORMAT, EXPORT_VERSION, conversationToJson, conversationToMarkdown, exportFileName } from '../../src/chat/export';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';

const NOW = '2025-01-02T03:04:05.000Z';

const metrics: AnswerMetrics = {
  ttftMs: 120,
  prefillTokensPerSec: 410.4,
  decodeTokensPerSec: 9.84,
  promptTokens: 20,
  generatedTokens: 4,
  totalMs: 1432,
  interTokenMs: [10, 10, 10],
};

function meta(extra: Partial<AnswerMeta> = {}): AnswerMeta {
  return {
    modelId: 'pocket-chat-1m',
    modelName: 'Pocket Chat 1M',
    backend: 'webgpu',
    dtype: 'q4',
    detail: 'WebGPU · google',
    routeReason: 'auto',
    params: { ...DEFAULT_PARAMS },
    ...extra,
  };
}

function chat(turns: Turn[], systemPrompt = ''): Conversation {
  return { id: 'c', title: 'Greetings', createdAt: 0, updatedAt: 0, systemPrompt, turns };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(NOW));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('conversationToMarkdown', () => {
  it('adds the reasoning tokens, time and effort of an answer that reasoned, but not its reasoning text', () => {
    const reasoned: AnswerMetrics = { ...metrics, reasoningTokens: 412, reasoningMs: 3200 };
    const md = conversationToMarkdown(
      chat([
        {
          id: 'a',
          role: 'assistant',
          content: '4.',
          reasoning: 'Simple arithmetic.',
          createdAt: 2,
          meta: meta({ metrics: reasoned, params: { ...DEFAULT_PARAMS, reasoningEffort: 'high' } }),
        },
      ]),
    );
    expect(md).toContain(' · reasoned 3.20 s · 412 reasoning tokens (effort high) · ');
    expect(md).not.toContain('Simple arithmetic.');
  });

  it('writes title, system prompt, turns and one metadata line per answer', () => {
    const md = conversationToMarkdown(
      chat(
        [
          { id: 'u', role: 'user', content: 'Hi', createdAt: 1 },
          { id: 'a', role: 'assistant', content: 'Hello!', createdAt: 2, meta: meta({ metrics, stopReason: 'eos' }) },
        ],
        '  Be brief.  ',
      ),
    );
    expect(md).toBe(
      [
        '# Greetings',
        '',
        `Exported ${NOW}`,
        '',
        '## System',
        '',
        'Be brief.',
        '',
        '## You',
        '',
        'Hi',
        '',
        '## Assistant',
        '',
        'Hello!',
        '',
        '> Pocket Chat 1M (pocket-chat-1m) · webgpu · q4 · WebGPU · google · TTFT 120 ms · prefill 410 tok/s · ' +
          'decode 9.8 tok/s · 20 prompt + 4 generated tokens · total 1.43 s · greedy · max 256 new tokens',
        '',
      ].join('\n'),
    );
  });

  it('lists sampling settings, a zero seed, a user stop and the error of an answer', () => {
    const params = { temperature: 0.7, topP: 0.9, topK: 40, maxNewTokens: 128, minNewTokens: 16, repetitionPenalty: 1.1, seed: 0 };
    const md = conversationToMarkdown(
      chat([
        { id: 'a', role: 'assistant', content: 'Partial', createdAt: 1, meta: meta({ params, stopReason: 'aborted', error: 'GPU lost' }) },
      ]),
    );
    expect(md).toContain(
      '\n> Pocket Chat 1M (pocket-chat-1m) · webgpu · q4 · WebGPU · google · temperature 0.7, top-p 0.9, top-k 40 · ' +
        'max 128 new tokens · min 16 new tokens · repetition penalty 1.1 · seed 0 · stopped by user\n>\n> Error: GPU lost\n',
    );
    expect(md).not.toContain('## System');
  });

  it('copies message text verbatim: no HTML escaping, code fences and headings kept as written', () => {
    const content = 'Use <script>alert(1)</script> & "quotes"\n\n```js\nconst a = 1;\n```\n## Not a real heading';
    const md = conversationToMarkdown(chat([{ id: 'u', role: 'user', content, createdAt: 1 }]));
    expect(md).toContain(`## You\n\n${content}\n`);
  });

  it('writes no metadata for an answer without meta', () => {
    const md = conversationToMarkdown(chat([{ id: 'a', role: 'assistant', content: 'Plain', createdAt: 1 }]));
    expect(md.endsWith('## Assistant\n\nPlain\n')).toBe(true);
    expect(md).not.toContain('>');
  });
});

describe('conversationToJson', () => {
  it('wraps the conversation with format, version and export time, and round-trips it exactly', () => {
    const conversation = chat(
      [
        { id: 'u', role: 'user', content: 'quote " backslash \\ newline \n tab \t nul \u0000 line-sep \u2028 </script> 😀', createdAt: 1 },
        { id: 'a', role: 'assistant', content: 'ok', createdAt: 2, meta: meta({ metrics }) },
      ],
      'sys',
    );
    const json = conversationToJson(conversation);
    expect(json.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(json) as { format: unknown; version: unknown; exportedAt: unknown; conversation: unknown };
    expect(parsed.format).toBe(EXPORT_FORMAT);
    expect(parsed.version).toBe(EXPORT_VERSION);
    expect(parsed.exportedAt).toBe(NOW);
    expect(parsed.conversation).toEqual(conversation);
  });
});

describe('exportFileName', () => {
  const named = (title: string): Conversation => ({ ...chat([]), title });

  it('slugs the title to lowercase ASCII words joined by hyphens', () => {
    expect(exportFileName(named('Phi-4 mini: chat!'), 'md')).toBe('phi-4-mini-chat.md');
    expect(exportFileName(named('  --Hello,   World--  '), 'json')).toBe('hello-world.json');
  });

  it('falls back to "chat" when nothing ASCII is left', () => {
    expect(exportFileName(named('Привет 👋'), 'md')).toBe('chat.md');
    expect(exportFileName(named(''), 'json')).toBe('chat.json');
  });

  it('keeps names to 60 characters before the extension', () => {
    expect(exportFileName(named('a'.repeat(100)), 'md')).toBe(`${'a'.repeat(60)}.md`);
  });

  it('never ends a shortened name with a hyphen', () => {
    // The 60-character cut falls right after the hyphen that joins the last two words.
    expect(exportFileName(named(`${'a'.repeat(59)} b`), 'md')).toBe(`${'a'.repeat(59)}.md`);
    expect(exportFileName(named(`${'Word, '.repeat(12)}end`), 'json')).toBe(`${'word-'.repeat(11)}word.json`);
    expect(exportFileName(named(`--${'a'.repeat(59)} b`), 'md')).toBe(`${'a'.repeat(59)}.md`);
  });
});
