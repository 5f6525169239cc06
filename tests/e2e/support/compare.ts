/**
 * Driving the Compare tab: its settings stored before the page loads, and a question asked
 * through its composer, resolved with the round it made once every answer of it has ended.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { CompareRound } from '../../../src/app/compare-session';
import type { CompareSettingsValue } from '../../../src/app/compare-settings';
import type { AppWindow } from './app';

/** Stores the compare settings before the first page script runs, unless the page already has some (a reload). */
export async function withCompareSettings(context: BrowserContext, settings: Partial<CompareSettingsValue>): Promise<void> {
  await context.addInitScript((value) => {
    if (!localStorage.getItem('playground.compare.v1')) localStorage.setItem('playground.compare.v1', value);
  }, JSON.stringify(settings));
}

export async function askCompare<R extends CompareRound>(page: Page, question: string, kind: R['kind']): Promise<R> {
  const before = await page.evaluate(() => (window as AppWindow).playground!.compare.rounds.length);
  const box = page.locator('compare-view chat-composer textarea');
  await box.fill(question);
  await box.press('Enter');
  // A short answer can start and end between two polls, so wait for its round, not for `running`.
  await page.waitForFunction(
    (n) => {
      const compare = (window as AppWindow).playground!.compare;
      return compare.rounds.length > n && !compare.running;
    },
    before,
    { timeout: 180_000, polling: 200 },
  );
  const round = (await page.evaluate(
    () => JSON.parse(JSON.stringify((window as AppWindow).playground!.compare.rounds.at(-1))) as unknown,
  )) as R;
  if (round.kind !== kind) throw new Error(`expected a ${kind} round, got ${round.kind}`);
  return round;
}
