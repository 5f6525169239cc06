/**
 * An error as the one line the user reads in a notice or under an answer. Anything can be
 * thrown, not only Errors, and the user should still see what it was.
 */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
