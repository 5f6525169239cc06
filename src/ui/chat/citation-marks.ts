/**
 * Citation marks in a rendered answer become buttons: "[2]" in the sanitized text of an answer
 * grounded on passages becomes "[" + a button "2" + "]", which opens passage 2. The buttons are
 * ours, made with DOM APIs after sanitizing (like the copy buttons), never parsed from the model's
 * text; numbers that name no passage stay plain text, and so does anything inside code or a link.
 */
import { findCitations } from '../../rag/citations';

/** Elements whose text is never turned into marks. */
const SKIP = new Set(['CODE', 'PRE', 'A', 'BUTTON', 'KBD', 'SAMP']);

function skipped(node: Node): boolean {
  for (let el = node.parentElement; el; el = el.parentElement) if (SKIP.has(el.tagName)) return true;
  return false;
}

/** Replaces the citation marks in `fragment`'s text with buttons for passages 1..`passages`; `label(n)` names passage n. */
export function addCitationButtons(fragment: DocumentFragment, passages: number, label: (n: number) => string): void {
  if (passages < 1) return;
  const walker = document.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) if (node instanceof Text && !skipped(node)) nodes.push(node);
  for (const node of nodes) {
    const text = node.data;
    const marks = findCitations(text).filter((m) => m.numbers.some((n) => n >= 1 && n <= passages));
    if (!marks.length) continue;
    const parts: Node[] = [];
    let at = 0;
    for (const mark of marks) {
      parts.push(document.createTextNode(text.slice(at, mark.start)));
      // The mark as written, with each known number as a button and the rest as text.
      const body = text.slice(mark.start, mark.end);
      let cursor = 0;
      for (const match of body.matchAll(/\d+/g)) {
        const n = Number(match[0]);
        parts.push(document.createTextNode(body.slice(cursor, match.index)));
        if (n >= 1 && n <= passages) {
          const button = document.createElement('button');
          button.type = 'button';
          button.className = 'cite';
          button.dataset['cite'] = String(n);
          button.textContent = match[0];
          button.title = label(n);
          button.setAttribute('aria-label', `Source ${n}: ${label(n)}`);
          parts.push(button);
        } else {
          parts.push(document.createTextNode(match[0]));
        }
        cursor = match.index + match[0].length;
      }
      parts.push(document.createTextNode(body.slice(cursor)));
      at = mark.end;
    }
    parts.push(document.createTextNode(text.slice(at)));
    node.replaceWith(...parts.filter((p) => !(p instanceof Text) || p.data !== ''));
  }
}
