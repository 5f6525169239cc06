/**
 * The rubric, end to end in real Chromium: a small run of Pocket Chat 1M on WASM graded by a
 * judge, Pocket Chat 1M itself on WASM, through the Benchmark tab (judge picked, its prompt
 * edited); then a grade set by hand, a reload, and the exported Markdown.
 *
 * The judge's replies are recorded with each answer. Two checks make them trustworthy: the grades
 * stored must be exactly what parsing those replies gives, and each reply must be what the same
 * model answers in the chat to the same prompt, filled in here from the template (greedy
 * decoding gives the same text for the same tokens on every path).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Download, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { BenchSession } from '../../src/app/bench-session';
import type { BenchRun, BenchSample } from '../../src/bench/bench-types';
import { JUDGE_MAX_NEW_TOKENS } from '../../src/bench/judge-runner';
import { parseJudgeReply } from '../../src/bench/judge-reply';
import { launchChromium } from './support/chromium';
import { lastAnswer, openApp, typeAndSend, waitForModel, waitIdle } from './support/app';
import { readGolden, goldenMessages } from '../support/paths';

type BenchWindow = Window & { bench?: BenchSession };

let browser: Browser;
const baseUrl = inject('baseUrl');

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

const golden = readGolden('pocket-chat-1m');
const messagesOf = (question: string) => goldenMessages(golden, question);

const promptSet = {
  name: 'rubric, small',
  prompts: [
    { id: 'add', messages: messagesOf('What is 2 plus 3?'), reference: '2 plus 3 is 5.' },
    { id: 'capital', messages: messagesOf('What is the capital of France?') },
    { id: 'count', messages: messagesOf('Count from 3 to 8.'), facets: ['8'] },
  ],
};

/** Short: Pocket Chat reads 512 tokens at most, and the default template is written for real models. */
const TEMPLATE = 'Grade {{answer}} as an answer to {{question}} (reference: {{reference}}). Coherence, factuality, concision?';

/** The template filled here, independently of the app: what the judge must have been asked. */
function filled(question: string, reference: string | undefined, answer: string): string {
  return TEMPLATE.replace('{{answer}}', answer)
    .replace('{{question}}', question)
    .replace('{{reference}}', reference ?? '(none given)');
}

async function download(page: Page, button: Locator): Promise<string> {
  const event: Promise<Download> = page.waitForEvent('download');
  await button.click();
  return fs.readFile(await (await event).path(), 'utf8');
}

const storedRun = (page: Page): Promise<BenchRun> =>
  page.evaluate(() => JSON.parse(JSON.stringify((window as BenchWindow).bench!.runs[0])) as BenchRun);

const measured = (run: BenchRun): BenchSample[] => run.samples.filter((s) => !s.warmup && s.error === null);

