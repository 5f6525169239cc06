/**
 * An error as the one line a person reads: in a notice, under an answer, in a CLI's output.
 * Anything can be thrown, not only Errors, and the reader should still see what it was.
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
