/**
 * Model output is untrusted. After Markdown (markdown-block.ts) it is sanitized here (DOMPurify)
 * so nothing in it can run script, load remote content, or restyle the page:
 * - no <script>, <style>, <iframe>, <object>, <embed>, <form>, <svg>, <math>, media or images;
 * - no event handlers or inline styles; links only to http(s) and mailto, opened in a new tab
 *   without referrer or opener;
 * - terminal escapes, other control characters and bidi overrides shown, not obeyed (control-chars.ts).
 * DOMPurify parses in an inert document, so even handlers it removes never compile in the page.
 */
import DOMPurify, { type Config } from 'dompurify';

const FORBID_TAGS = [
  'style',
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'form',
  'input',
  'button',
  'select',
  'textarea',
  'svg',
  'math',
  'img',
  'picture',
  'video',
  'audio',
  'source',
  'track',
  'link',
  'meta',
  'base',
  'template',
  'dialog',
];
const SAFE_URL = /^(?:https?:|mailto:|#)/i;

const CONFIG: Config & { RETURN_DOM_FRAGMENT: true } = {
  FORBID_TAGS,
  FORBID_ATTR: ['style', 'srcset', 'formaction', 'action', 'background', 'poster', 'xlink:href'],
  ALLOW_DATA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  RETURN_DOM_FRAGMENT: true,
};

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

/** HTML from untrusted text -> inert nodes, safe to insert into the page. */
export function sanitizeToFragment(html: string): DocumentFragment {
  installHooks();
  return DOMPurify.sanitize(html, CONFIG);
}
