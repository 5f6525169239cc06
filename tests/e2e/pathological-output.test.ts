/**
 * A megabyte of the model output that breaks Markdown parsers (deep nesting, emphasis floods, a
 * huge table, 20,000 links, one character looped, hostile HTML), streamed by a scripted
 * OpenAI-compatible server through the preview server's `/gateway` proxy into the real chat UI.
 * The answer must finish with every character kept, stay readable, run nothing, and never block
 * the page: long tasks are found with a PerformanceObserver for the whole stream, and each is held
 * to 100 ms of the page's own main-thread CPU time, read from a Chromium trace of the same tasks
 * (their wall time also counts whatever else this shared machine runs; see main-thread-trace.ts).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { lastAnswer, openApp, typeAndSend, waitForModel, waitForRendered, waitIdle } from './support/app';
import { traceMainThread, tracedTask } from './support/main-thread-trace';
import { startScriptedGateway, type ScriptedGateway } from './support/scripted-gateway';
import { PATHOLOGICAL_ANSWER, PATHOLOGICAL_END, PATHOLOGICAL_LINKS, PATHOLOGICAL_TABLE_ROWS } from '../support/pathological-markdown';

const ANSWER = PATHOLOGICAL_ANSWER;

let browser: Browser;
let gateway: ScriptedGateway;

beforeAll(async () => {
  browser = await launchChromium();
  // ~1 MB in 512-character chunks every 3 ms: about 150 KB/s, a fast server.
  gateway = await startScriptedGateway(inject('gatewayPort'), () => ({ text: ANSWER, chunkChars: 512, intervalMs: 3 }));
});
afterAll(async () => {
  await gateway.close();
  await browser.close();
});

interface LongTask {
  start: number;
  duration: number;
}

it('streams a megabyte of pathological Markdown to the end without blocking the page or running anything', async () => {
  expect(ANSWER.length).toBeGreaterThan(1_000_000);
  const { page, context, errors } = await openApp(browser, inject('baseUrl'), {
    device: 'gateway',
    gateway: { baseUrl: `http://127.0.0.1:${inject('gatewayPort')}` },
    // Long tasks are recorded from the first moment; the test reads those of the stream.
    beforeOpen: (ctx) =>
      ctx.addInitScript(() => {
        const tasks: { start: number; duration: number }[] = [];
        (window as Window & { __longTasks?: typeof tasks }).__longTasks = tasks;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) tasks.push({ start: performance.timeOrigin + e.startTime, duration: e.duration });
        }).observe({ type: 'longtask', buffered: true });
      }),
  });
  try {
    expect((await waitForModel(page)).backend).toBe('gateway');
    const trace = await traceMainThread(context, page);
    await typeAndSend(page, 'Write something nasty');
    await waitIdle(page, 180_000);
    const answer = await lastAnswer(page);
    expect(answer.meta?.error).toBeUndefined();
    expect(answer.content.length).toBe(ANSWER.length);
    expect(answer.content === ANSWER).toBe(true);

    await waitForRendered(page);
    const renderedAt = await page.evaluate(() => Date.now());
    const traced = await trace.stop();
    const message = page.locator('chat-message').last();
    const timings = gateway.timings();
    expect(timings).not.toBeNull();

    const view = await message.evaluate((el) => {
      const root = el.shadowRoot!;
      const body = root.querySelector('.md-body')!;
      const links = [...body.querySelectorAll<HTMLAnchorElement>('a[href]')];
      return {
        // textContent: innerText leaves out chunks scrolled off screen (content-visibility: auto).
        text: body.textContent,
        links: links.length,
        safeLinks: links.filter((a) => /^https:\/\/example\.org\/\d+$/.test(a.getAttribute('href') ?? '') && a.rel.includes('noopener'))
          .length,
        rows: body.querySelectorAll('tbody tr').length,
        quoteDepth: (() => {
          let depth = 0;
          for (let q = body.querySelector('blockquote'); q; q = q.querySelector(':scope > blockquote')) depth++;
          return depth;
        })(),
        notice: root.querySelector('.plain-notice')?.textContent ?? '',
        handlers: [...root.querySelectorAll('*')].flatMap((n) =>
          [...n.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${n.tagName}@${a.name}`),
        ),
        forbidden: [...body.querySelectorAll('script, img, iframe, style, svg')].length,
        pwned: (window as Window & { __pwned?: unknown }).__pwned ?? null,
        overflow: (() => {
          const scroller = document
            .querySelector('playground-app')!
            .shadowRoot!.querySelector('chat-view')!
            .shadowRoot!.querySelector('.scroller')!;
          return scroller.scrollWidth - scroller.clientWidth;
        })(),
      };
    });
    // Readable: the end is there, links stay links, the table keeps every row, the quotes end at a
    // readable depth with the rest as text. With nesting capped and blocks bounded, marked parses
    // every block, so nothing needs the plain-text fallback (tests/unit/markdown-limits.test.ts).
    // (A megabyte of text in a failure message helps nobody: report only what is missing.)
    const missing = [
      PATHOLOGICAL_END,
      'bottom of the quotes',
      'bottom of the list',
      'deepest-bold',
      `link ${PATHOLOGICAL_LINKS - 1}`,
    ].filter((s) => !view.text.includes(s));
    expect(missing).toEqual([]);
    expect(view.links).toBe(PATHOLOGICAL_LINKS);
    expect(view.safeLinks).toBe(PATHOLOGICAL_LINKS);
    expect(view.rows).toBe(PATHOLOGICAL_TABLE_ROWS);
    expect(view.quoteDepth).toBe(16);
    expect(view.notice).toBe('');
    expect(view.overflow).toBeLessThanOrEqual(1);
    // Inert.
    expect(view.pwned).toBeNull();
    expect(view.handlers).toEqual([]);
    expect(view.forbidden).toBe(0);
    expect(errors).toEqual([]);

    // Never blocked: no long task of the page spent 100 ms of its own CPU time while the answer
    // streamed and rendered. A long task the trace cannot match counts with its wall time.
    const tasks = await page.evaluate(() => (window as Window & { __longTasks?: LongTask[] }).__longTasks ?? []);
    const during = tasks.filter((t) => t.start + t.duration >= timings!.firstChunkAt && t.start <= renderedAt);
    const measured = during.map((t) => {
      const task = tracedTask(traced, t);
      return { wall: Math.round(t.duration), cpu: Math.round(task?.cpuMs ?? t.duration), traced: task !== undefined };
    });
    const blocking = measured.filter((t) => t.cpu >= 100);
    expect(blocking, `${measured.length} long tasks during the stream; over 100 ms of CPU (wall, CPU ms)`).toEqual([]);
  } finally {
    await context.close();
  }
});
