/**
 * Cuts a document into passages that fit the model: by headings first (a passage never spans two
 * sections, and carries its heading trail), then by paragraphs and sentences, packed up to
 * `chunkTokens` tokens of the model's own tokenizer, each passage repeating the last sentences of
 * the one before it (up to `overlapTokens`) so a fact split across the cut is whole in one of them.
 * A sentence longer than a passage is cut at words, and a word longer than that at characters.
 */
import { sectionsOf, type TextUnit } from './sections';
import { passageText, type Chunk } from './types';

export interface ChunkOptions {
  /** Most tokens a passage may have, its heading trail included. */
  chunkTokens: number;
  /** Most tokens a passage repeats from the one before it (whole sentences only). */
  overlapTokens: number;
  /** Tokens of a text, in the model's tokenizer. */
  count: (text: string) => number;
}

/** The units joined as the passage shows them: sentences by a space, paragraphs by a blank line. */
function join(units: readonly TextUnit[]): string {
  return units.map((u, i) => (i === 0 ? u.text : `${u.opensParagraph ? '\n\n' : ' '}${u.text}`)).join('');
}

/** The longest prefix of `text` (at least one character) with at most `limit` tokens. */
function longestPrefix(text: string, limit: number, count: (t: string) => number): number {
  let lo = 1;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (count(text.slice(0, mid)) <= limit) lo = mid;
    else hi = mid - 1;
  }
  // Never split a surrogate pair.
  const code = text.charCodeAt(lo - 1);
  return code >= 0xd800 && code <= 0xdbff && lo > 1 ? lo - 1 : lo;
}

/** `unit` cut into pieces of at most `limit` tokens: at spaces where it can, else at characters. */
function splitUnit(unit: TextUnit, limit: number, count: (t: string) => number): TextUnit[] {
  const pieces: TextUnit[] = [];
  let rest = unit.text;
  let at = unit.start;
  while (rest) {
    if (count(rest) <= limit) {
      pieces.push({ text: rest, start: at, end: at + rest.length, opensParagraph: pieces.length === 0 && unit.opensParagraph });
      break;
    }
    let cut = longestPrefix(rest, limit, count);
    const space = rest.lastIndexOf(' ', cut);
    if (space > 0) cut = space;
    const piece = rest.slice(0, cut).trimEnd();
    pieces.push({ text: piece, start: at, end: at + piece.length, opensParagraph: pieces.length === 0 && unit.opensParagraph });
    const skipped = rest.slice(cut).length - rest.slice(cut).trimStart().length;
    at += cut + skipped;
    rest = rest.slice(cut + skipped);
  }
  return pieces;
}

/** The passages of `text` for source `sourceId` (see the module comment). */
export function chunkText(sourceId: string, text: string, options: ChunkOptions): Chunk[] {
  const { count, chunkTokens, overlapTokens } = options;
  const chunks: Chunk[] = [];
  for (const section of sectionsOf(text)) {
    // A heading trail too long for a passage would leave no room for text: it is shortened instead.
    const heading =
      section.heading && count(`${section.heading}\n`) > chunkTokens / 2
        ? section.heading.slice(0, longestPrefix(section.heading, Math.floor(chunkTokens / 4), count))
        : section.heading;
    const room = chunkTokens - (heading ? count(`${heading}\n`) : 0);
    const units = section.units.flatMap((u) => (count(u.text) > room ? splitUnit(u, room, count) : [u]));
    const tokens = units.map((u) => count(u.text));
    const exact = (from: number, to: number): number => count(passageText({ heading, text: join(units.slice(from, to)) }));
    // Units [start, end) make a passage; `done` is where the previous passage ended.
    let start = 0;
    let done = 0;
    while (done < units.length) {
      // Packed by the units' own counts (at least one unit the previous passage did not have)...
      let end = start;
      let estimate = 0;
      while (end < units.length && (end <= done || estimate + tokens[end]! <= room)) estimate += tokens[end++]!;
      // ...then the passage's exact count decides: fewer new units, and if need be no overlap.
      while (end - 1 > done && exact(start, end) > chunkTokens) end--;
      if (start < done && exact(start, end) > chunkTokens) start = done;
      const first = units[start]!;
      const last = units[end - 1]!;
      const body = join(units.slice(start, end));
      const index = chunks.length;
      chunks.push({
        id: `${sourceId}#${index}`,
        sourceId,
        index,
        heading,
        text: body,
        tokens: count(passageText({ heading, text: body })),
        start: first.start,
        end: last.end,
      });
      done = end;
      // The next passage repeats the last units of this one worth at most `overlapTokens`, never all of them.
      let from = end;
      let repeated = 0;
      while (from - 1 > start && repeated + tokens[from - 1]! <= overlapTokens) repeated += tokens[--from]!;
      start = from;
    }
  }
  return chunks;
}
