/**
 * Client values inside error messages. A message names the bad value so the person reading it
 * can find it, but a client controls that value: a 900 KB string must not come back as a 900 KB
 * error, and an array nested 100 000 deep must not overflow the stack while being described
 * (JSON.stringify recurses). Both helpers cut at a character budget and never throw.
 */

/** How much of a client's value an error message shows. */
export const QUOTE_LIMIT = 200;

/** Shows control characters as escapes (`\n`, `\u0000`) so the value reads as one line. */
function escape(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is matched
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => JSON.stringify(ch).slice(1, -1));
}

/** `'text'`, cut after `max` characters with a note of the full length. */
export function quote(text: string, max = QUOTE_LIMIT): string {
  if (text.length <= max) return `'${escape(text)}'`;
  return `'${escape(text.slice(0, max))}…' (${text.length} characters)`;
}

/**
 * A JSON-like preview of any value, at most about `max` characters: `"wizard"`, `42`,
 * `[[[[…`, `{"a":1,…`. Walks with a budget instead of recursing without bound, so deep nesting
 * and cycles end when the budget does.
 */
export function describe(value: unknown, max = QUOTE_LIMIT): string {
  let out = '';
  /** Appends `text`; false once the budget is spent, which unwinds the walk. */
  const emit = (text: string): boolean => {
    const room = max - out.length;
    if (text.length > room) {
      out += text.slice(0, room);
      return false;
    }
    out += text;
    return true;
  };
  const walk = (v: unknown): boolean => {
    // Only the part of a long string that can be shown is escaped.
    if (typeof v === 'string') return emit(JSON.stringify(v.slice(0, max + 1)).slice(0, v.length > max ? -1 : undefined));
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return emit(String(v));
    if (Array.isArray(v)) {
      if (!emit('[')) return false;
      for (let i = 0; i < v.length; i++) {
        if ((i > 0 && !emit(',')) || !walk(v[i])) return false;
      }
      return emit(']');
    }
    if (typeof v === 'object') {
      if (!emit('{')) return false;
      let first = true;
      for (const key of Object.keys(v)) {
        if ((!first && !emit(',')) || !emit(`${JSON.stringify(key)}:`) || !walk((v as Record<string, unknown>)[key])) return false;
        first = false;
      }
      return emit('}');
    }
    return emit(typeof v);
  };
  try {
    return walk(value) ? out : `${out}…`;
  } catch {
    // A getter or proxy that throws: show what there is instead of failing the error answer.
    return `${out}… (a value that cannot be shown)`;
  }
}
