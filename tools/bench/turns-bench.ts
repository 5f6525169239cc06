/**
 * Multi-turn benchmark: time to first token per turn of one conversation, with the KV cache carried
 * across turns (the default) and without it, in the app as users run it (production build, Chromium,
 * the bundled model, prompts typed into the chat). Turn N's prompt holds every earlier turn, so
 * without reuse its prefill grows with the conversation; with reuse only the new question (and the
 * end of the previous answer) is read.
 *
 * Both conversations run in the same page, one after the other (the app keeps one cache, the last
 * answer's), their order swapped every repeat. Reported per turn: the median TTFT and
 * prompt tokens read; the headline is TTFT of the last turn over the first, with reuse and without,
 * and without-over-with at the last turn.
 *
 *   npm run bench:turns -- [--model pocket-chat-3m] [--device wasm|webgpu] [--turns 8]
 *                          [--answer-tokens 40] [--repeats 3] [--no-build] [--json out.json]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { build, preview } from 'vite';
import type { Playground } from '../../src/app/playground';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';
import { launchChromium } from '../../tests/e2e/support/chromium';
import { turnsReport, type TurnSample } from './turns-report';

type BenchWindow = Window & { playground?: Playground };

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT_DIR = path.join(ROOT, 'dist-bench-turns');

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'pocket-chat-3m' },
    device: { type: 'string', default: 'wasm' },
    turns: { type: 'string', default: '8' },
    'answer-tokens': { type: 'string', default: '40' },
    repeats: { type: 'string', default: '3' },
    'no-build': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const turns = Number(values.turns);
const answerTokens = Number(values['answer-tokens']);
const repeats = Number(values.repeats);

/** Questions of one conversation; a turn past the list repeats it with its number. */
const QUESTIONS = [
  'My name is Ada.',
  'What is 2 plus 3?',
  'Tell me about the moon.',
  'What is the capital of France?',
  'List three fruits.',
  'Spell the word rocket.',
  'Count from 3 to 8.',
  'What is my name?',
];
const question = (turn: number): string => QUESTIONS[turn % QUESTIONS.length]! + (turn >= QUESTIONS.length ? ` (${turn + 1})` : '');

/** Opens a conversation of its own in the page, sends `text` with reuse on or off, and times it. */
async function ask(page: Page, conversationId: string, text: string, reuse: boolean): Promise<TurnSample> {
  return page.evaluate(
    async ({ conversationId, text, reuse, answerTokens }) => {
      const app = (window as BenchWindow).playground!;
      app.chats.switchTo(conversationId);
      app.settings.setParams({
        ...app.settings.preferences.params,
        reuseCache: reuse,
        maxNewTokens: answerTokens,
        minNewTokens: answerTokens,
      });
      await app.generation.send(text);
      const answer = app.chats.current.turns.at(-1);
      const m = answer?.meta?.metrics;
      if (!m || answer.meta?.error) throw new Error(answer?.meta?.error ?? 'the answer has no metrics');
      return { ttftMs: m.ttftMs ?? Number.NaN, promptTokens: m.promptTokens, cachedTokens: m.cachedPromptTokens ?? 0 };
    },
    { conversationId, text, reuse, answerTokens },
  );
}

/** A new, empty conversation (the previous one always has turns, so it is not reused); its id. */
async function newConversation(page: Page): Promise<string> {
  return page.evaluate(() => {
    const app = (window as BenchWindow).playground!;
    app.chats.newConversation();
    return app.chats.currentId;
  });
}

async function main(): Promise<void> {
  if (!values['no-build']) {
    process.env['NODE_ENV'] = 'production';
    await build({ root: ROOT, logLevel: 'warn', mode: 'production', build: { outDir: OUT_DIR } });
  }
  const server = await preview({ root: ROOT, logLevel: 'warn', build: { outDir: OUT_DIR }, preview: { host: '127.0.0.1', port: 0 } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('the preview server has no port');
  const browser = await launchChromium({ webgpu: values.device === 'webgpu' });
  const samples: Record<'on' | 'off', TurnSample[][]> = { on: [], off: [] };
  try {
    const context = await browser.newContext();
    const prefs = { params: DEFAULT_PARAMS, modelId: values.model, device: values.device, dtype: 'auto', measureVariants: false };
    await context.addInitScript((value) => localStorage.setItem('playground.preferences.v1', value), JSON.stringify(prefs));
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${address.port}/`);
    const loaded = await page.waitForFunction(
      () => {
        const load = (window as BenchWindow).playground?.models.primary.load;
        if (load?.kind === 'error') throw new Error(load.message);
        return load?.kind === 'ready' ? `${load.route.loaded.modelId} · ${load.route.loaded.dtype} · ${load.route.loaded.detail}` : null;
      },
      null,
      { timeout: 300_000, polling: 200 },
    );
    const where = await loaded.jsonValue();
    console.log(`${where}; ${turns} turns of ${answerTokens} tokens, ${repeats} repeats`);
    for (let r = 0; r < repeats; r++) {
      // One conversation at a time: the app keeps one cache, the last answer's, so turns of two
      // conversations interleaved would never share it. The order of the two swaps every repeat.
      const order: ('on' | 'off')[] = r % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
      for (const mode of order) {
        const id = await newConversation(page);
        const conversation: TurnSample[] = [];
        for (let t = 0; t < turns; t++) conversation.push(await ask(page, id, question(t), mode === 'on'));
        samples[mode].push(conversation);
        process.stdout.write(mode === 'on' ? '+' : '-');
      }
    }
    process.stdout.write('\n');
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
  const report = turnsReport(samples, { where: values.model, turns, answerTokens, repeats, device: values.device });
  console.log(report.markdown);
  if (values.json) fs.writeFileSync(values.json, JSON.stringify({ samples, summary: report.summary }, null, 2));
}

await main();
