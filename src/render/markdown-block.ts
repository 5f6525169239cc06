/**
 * One block of model output -> HTML (sanitized next, in sanitize.ts). Raw HTML the model wrote is
 * rebuilt from an allow-list first (raw-html.ts), so no inline handler ever reaches a parser.
 * Never throws: when marked cannot parse a block (it is recursive, and nesting that capNesting
 * does not see could still overflow its stack), the block is shown as escaped plain text, and
 * says so through `plain`.
 */
import { Marked, type Tokens } from 'marked';
import { neutralizeControls } from './control-chars';
import { capNesting } from './nesting-cap';
import { rebuildRawHtml } from './raw-html';

/** Escapes text for HTML, keeping the entities it already holds. */
function escapeKeepingEntities(text: string): string {
  return text
    .replace(/&(?!#?\w+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html: ({ text }: Tokens.HTML | Tokens.Tag) => rebuildRawHtml(text),
    // marked leaves text inside inline <pre>, <code>, <kbd> and <script> unescaped ("raw
    // blocks"): whatever it holds must not reach the parser as markup either.
    text(token: Tokens.Text | Tokens.Escape) {
      return token.type === 'text' && token.escaped && !token.tokens ? escapeKeepingEntities(token.text) : false;
    },
    // Images would load from wherever the model points (a tracking pixel): a link to click instead.
    image: ({ href, text }: Tokens.Image) => `<a href="${escapeKeepingEntities(href)}">${escapeKeepingEntities(text || 'image')}</a>`,
  },
});

export interface BlockHtml {
  html: string;
  /** True when Markdown failed and the block is plain text. */
  plain: boolean;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** The block as escaped text in one paragraph that keeps its line breaks. */
export function plainBlockHtml(text: string): BlockHtml {
  return { html: `<p class="plain-text">${escapeHtml(neutralizeControls(text))}</p>`, plain: true };
}

/** Markdown -> HTML for one block; escaped text if marked fails on it. */
export function markdownBlockHtml(text: string): BlockHtml {
  try {
    return { html: marked.parse(neutralizeControls(capNesting(text))) as string, plain: false };
  } catch {
    return plainBlockHtml(text);
  }
}