it('grades a run with a bundled judge, keeps its replies, and keeps a hand grade across a reload and in the export', async () => {
  const { page, errors } = await openApp(browser, baseUrl, { device: 'wasm', maxNewTokens: JUDGE_MAX_NEW_TOKENS });
  try {
    await waitForModel(page);
    await page.getByRole('button', { name: 'Benchmark', exact: true }).click();
    const config = page.locator('bench-config');
    await config.locator('input[data-target="pocket-chat-1m|wasm"]').waitFor();
    const checked = config.locator('input[data-target]:checked');
    while ((await checked.count()) > 0) await checked.first().uncheck();
    await config.locator('input[data-target="pocket-chat-1m|wasm"]').check();
    for (const [name, value] of [
      ['rounds', '2'],
      ['warmupRounds', '0'],
      ['maxNewTokens', '40'],
    ] as const) {
      await config.locator(`input[name="${name}"]`).fill(value);
      await config.locator(`input[name="${name}"]`).press('Tab');
    }
    const picker = config.locator('input[type="file"]');
    await picker.setInputFiles({ name: 'prompts.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(promptSet)) });
    await expect.poll(() => page.evaluate(() => (window as BenchWindow).bench?.plan.promptSetName)).toBe(promptSet.name);

    // The judge and its prompt, picked and edited in the tab; a prompt without {{answer}} is refused.
    const judge = page.locator('bench-judge');
    await judge.locator('select#judge').selectOption('pocket-chat-1m|wasm');
    await judge.locator('summary').click();
    const template = judge.locator('textarea#judge-template');
    await template.fill('Grade this: {{question}}');
    await judge.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => judge.locator('p.error').innerText()).toMatch(/must contain \{\{answer\}\}/);
    await template.fill(TEMPLATE);
    await judge.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => judge.locator('p.error').count()).toBe(0);
    expect(await page.evaluate(() => (window as BenchWindow).bench!.judgeTemplate)).toBe(TEMPLATE);

    await page.getByRole('button', { name: 'Run benchmark' }).click();
    await page.waitForFunction(() => (window as BenchWindow).bench?.running === true, null, { timeout: 10_000 });
    await page.waitForFunction(() => (window as BenchWindow).bench?.running === false, null, { timeout: 200_000, polling: 250 });
    expect(await page.evaluate(() => (window as BenchWindow).bench!.problem)).toBeNull();
    const run = await storedRun(page);
    const answers = measured(run);
    expect(answers).toHaveLength(6);
    for (const s of answers) {
      const at = `${s.promptId} round ${s.round}`;
      expect(s.rubric?.by, at).toBe('judge');
      expect(s.rubric?.judge, at).toBe('pocket-chat-1m');
      expect(typeof s.rubric?.reply, at).toBe('string');
      const verdict = parseJudgeReply(s.rubric!.reply!);
      expect({ ...verdict.grades, problem: verdict.problem }, at).toEqual({
        coherence: s.rubric!.coherence,
        factuality: s.rubric!.factuality,
        concision: s.rubric!.concision,
        problem: s.rubric!.problem,
      });
    }

    // Each distinct answer's reply, asked again in the chat: the same model, the same prompt.
    const distinct = [...new Map(answers.map((s) => [`${s.promptId}\n${s.output}`, s])).values()];
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await waitForModel(page);
    for (const s of distinct) {
      const prompt = promptSet.prompts.find((p) => p.id === s.promptId)!;
      const question = prompt.messages[prompt.messages.length - 1]!.content;
      await page.locator('conversation-list button.new').click();
      await typeAndSend(page, filled(question, prompt.reference, s.output));
      await waitIdle(page);
      expect((await lastAnswer(page)).content, s.promptId).toBe(s.rubric!.reply);
    }

    // A grade by hand: coherence 2 for the "add" answer, in the results, on both rounds' samples.
    await page.getByRole('button', { name: 'Benchmark', exact: true }).click();
    const add = page.locator('bench-answers li[data-prompt="add"]');
    await add.locator('button[data-criterion="coherence"][data-grade="2"]').click();
    await expect.poll(() => add.locator('button[data-criterion="coherence"][aria-pressed="true"]').innerText()).toBe('2');
    await page.reload();
    await page.getByRole('button', { name: 'Benchmark', exact: true }).click();
    await expect
      .poll(() => page.locator('bench-answers li[data-prompt="add"] button[data-criterion="coherence"][aria-pressed="true"]').innerText(), {
        timeout: 30_000,
      })
      .toBe('2');
    const reloaded = await storedRun(page);
    const addJudged = answers.find((s) => s.promptId === 'add')!.rubric!;
    for (const s of measured(reloaded).filter((x) => x.promptId === 'add')) {
      expect(s.rubric).toEqual({
        coherence: 2,
        factuality: addJudged.factuality,
        concision: addJudged.concision,
        by: 'hand',
        judge: null,
        reply: null,
        problem: null,
      });
    }
    for (const s of measured(reloaded).filter((x) => x.promptId !== 'add')) expect(s.rubric?.by).toBe('judge');

    // For a person to look at (RUBRIC_SCREENSHOT=1): the results with the rubric, and the judge's setup.
    if (process.env['RUBRIC_SCREENSHOT']) {
      await page.locator('bench-answers li[data-prompt="capital"] details.reply summary').click();
      await page.locator('section[aria-label="Results"]').screenshot({ path: path.join(os.tmpdir(), 'rubric-results.png') });
      await page.locator('bench-judge summary').click();
      await page.locator('bench-judge').screenshot({ path: path.join(os.tmpdir(), 'rubric-judge.png') });
    }

    // The run's Markdown: its rubric row holds the means of what is stored, computed here.
    const markdown = await download(page, page.locator('bench-results').getByRole('button', { name: 'Markdown' }));
    const graded = measured(reloaded);
    const meanOf = (c: 'coherence' | 'factuality' | 'concision'): number | null => {
      const xs = graded.map((s) => s.rubric?.[c]).filter((g): g is number => typeof g === 'number');
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
    };
    const means = [meanOf('coherence'), meanOf('factuality'), meanOf('concision')];
    expect(means[0]).not.toBeNull();
    const known = means.filter((m): m is number => m !== null);
    const score = known.length === 3 ? `${Math.round(((known.reduce((a, b) => a + b, 0) / 3 - 1) / 4) * 100)}%` : '–';
    const complete = graded.filter(
      (s) => s.rubric && s.rubric.coherence !== null && s.rubric.factuality !== null && s.rubric.concision !== null,
    );
    const unscored = graded.filter((s) => s.rubric?.problem);
    expect(markdown).toContain('## Rubric (1–5)');
    expect(markdown).toContain(
      `|pocket-chat-1m · WASM ${run.targets[0]!.dtype}|${means.map((m) => (m === null ? '–' : m.toFixed(1))).join('|')}|${score}|` +
        `${complete.length}|${unscored.length}|hand + judge pocket-chat-1m|`,
    );
    expect(errors).toEqual([]);
  } finally {
    await page.context().close();
  }
});
