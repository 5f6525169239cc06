/**
 * Automatic scores of one answer against what its prompt expects (see expectations.ts):
 * - exact match: the answer equals the reference once both are trimmed, runs of whitespace are
 *   one space and case is ignored;
 * - facets: the share of facets present (a string is looked for in the answer normalized the same
 *   way; a regular expression is tested on the answer as written);
 * - length: the trimmed answer's length in characters (graphemes) is within the limits.
 * Quality is the mean of the checks that apply, exact match and length counting 1 or 0 and facets
 * their share, so one number ranks models while the parts stay visible.
 */
import type { BenchPrompt } from './bench-types';
import type { Facet, LengthLimits } from './expectations';

/** The checks of one answer; a check is null when its prompt does not ask for it. */
export interface AnswerScore {
  exact: boolean | null;
  facets: { found: number; total: number; missing: string[] } | null;
  withinLength: boolean | null;
  /** Mean of the checks that apply, from 0 to 1; null when none applies. */
  quality: number | null;
}

/** Trimmed, whitespace runs as one space, lower case: what "ignoring case and spacing" means here. */
export function normalizeText(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** "5" or "/\b5\b/i": how a facet is named in reports. */
export function facetLabel(facet: Facet): string {
  return typeof facet === 'string' ? facet : `/${facet.regex}/${facet.flags ?? ''}`;
}

/** Whether the facet appears in the answer. */
export function facetFound(facet: Facet, answer: string): boolean {
  if (typeof facet === 'string') return normalizeText(answer).includes(normalizeText(facet));
  return new RegExp(facet.regex, facet.flags ?? '').test(answer);
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Characters as a reader counts them (graphemes: an emoji or a letter with its accent is one), of the trimmed answer. */
export function answerLength(answer: string): number {
  let n = 0;
  for (const _ of graphemes.segment(answer.trim())) n++;
  return n;
}

export function withinLimits(answer: string, limits: LengthLimits): boolean {
  const n = answerLength(answer);
  return (limits.minChars === undefined || n >= limits.minChars) && (limits.maxChars === undefined || n <= limits.maxChars);
}

/** Whether the prompt expects anything of its answers, i.e. whether they are scored at all. */
export function isScored(prompt: BenchPrompt): boolean {
  return prompt.reference !== undefined || prompt.facets !== undefined || prompt.length !== undefined;
}

/** Every check the prompt asks for, on one answer. */
export function scoreAnswer(prompt: BenchPrompt, answer: string): AnswerScore {
  const exact = prompt.reference === undefined ? null : normalizeText(answer) === normalizeText(prompt.reference);
  const facets = prompt.facets
    ? (() => {
        const missing = prompt.facets.filter((f) => !facetFound(f, answer)).map(facetLabel);
        return { found: prompt.facets.length - missing.length, total: prompt.facets.length, missing };
      })()
    : null;
  const withinLength = prompt.length === undefined ? null : withinLimits(answer, prompt.length);
  const parts = [
    ...(exact === null ? [] : [exact ? 1 : 0]),
    ...(facets === null ? [] : [facets.found / facets.total]),
    ...(withinLength === null ? [] : [withinLength ? 1 : 0]),
  ];
  return { exact, facets, withinLength, quality: parts.length ? parts.reduce((a, b) => a + b, 0) / parts.length : null };
}
