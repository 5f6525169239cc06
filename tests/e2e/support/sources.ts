/**
 * Driving the Sources panel in a real page: open it, paste text, pick files, drop files, and
 * read back what the app holds (the open conversation's sources, failures, the retrieval worker's
 * counters).
 */
import type { Page } from 'playwright-core';
import type { SourceRecord } from '../../../src/cache/source-store';
import type { RetrievalStats } from '../../../src/rag/retrieval-types';
import type { RetrievalClient } from '../../../src/rag/retrieval-client';
import type { AppWindow } from './app';

type SourcesWindow = AppWindow & { retrieval?: RetrievalClient };

/** Opens the panel (it stays open while something is being added or has failed). */
export async function openSources(page: Page): Promise<void> {
  const open = await page.locator('sources-panel details').evaluate((d) => (d as HTMLDetailsElement).open);
  if (!open) await page.locator('sources-panel summary').click();
}

/** The open conversation's sources, as the app lists them. */
export function currentSources(page: Page): Promise<SourceRecord[]> {
  return page.evaluate(() => {
    const app = (window as SourcesWindow).playground!;
    return JSON.parse(JSON.stringify(app.sources.of(app.chats.currentId))) as SourceRecord[];
  });
}

/** Waits until nothing is being read or indexed in the open conversation. */
export async function waitSourcesSettled(page: Page, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const app = (window as SourcesWindow).playground;
      return app !== undefined && app.sources.addingTo(app.chats.currentId).length === 0;
    },
    null,
    { timeout, polling: 100 },
  );
}

/** Pastes `text` into the panel's box and presses "Add text", like a person; waits until it is indexed. */
export async function pasteSource(page: Page, text: string): Promise<void> {
  await openSources(page);
  await page.locator('sources-panel textarea').fill(text);
  await page.locator('sources-panel button[type="submit"]').click();
  // "Adding" shows at once; indexing may take a moment.
  await page.waitForFunction(() => {
    const app = (window as SourcesWindow).playground!;
    return app.sources.addingTo(app.chats.currentId).length === 0;
  });
  await waitSourcesSettled(page);
}

/** Picks files with the panel's file input. */
export async function pickFiles(page: Page, files: string[]): Promise<void> {
  await openSources(page);
  await page.locator('sources-panel input[type="file"]').setInputFiles(files);
  await page.waitForFunction(() => {
    const app = (window as SourcesWindow).playground!;
    return (
      app.sources.addingTo(app.chats.currentId).length > 0 ||
      app.sources.failuresOf(app.chats.currentId).length > 0 ||
      app.sources.of(app.chats.currentId).length > 0
    );
  });
  await waitSourcesSettled(page);
}

/** Drops files (name and bytes) on the conversation, as a drag from the desktop would. */
export async function dropFiles(page: Page, files: { name: string; type: string; bytes: Buffer }[]): Promise<void> {
  const data = await page.evaluateHandle(
    (list) => {
      const transfer = new DataTransfer();
      for (const f of list) transfer.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
      return transfer;
    },
    files.map((f) => ({ name: f.name, type: f.type, bytes: [...f.bytes] })),
  );
  await page.locator('chat-view .scroller').dispatchEvent('dragover', { dataTransfer: data });
  await page.locator('chat-view .scroller').dispatchEvent('drop', { dataTransfer: data });
  await data.dispose();
  await waitSourcesSettled(page);
}

/** The failures shown for the open conversation, as the panel words them. */
export async function failureTexts(page: Page): Promise<string[]> {
  return page.locator('sources-panel .error span').allInnerTexts();
}

/** The retrieval worker's counters (it is started if it is not running). */
export function retrievalStats(page: Page): Promise<RetrievalStats & { tokenizersLoaded?: number }> {
  return page.evaluate(() => (window as SourcesWindow).retrieval!.stats());
}

/** Made-up facts, so the model cannot know them: only retrieval can find the one asked about. */
export const HARBOR_DOCUMENT = [
  '# Harbor Lantern',
  '',
  'The Harbor Lantern is a small reading lamp for boats. Its brass lens is cleaned with a dry cloth.',
  '',
  '## Battery',
  '',
  'The lantern battery is replaced every four years by the harbor master.',
  '',
  '# Moss Garden',
  '',
  'The moss garden is watered with rain water at dawn. Its gate opens at seven on weekdays.',
].join('\n');
