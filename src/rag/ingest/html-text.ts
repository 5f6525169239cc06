/**
 * The text of an HTML document, never rendered: a small tokenizer (tags, comments, entities), not
 * a DOM, so no script, style, image or frame in it can run or load anything, and it works the same
 * in the page, a worker and Node. Headings become Markdown `#` lines (the chunker cuts at them),
 * list items "- " lines, paragraphs and blocks blank-line separated; script, style, template and
 * similar elements are skipped with their content; whitespace collapses except inside <pre>.
 */

const BLOCKS = new Set(
  'address article aside blockquote body dd details dialog div dl dt fieldset figcaption figure footer form header hr html li main nav ol p pre section summary table tbody thead tfoot tr ul'.split(
    ' ',
  ),
);
/** Elements whose content is not text a reader sees. */
const SKIPPED = new Set('template svg math head object embed canvas video audio select button'.split(' '));
/** Raw-text elements: their first closing tag ends them, whatever looks like a tag inside. */
const RAW_TEXT = new Set(['script', 'style', 'noscript', 'iframe', 'textarea', 'title', 'xmp']);
const VOID = new Set('area base br col embed hr img input link meta source track wbr'.split(' '));

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  shy: '',
  zwj: '',
  zwnj: '',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  plusmn: '±',
  times: '×',
  divide: '÷',
  sect: '§',
  para: '¶',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  agrave: 'à',
  aacute: 'á',
  acirc: 'â',
  auml: 'ä',
  ouml: 'ö',
  uuml: 'ü',
  Auml: 'Ä',
  Ouml: 'Ö',
  Uuml: 'Ü',
  szlig: 'ß',
  ccedil: 'ç',
  ntilde: 'ñ',
  iacute: 'í',
  oacute: 'ó',
  uacute: 'ú',
  larr: '←',
  rarr: '→',
};

/** `&amp;`, `&#233;`, `&#xE9;` decoded; unknown names stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z][a-z0-9]{1,31});/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
    }
    return ENTITIES[body] ?? whole;
  });
}

/** The text of `html` (see the module comment). Linear in the input, however broken it is. */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let skipping: string | null = null;
  let skipDepth = 0;
  let pre = 0;
  let heading = false;
  const text = (s: string): void => {
    if (skipping || !s) return;
    const decoded = decodeEntities(s);
    if (pre) {
      out.push(decoded);
      return;
    }
    const collapsed = decoded.replace(/\s+/g, ' ');
    // A space from the source's line breaks does not begin a line (or a heading's or an item's text).
    const last = out[out.length - 1] ?? '\n';
    out.push(/(\n|# |- | )$/.test(last) ? collapsed.trimStart() : collapsed);
  };
  // Where the tag whose name ends at `from` ends ('>' outside quoted attribute values), or -1.
  // A construct that never ends makes the rest of the input text, so no byte is scanned twice.
  const tagEnd = (from: number): number => {
    for (let at = from; at < html.length; at++) {
      const c = html[at];
      if (c === '>') return at;
      if (c === '"' || c === "'") {
        at = html.indexOf(c, at + 1);
        if (at < 0) return -1;
      }
    }
    return -1;
  };
  const TAG = /<(\/?)([a-zA-Z][\w:-]*)/y;
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      text(html.slice(i));
      break;
    }
    text(html.slice(i, lt));
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close < 0 ? html.length : close + 3;
      continue;
    }
    TAG.lastIndex = lt;
    const m = TAG.exec(html);
    const declaration = html[lt + 1] === '!' || html[lt + 1] === '?';
    if (!m && !declaration) {
      text('<'); // a lone "<"
      i = lt + 1;
      continue;
    }
    const end = m ? tagEnd(lt + m[0].length) : html.indexOf('>', lt);
    if (end < 0) {
      text(html.slice(lt)); // never closed: the rest is text
      break;
    }
    i = end + 1;
    if (!m) continue; // a doctype or processing instruction
    const name = m[2]!.toLowerCase();
    const closing = m[1] === '/';
    const selfClosing = html[end - 1] === '/';
    if (skipping) {
      if (name === skipping) skipDepth += closing ? -1 : selfClosing ? 0 : 1;
      if (skipDepth === 0) skipping = null;
      continue;
    }
    if (!closing && RAW_TEXT.has(name)) {
      // Raw text runs to the first closing tag of its element, whatever it contains.
      const close = new RegExp(`</${name}\\s*>`, 'gi');
      close.lastIndex = i;
      const found = close.exec(html);
      i = found ? found.index + found[0].length : html.length;
      continue;
    }
    if (!closing && SKIPPED.has(name) && !selfClosing && !VOID.has(name)) {
      skipping = name;
      skipDepth = 1;
      continue;
    }
    const level = /^h([1-6])$/.exec(name);
    if (level) {
      heading = !closing;
      out.push(closing ? '\n\n' : `\n\n${'#'.repeat(Number(level[1]))} `);
    } else if (name === 'br') out.push(heading ? ' ' : '\n');
    else if (name === 'pre') {
      pre = Math.max(0, pre + (closing ? -1 : 1));
      out.push('\n\n');
    } else if (name === 'li') out.push(closing ? '' : '\n- ');
    else if (name === 'td' || name === 'th') out.push(' ');
    else if (BLOCKS.has(name)) out.push(name === 'tr' ? '\n' : '\n\n');
  }
  return tidy(out.join(''));
}

/** Spaces at line ends and runs of blank lines removed; headings kept on one line. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/^(#{1,6}) +/gm, '$1 ')
    .replace(/^#{1,6} *$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
