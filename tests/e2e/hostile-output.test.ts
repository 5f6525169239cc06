/**
 * Model output is untrusted: an answer full of HTML, script and dangerous links must render as
 * inert, readable text. The answer is planted in IndexedDB (as if a model had produced it; the
 * bundled models cannot be made to emit it) and rendered by the real chat UI after a reload. No
 * test here waits for the model: rendering a stored answer does not need one.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { openApp, waitForRendered, waitForStart } from './support/app';

const HOSTILE = [
  'Here you go: <script>window.__pwned = "script"</script>',
  '<img src="https://evil.example/pixel.png" onerror="window.__pwned = \'img\'">',
  '[click me](javascript:window.__pwned="md-link")',
  '<a href="javascript:window.__pwned=\'html-link\'">html link</a>',
  '<a href="data:text/html,<script>parent.__pwned=1</script>">data link</a>',
  '<iframe src="https://evil.example/frame"></iframe>',
  '<svg onload="window.__pwned=\'svg\'"><script>window.__pwned="svg-script"</script></svg>',
  '<style>body { background: url(https://evil.example/bg.png) }</style>',
  '![tracking pixel](https://evil.example/md.png)',
  '<div style="background:url(https://evil.example/inline.png)">styled text</div>',
  '<form action="https://evil.example/"><button>go</button></form>',
  '<details open ontoggle="window.__pwned=\'details\'"><summary>more</summary>hidden</details>',
  '[safe link](https://example.org/docs)',
].join('\n\n');

/** Stores a conversation whose answer is `content`, as if a model had produced it. */
async function plantAnswer(page: Page, content: string): Promise<void> {
  await page.evaluate(async (content) => {
    const now = Date.now();
    const conversation = {
      id: 'hostile',
      title: 'Hostile output',
      createdAt: now,
      updatedAt: now + 60_000,
      systemPrompt: '',
      turns: [
        { id: 'u', role: 'user', content: 'Say something nasty', createdAt: now },
        {
          id: 'a',
          role: 'assistant',
          content,
          createdAt: now,
          meta: {
            modelId: 'pocket-chat-1m',
            modelName: 'Pocket Chat 1M',
            backend: 'wasm',
            dtype: 'q4',
            detail: 'WASM',
            routeReason: '',
            params: { temperature: 0, topP: 1, topK: 0, maxNewTokens: 8, repetitionPenalty: 1, seed: null },
          },
        },
      ],
    };
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open('playground-chats');
      open.onupgradeneeded = () => open.result.createObjectStore('conversations');
      open.onerror = () => reject(new Error(String(open.error)));
      open.onsuccess = () => {
        const tx = open.result.transaction('conversations', 'readwrite');
        tx.objectStore('conversations').put(conversation, conversation.id);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(new Error(String(tx.error)));
      };
    });
  }, content);
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

it('renders hostile HTML, script and links inert and readable', async () => {
  const { page, context, requests, errors } = await openApp(browser, inject('baseUrl'), { device: 'wasm', dtype: 'q4' });
  try {
    await waitForStart(page);
    await plantAnswer(page, HOSTILE);
    await page.reload();
    await waitForStart(page);
    await waitForRendered(page);
    const message = page.locator('chat-message').last();
    const text = await message.locator('.markdown').innerText();
    expect(text).toContain('click me');
    expect(text).toContain('html link');

    // Click every link: none may run script.
    for (const link of await message.locator('.markdown a').all()) await link.click({ modifiers: ['Control'] }).catch(() => undefined);
    const report = await message.evaluate((el) => {
      const root = el.shadowRoot!;
      const all = [...root.querySelectorAll('*')];
      // Only the rendered answer: the message's own controls use inline SVG icons.
      const rendered = [...root.querySelectorAll('.markdown *')];
      return {
        pwned: (window as Window & { __pwned?: unknown }).__pwned ?? null,
        forbidden: rendered.filter((n) => /^(script|iframe|img|style|svg|form|object|embed)$/i.test(n.tagName)).map((n) => n.tagName),
        handlers: all.flatMap((n) => [...n.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${n.tagName}@${a.name}`)),
        styled: rendered.filter((n) => n.hasAttribute('style')).length,
        hrefs: [...root.querySelectorAll('.markdown a[href]')].map((a) => a.getAttribute('href')),
      };
    });
    expect(report.pwned).toBeNull();
    expect(report.forbidden).toEqual([]);
    expect(report.handlers).toEqual([]);
    expect(report.styled).toBe(0);
    // A Markdown image becomes a link to it: nothing loads unless the user clicks.
    expect(report.hrefs).toEqual(['https://evil.example/md.png', 'https://example.org/docs']);
    const external = requests
      .map((r) => new URL(r.url()))
      .filter((u) => u.hostname !== '127.0.0.1' && u.protocol !== 'blob:' && u.protocol !== 'data:');
    expect(external.map((u) => u.href)).toEqual([]);
    // Not even a report: no inline handler ever reached an HTML parser, inert ones included.
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('shows control characters and bidi overrides instead of obeying them, wraps endless lines, and renders 1 MB', async () => {
  const longLine = 'x'.repeat(20_000);
  const tricky = ['\u001b[31mred alert\u001b[0m', 'access\u202E level: user', longLine, 'tail'].join('\n\n');
  const megabyte = `${tricky}\n\n${'All work and no play makes a dull model. '.repeat(26_000)}`;
  const { page, context, errors } = await openApp(browser, inject('baseUrl'), { device: 'wasm', dtype: 'q4' });
  try {
    await waitForStart(page);
    await plantAnswer(page, megabyte);
    await page.reload();
    await waitForStart(page);
    await waitForRendered(page);
    const markdown = page.locator('chat-message').last().locator('.markdown');
    // textContent: innerText leaves out chunks scrolled off screen (content-visibility: auto).
    const text = (await markdown.textContent()) ?? '';
    expect(text).toContain('\u241b[31mred alert\u241b[0m');
    expect(text).toContain('access\\u{202e} level: user');
    expect(text).not.toContain('\u202E');
    expect(text.length).toBeGreaterThan(1_000_000);
    // The 20,000-character line wraps: nothing scrolls sideways.
    const overflow = await page.locator('chat-view').evaluate((el) => {
      const scroller = el.shadowRoot!.querySelector('.scroller')!;
      return scroller.scrollWidth - scroller.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(1);
    // And the page still takes input.
    await page.locator('chat-composer textarea').fill('still here');
    expect(await page.locator('chat-composer textarea').inputValue()).toBe('still here');
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
