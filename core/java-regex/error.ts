/** Longer patterns (expanded grok expressions run to kilobytes) are shown around the error only. */
const SHOWN_IN_FULL = 120;

/**
 * A pattern Java's `Pattern.compile` rejects, or one JavaScript cannot run the same way: the
 * description is in Java's words (`Dangling meta character '*'`) or names the unsupported
 * construct (`\G is not supported`); the index is where in the pattern.
 */
export class JavaRegexError extends Error {
  constructor(
    readonly description: string,
    readonly pattern: string,
    readonly index: number,
  ) {
    const shown =
      pattern.length > SHOWN_IN_FULL ? `…${pattern.slice(Math.max(0, index - 40), index + 40)}…` : pattern;
    super(`${description} near index ${index} of ${JSON.stringify(shown)}`);
  }
}
