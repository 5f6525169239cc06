/**
 * Citation marks in an answer: "[1]", "[2, 3]", "[1][2]", "[1-3]". The answer is untrusted model
 * output, so the parser is strict and bounded: digits only (at most three per number), at most
 * eight numbers per mark, ranges of at most eight, and numbers are only meaningful when they name
 * a passage the prompt had (1..passages); others are reported, never followed.
 */

/** A mark in the text: its span and the passage numbers it names, in order, without repeats. */
export interface CitationMark {
  start: number;
  end: number;
  numbers: number[];
}

const MAX_NUMBERS = 8;
// "[" number ( ("," | ";" | "-" | "–") number )* "]", spaces allowed around separators.
const MARK = /\[(\d{1,3}(?:\s*[,;\-–]\s*\d{1,3}){0,15})\]/g;

function numbersOf(body: string): number[] | null {
  const out: number[] = [];
  const parts = body.split(/\s*[,;]\s*/);
  for (const part of parts) {
    const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (to < from || to - from >= MAX_NUMBERS) return null;
      for (let n = from; n <= to; n++) out.push(n);
    } else if (/^\d+$/.test(part)) {
      out.push(Number(part));
    } else {
      return null;
    }
  }
  const unique = [...new Set(out)];
  return unique.length <= MAX_NUMBERS ? unique : null;
}

/** Every citation mark in `text`, in order. */
export function findCitations(text: string): CitationMark[] {
  const marks: CitationMark[] = [];
  for (const m of text.matchAll(MARK)) {
    const numbers = numbersOf(m[1]!);
    if (numbers) marks.push({ start: m.index, end: m.index + m[0].length, numbers });
  }
  return marks;
}

/** Which passages an answer cites (1..passages, sorted), and the numbers it names that no passage has. */
export function citedPassages(text: string, passages: number): { cited: number[]; unknown: number[] } {
  const all = new Set(findCitations(text).flatMap((m) => m.numbers));
  const sorted = [...all].sort((a, b) => a - b);
  return { cited: sorted.filter((n) => n >= 1 && n <= passages), unknown: sorted.filter((n) => n < 1 || n > passages) };
}
