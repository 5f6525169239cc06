/**
 * Why a document could not become a source, in words that say what to do. `kind` is for
 * programs (tests, the panel's styling); the message is for people and names the file.
 */

export type SourceProblem = 'too-large' | 'empty' | 'not-utf8' | 'binary' | 'unsupported' | 'encrypted-pdf' | 'no-text-pdf' | 'unreadable';

/** A document that cannot be added as a source; nothing of it is kept. */
export class SourceError extends Error {
  override name = 'SourceError';
  constructor(
    readonly problem: SourceProblem,
    message: string,
  ) {
    super(message);
  }
}

/** The limit on one source's size, in bytes (of the file, or of pasted text in UTF-8). */
export const MAX_SOURCE_BYTES = 50_000_000;

/** "12.3 MB", "840 KB", "512 bytes" (decimal units, as file managers show them). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`;
  const mb = bytes / 1_000_000;
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

/** "{size}, and a source can be at most 50 MB (...)": exact bytes, so a file just over the limit does not read as equal to it. */
export function tooLarge(bytes: number): string {
  const exact = (n: number): string => n.toLocaleString('en-US');
  return `${formatSize(bytes)} (${exact(bytes)} bytes), and a source can be at most ${formatSize(MAX_SOURCE_BYTES)} (${exact(MAX_SOURCE_BYTES)} bytes). Split it, or add only the part you need.`;
}

/** Refuses a document over the limit before any of it is read. */
export function checkSize(name: string, bytes: number): void {
  if (bytes > MAX_SOURCE_BYTES) {
    throw new SourceError('too-large', `${name} is too large: ${tooLarge(bytes)}`);
  }
  if (bytes === 0) throw new SourceError('empty', `${name} is empty: there is nothing to answer from.`);
}
