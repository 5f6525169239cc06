/**
 * Model output is untrusted text. It is rendered as Markdown (marked), then sanitized (DOMPurify)
 * so nothing in it can run script, load remote content, or restyle the page:
 * - no <script>, <style>, <iframe>, <object>, <embed>, <form>, <svg>, <math>, media or images;
 * - no event handlers or inline styles; links only to http(s) and mailto, opened in a new tab
 *   without referrer or opener;
 * - terminal escapes, other control characters and bidi overrides shown, not obeyed.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { neutralizeControls } from './control-chars';

const marked = new Marked({ gfm: true, breaks: false, async: false });

const FORBID_TAGS = [
  'style', 'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'form', 'input', 'button', 'select',
  'textarea', 'svg', 'math', 'img', 'picture', 'video', 'audio', 'source', 'track', 'link', 'meta', 'base',
  'template', 'dialog',
];
const SAFE_URL = /^(?:https?:|mailto:|#)/i;

let hooked = false;
function installHooks(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') ?? '';
      if (!SAFE_URL.test(href.trim())) {
        node.removeAttribute('href');
      } else {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    }
  });
}

/** Markdown -> sanitized HTML string, safe to assign to innerHTML. */
export function renderMarkdown(text: string): string {
  installHooks();
  const html = marked.parse(neutralizeControls(text)) as string;
  return DOMPurify.sanitize(html, {
    FORBID_TAGS,
    FORBID_ATTR: ['style', 'srcset', 'formaction', 'action', 'background', 'poster', 'xlink:href'],
    ALLOW_DATA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
  });
}
