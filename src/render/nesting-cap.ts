/**
 * marked parses quotes and lists recursively: about two thousand `>` (or list markers) on one
 * line overflow its stack. Nobody reads a quote in a list in a quote twenty levels deep, so each
 * line keeps at most MAX_NESTING container markers; the next one is escaped and everything after
 * it shows as text of the deepest level kept.
 *
 * Only explicit markers are counted. Nesting by indentation needs quadratically long text (each
 * level indents further), which the block size limit (block-splitter.ts) already bounds.
 */

/** Quote and list levels kept per line. */
export const MAX_NESTING = 16;

/** One container marker at the start of what is left of a line. */
const MARKER = /^ {0,3}(?:>[ \t]?|(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))/;
/** Cheap test first: most text never nests. */
const NESTED_TWICE = /^ {0,3}(?:>|[-*+] |\d{1,9}[.)] )[ \t]*(?:>|[-*+] |\d{1,9}[.)] )/m;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

function capLine(line: string, max: number): string {
  let offset = 0;
  for (let depth = 0; ; depth++) {
    const match = MARKER.exec(line.slice(offset));
    if (!match) return line;
    if (depth === max) {
      const marker = match[0].trimStart();
      // Escape the character that makes it a marker: `>`, `-`, `*`, `+`, or the `.`/`)` of `1.`.
      const digits = /^\d+/.exec(marker)?.[0].length ?? 0;
      const at = offset + (match[0].length - marker.length) + digits;
      return `${line.slice(0, at)}\\${line.slice(at)}`;
    }
    offset += match[0].length;
  }
}

/** `text` with every line held to `max` levels of quotes and lists (fenced code untouched). */
export function capNesting(text: string, max = MAX_NESTING): string {
  if (!NESTED_TWICE.test(text)) return text;
  let fence: string | null = null;
  return text
    .split('\n')
    .map((line) => {
      const marker = FENCE.exec(line)?.[1];
      if (fence !== null) {
        if (marker && marker[0] === fence[0] && marker.length >= fence.length && /^ {0,3}[`~]+[ \t]*$/.test(line)) fence = null;
        return line;
      }
      if (marker) {
        fence = marker;
        return line;
      }
      return capLine(line, max);
    })
    .join('\n');
}
