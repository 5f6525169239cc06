/**
 * Documents from disk as sources, in Chromium: a PDF (pdf.js, its worker served by this app) and a
 * Word document (mammoth) picked with the file input, an HTML page dropped on the conversation
 * (read as text: its script never runs, its image never loads), each listed with its size and
 * passages and retrieved for a question; and the bad files, each refused beside the field in its
 * own words with nothing listed: a scan without text, a password-protected PDF, a .docx that is
 * not one, text that is not UTF-8, an empty file, and a file over 50 MB (refused before it is read).
 * The fixtures are written by tests/fixtures/sources/make-fixtures.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { lastAnswer, openApp, typeAndSend, waitForModel, waitIdle } from './support/app';
import { launchChromium } from './support/chromium';
import { currentSources, dropFiles, failureTexts, pickFiles } from './support/sources';

const baseUrl = inject('baseUrl');
const FIXTURES = path.join(import.meta.dirname, '../fixtures/sources');
const fixture = (name: string): string => path.join(FIXTURES, name);
let browser: Browser;
let bigDir: string;

beforeAll(async () => {
  browser = await launchChromium();
  bigDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sources-'));
});
afterAll(async () => {
  await browser.close();
  fs.rmSync(bigDir, { recursive: true, force: true });
});

it('reads a PDF and a Word document picked from disk and an HTML page dropped on the chat, and retrieves from them', async () => {
  const { page, context, requests, errors } = await openApp(browser, baseUrl, { device: 'wasm', maxNewTokens: 16 });
  try {
    await waitForModel(page);
    const before = requests.length;
    await pickFiles(page, [fixture('handbook.pdf'), fixture('garden.docx')]);
    await dropFiles(page, [{ name: 'lighthouse.html', type: 'text/html', bytes: fs.readFileSync(fixture('lighthouse.html')) }]);
    const sources = await currentSources(page);
    expect(sources.map((s) => [s.name, s.kind, s.bytes])).toEqual([
      ['handbook.pdf', 'pdf', fs.statSync(fixture('handbook.pdf')).size],
      ['garden.docx', 'docx', fs.statSync(fixture('garden.docx')).size],
      ['lighthouse.html', 'html', fs.statSync(fixture('lighthouse.html')).size],
    ]);
    expect(await failureTexts(page)).toEqual([]);
    const facts = await page.locator('sources-panel .source .facts').allInnerTexts();
    expect(facts.map((f) => f.split(' · ')[0])).toEqual(['PDF', 'Word', 'HTML']);
    expect(facts.map((f) => f.split(' · ')[2])).toEqual(sources.map((s) => `${s.chunkCount} passage${s.chunkCount === 1 ? '' : 's'}`));
    // pdf.js and mammoth came from this app, loaded when the files arrived; the HTML's image never loaded.
    const fetched = requests.slice(before).map((r) => new URL(r.url()));
    expect(fetched.every((u) => u.origin === new URL(baseUrl).origin)).toBe(true);
    expect(fetched.some((u) => /\/assets\/pdf\.worker\.min-[\w-]+\.mjs$/.test(u.pathname))).toBe(true);
    expect(await page.evaluate(() => (window as Window & { __ran?: boolean }).__ran)).toBeUndefined();

    const asking = requests.length;
    for (const [question, source, heading, fact] of [
      ['When is the lantern battery replaced?', 'handbook.pdf', 'Page 2', 'The lantern battery is replaced every four years.'],
      ['When does the garden gate open?', 'garden.docx', 'Moss Garden Guide › Visiting', 'The garden gate opens at seven on weekdays.'],
      [
        'What is the name of the north lighthouse keeper?',
        'lighthouse.html',
        'Lighthouse Log',
        'The north lighthouse keeper is named Ada Quill.',
      ],
    ] as const) {
      await typeAndSend(page, question);
      await waitIdle(page);
      const [best] = (await lastAnswer(page)).meta!.grounding!.passages;
      expect(best, question).toMatchObject({ n: 1, sourceName: source, heading });
      expect(best!.text).toContain(fact);
    }
    expect(requests.slice(asking).map((r) => r.url())).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('refuses bad files beside the field, in words, and lists none of them', async () => {
  const big = path.join(bigDir, 'archive.txt');
  // Sparse: 50 MB and one byte on disk without writing them; the app must refuse it before reading.
  fs.writeFileSync(big, '');
  fs.truncateSync(big, 50_000_001);
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm' });
  try {
    await waitForModel(page);
    await pickFiles(page, [
      fixture('scanned.pdf'),
      fixture('locked.pdf'),
      fixture('not-a-docx.docx'),
      fixture('latin1.txt'),
      fixture('empty.txt'),
      big,
    ]);
    expect(await currentSources(page)).toEqual([]);
    const texts = await failureTexts(page);
    expect(texts).toHaveLength(6);
    expect(texts[0]).toMatch(
      /^scanned\.pdf has no text to read: its page is an image \(a scan\?\)\. Run it through text recognition \(OCR\) first/,
    );
    expect(texts[1]).toMatch(/^locked\.pdf is protected by a password\. Open it, save a copy without the password/);
    expect(texts[2]).toMatch(/^not-a-docx\.docx could not be read as a Word document \(\.docx\): the file is not a \.docx/);
    expect(texts[3]).toMatch(/^latin1\.txt is not UTF-8 text \(byte 0xE9 at offset 3 is not valid UTF-8/);
    expect(texts[4]).toBe('empty.txt is empty: there is nothing to answer from.');
    expect(texts[5]).toBe(
      'archive.txt is too large: 50.0 MB (50,000,001 bytes), and a source can be at most 50 MB (50,000,000 bytes). Split it, or add only the part you need.',
    );
    // Each can be dismissed on its own.
    await page.locator('sources-panel .error').first().getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => failureTexts(page)).toHaveLength(5);
    expect(await failureTexts(page)).toEqual(texts.slice(1));
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
