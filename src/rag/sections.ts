/**
 * A document's outline: its text cut at Markdown headings (`#` to `######`, outside fenced code),
 * each section with the trail of headings above it, and each section's paragraphs and sentences
 * with their offsets in the document. This is what the chunker packs into passages.
 */

/** A sentence (or a line of code, or a table row) and where it is in the document. */
export interface TextUnit {
  text: string;
  start: number;
  end: number;
  /** It begins a paragraph: joined to the unit before it by a blank line, not a space. */
  opensParagraph: boolean;
}

export interface Section {
  /** "Guide › Install", or '' before the first heading. */
  heading: string;
  units: TextUnit[];
}

const HEADING = /^(#{1,6})[ \t]+(.+?)[ \t#]*$/;
const FENCE = /^\s*(```|~~~)/;

/** The sentences of `paragraph` (which starts at `offset`), by Intl.Segmenter where it exists. */
function sentences(paragraph: string, offset: number): TextUnit[] {
  const out: TextUnit[] = [];
  const push = (text: string, at: number): void => {
    const lead = text.length - text.trimStart().length;
    const trimmed = text.trim();
    if (trimmed) out.push({ text: trimmed, start: offset + at + lead, end: offset + at + lead + trimmed.length, opensParagraph: false });
  };
  // Lists, tables and code keep their lines: a sentence splitter would glue them into one.
  if (/^\s*([-*+|>]|\d+[.)]|```|~~~|\t| {4})/m.test(paragraph) && paragraph.includes('\n')) {
    let at = 0;
    for (const line of paragraph.split('\n')) {
      push(line, at);
      at += line.length + 1;
    }
  } else if (typeof Intl.Segmenter === 'function') {
    for (const s of new Intl.Segmenter('en', { granularity: 'sentence' }).segment(paragraph)) push(s.segment, s.index);
  } else {
    const re = /[^.!?]+(?:[.!?]+|$)/g;
    for (let m = re.exec(paragraph); m; m = re.exec(paragraph)) push(m[0], m.index);
  }
  const first = out[0];
  if (first) first.opensParagraph = true;
  return out;
}

/** The paragraphs (separated by blank lines) of the lines `body`, which start at `offset`. */
function paragraphs(body: string, offset: number): TextUnit[] {
  const units: TextUnit[] = [];
  const re = /\n[ \t]*\n+/g;
  let at = 0;
  for (let m = re.exec(body); ; m = re.exec(body)) {
    const end = m ? m.index : body.length;
    units.push(...sentences(body.slice(at, end), offset + at));
    if (!m) break;
    at = m.index + m[0].length;
  }
  return units;
}

/** The document cut at its headings; sections without text (a heading right under a heading) are dropped. */
export function sectionsOf(text: string): Section[] {
  const sections: Section[] = [];
  const trail: { level: number; title: string }[] = [];
  let bodyStart = 0;
  let inFence = false;
  let heading = '';
  const close = (end: number): void => {
    const units = paragraphs(text.slice(bodyStart, end), bodyStart);
    if (units.length) sections.push({ heading, units });
  };
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd);
    if (FENCE.test(line)) inFence = !inFence;
    const match = inFence ? null : HEADING.exec(line);
    if (match) {
      close(lineStart);
      const level = match[1]!.length;
      while (trail.length && trail[trail.length - 1]!.level >= level) trail.pop();
      trail.push({ level, title: match[2]!.trim() });
      heading = trail.map((t) => t.title).join(' › ');
      bodyStart = lineEnd + 1;
    }
    if (newline < 0) break;
    lineStart = newline + 1;
  }
  close(text.length);
  return sections;
}
