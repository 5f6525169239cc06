/**
 * Grounded answers from a gateway, in Chromium: the panel says the passages go to the gateway,
 * the gateway receives the grounding instruction and the numbered passages with the question,
 * and the citation marks of its answer are buttons that open the passage they name. The server
 * is scripted to cite (tests/e2e/support/scripted-gateway.ts): the bundled models are not yet
 * trained to; its answer also cites a number no passage has, which stays plain text.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { GROUNDING_INSTRUCTION } from '../../src/rag/prompt';
import { lastAnswer, openApp, typeAndSend, waitForModel, waitForRendered, waitIdle } from './support/app';
import { launchChromium } from './support/chromium';
import { openSources, pasteSource } from './support/sources';
import { startScriptedGateway, type ScriptedGateway } from './support/scripted-gateway';

const baseUrl = inject('baseUrl');
const gatewayUrl = `http://127.0.0.1:${inject('gatewayPort')}`;
let browser: Browser;
let gateway: ScriptedGateway;

const ANSWER = 'Foundry Local runs models on your device [1]; small models answer quickly on a laptop [2]. See also [9].';
const DOCUMENT = [
  '# Foundry Local',
  '',
  'Foundry Local runs language models on your own device, with an OpenAI-compatible API.',
  '',
  '# RAG',
  '',
  'Retrieval augmented generation adds passages from your documents to the prompt.',
  '',
  '# SLMs',
  '',
  'Small language models need less memory and answer quickly on a laptop.',
].join('\n');

beforeAll(async () => {
  browser = await launchChromium();
  gateway = await startScriptedGateway(inject('gatewayPort'), () => ({ text: ANSWER, chunkChars: 6, intervalMs: 2 }));
});
afterAll(async () => {
  await gateway.close();
  await browser.close();
});

it('sends the grounded prompt to the gateway, says so, and makes each citation open its passage', async () => {
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'gateway', gateway: { baseUrl: gatewayUrl } });
  try {
    expect((await waitForModel(page)).backend).toBe('gateway');
    await openSources(page);
    expect(await page.locator('sources-panel .gateway').innerText()).toContain(
      `Answers come from the gateway at ${gatewayUrl}: the passages found for each question are sent there with it.`,
    );
    await pasteSource(page, DOCUMENT);
    await typeAndSend(page, 'What do Foundry Local and small language models do?');
    await waitIdle(page);
    await waitForRendered(page);

    // What the gateway got: the instruction, then the numbered passages and the question.
    const body = gateway.requests().at(-1) as { messages: { role: string; content: string }[] };
    expect(body.messages).toEqual([
      { role: 'system', content: GROUNDING_INSTRUCTION },
      {
        role: 'user',
        content:
          'Context:\n[1] Pasted: Foundry Local › Foundry Local\nFoundry Local runs language models on your own device, with an OpenAI-compatible API.\n\n' +
          '[2] Pasted: Foundry Local › SLMs\nSmall language models need less memory and answer quickly on a laptop.\n\n' +
          // No word of the question is in it, but the embedding model ranks every passage: it fits, so it goes in.
          '[3] Pasted: Foundry Local › RAG\nRetrieval augmented generation adds passages from your documents to the prompt.\n\n' +
          'Question: What do Foundry Local and small language models do?',
      },
    ]);
    const grounding = (await lastAnswer(page)).meta!.grounding!;
    expect(grounding.counter).toBe('an estimate (3 characters a token)');
    expect(grounding.semantic).toBe('pocket-embed (fp32)');
    expect(grounding.passages[2]!.lexical).toBeUndefined();

    // [1] and [2] are buttons; [9] names no passage and stays text.
    const message = page.locator('chat-message').last();
    const marks = message.locator('.md-body button.cite');
    expect(await marks.allInnerTexts()).toEqual(['1', '2']);
    expect(await message.locator('.md-body').innerText()).toBe(ANSWER);
    expect(await marks.nth(1).getAttribute('aria-label')).toBe('Source 2: Pasted: Foundry Local › SLMs');

    await marks.nth(1).click();
    const shown = message.locator('answer-sources li.shown');
    expect(await shown.getAttribute('data-n')).toBe('2');
    expect(await shown.locator('.text').innerText()).toBe('Small language models need less memory and answer quickly on a laptop.');
    await marks.nth(0).click();
    expect(await message.locator('answer-sources li.shown').getAttribute('data-n')).toBe('1');
    expect(await message.locator('answer-sources li.shown .text').innerText()).toBe(grounding.passages[0]!.text);
    expect(await message.locator('answer-sources .sent').innerText()).toBe('These passages were sent to the gateway with the question.');
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
