/**
 * Raw HTML inside model output, rewritten before any HTML parser sees it.
 *
 * DOMPurify (sanitize.ts) stays the sanitizer, but it has to parse the HTML first, and Chromium
 * checks the Content-Security-Policy as soon as a parser sets an inline handler attribute, in an
 * inert document too: `<details open ontoggle=…>` or `<img onerror=…>` in an answer produced a CSP
 * violation report on every render although nothing ran. So raw HTML is re-tokenized here and
 * rebuilt from an allow-list: formatting tags keep a few plain attributes, every other tag (script,
 * style, img, iframe, svg, form…) and anything that is not a well-formed tag is shown as text, and
 * comments are dropped. The output contains no `<` but those of the tags written here.
 */

/** Tags kept from raw HTML, with the attributes each may keep. */
const ALLOWED: Record<string, readonly string[]> = {
  a: ['href', 'title'],
  abbr: ['title'],
  td: ['colspan', 'rowspan', 'align'],
  th: ['colspan', 'rowspan', 'align'],
  ol: ['start', 'type', 'reversed'],
  details: ['open'],
  div: ['align'],
  p: ['align'],
};
for (const tag of [
  'b',
  'blockquote',
  'br',
  'caption',
  'cite',
  'code',
  'dd',
  'del',
  'dfn',
  'dl',
  'dt',
  'em',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'ins',
  'kbd',
  'li',
  'mark',
  'pre',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strong',
  'sub',
  'summary',
  'sup',
  'table',
  'tbody',
  'tfoot',
  'thead',
  'tr',
  'u',
  'ul',
  'var',
  'wbr',
]) {
  ALLOWED[tag] ??= [];
}

const NAME = /[A-Za-z][A-Za-z0-9-]*/y;
const SPACE = /\s/;

function escapeText(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A value for a double-quoted attribute; entities are left for the parser to decode. */
function quote(value: string): string {
  return `"${value.replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}"`;
}

interface Tag {
  name: string;
  closing: boolean;
  attributes: [string, string][];
  /** Index just past the tag's `>`. */
  end: number;
}

/**
 * Reads a tag at `at` the way the HTML tokenizer does, loosely and in linear time: attributes are
 * separated by whitespace or `/` (`<img/onerror=…>` is an img with an onerror attribute), values
 * are quoted or run to the next whitespace or `>`. Null when it is not a complete tag.
 */
function readTag(html: string, at: number): Tag | null {
  let i = at + 1;
  const closing = html[i] === '/';
  if (closing) i++;
  NAME.lastIndex = i;
  const name = NAME.exec(html)?.[0];
  if (!name) return null;
  i += name.length;
  const attributes: [string, string][] = [];
  for (;;) {
    while (i < html.length && (SPACE.test(html[i]!) || html[i] === '/')) i++;
    if (i >= html.length) return null;
    if (html[i] === '>') return { name: name.toLowerCase(), closing, attributes, end: i + 1 };
    const nameStart = i++;
    while (i < html.length && !SPACE.test(html[i]!) && !'/>='.includes(html[i]!)) i++;
    const attribute = html.slice(nameStart, i).toLowerCase();
    while (i < html.length && SPACE.test(html[i]!)) i++;
    let value = '';
    if (html[i] === '=') {
      i++;
      while (i < html.length && SPACE.test(html[i]!)) i++;
      const q = html[i];
      if (q === '"' || q === "'") {
        const close = html.indexOf(q, i + 1);
        if (close < 0) return null;
        value = html.slice(i + 1, close);
        i = close + 1;
      } else {
        const valueStart = i;
        while (i < html.length && !SPACE.test(html[i]!) && html[i] !== '>') i++;
        value = html.slice(valueStart, i);
      }
    }
    attributes.push([attribute, value]);
  }
}

function rebuild(tag: Tag): string | null {
  const allowed = ALLOWED[tag.name];
  if (!allowed) return null;
  if (tag.closing) return `</${tag.name}>`;
  const kept = new Map<string, string>();
  for (const [name, value] of tag.attributes) if (allowed.includes(name) && !kept.has(name)) kept.set(name, value);
  return `<${tag.name}${[...kept].map(([name, value]) => ` ${name}=${quote(value)}`).join('')}>`;
}

/** Raw HTML from the model -> HTML holding only allow-listed tags and attributes. */
export function rebuildRawHtml(html: string): string {
  let out = '';
  let text = 0;
  for (let at = html.indexOf('<'); at >= 0; at = html.indexOf('<', at + 1)) {
    let rebuilt: string | null;
    let end: number;
    if (html.startsWith('<!--', at)) {
      const close = html.indexOf('-->', at + 4);
      end = close < 0 ? html.length : close + 3;
      rebuilt = '';
    } else {
      const tag = readTag(html, at);
      if (!tag) continue;
      rebuilt = rebuild(tag);
      end = tag.end;
    }
    if (rebuilt === null) continue;
    out += escapeText(html.slice(text, at)) + rebuilt;
    text = end;
    at = end - 1;
  }
  return out + escapeText(html.slice(text));
}
