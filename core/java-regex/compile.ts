import { emitJavaRegex } from './emit.js';
import { JavaRegexError } from './error.js';
import { parseJavaRegex } from './parse.js';

/** A Java pattern compiled to JavaScript, every group capturing. */
export interface JavaRegex {
  /** The Java source. */
  readonly pattern: string;
  /** The JavaScript source and flags, for callers that need another form (a global regex for a replace loop). */
  readonly source: string;
  readonly flags: string;
  /** `Matcher.find()`: the first match anywhere (not global, so it keeps no state between calls). */
  readonly find: RegExp;
  /** `Matcher.matches()`: the whole input. */
  readonly whole: RegExp;
  /** Java's `groupCount()`. */
  readonly groupCount: number;
  /** The JavaScript group number of each Java group (index 0 is the whole match). */
  readonly jsGroup: readonly number[];
  /** Named groups: name → Java group number. */
  readonly names: ReadonlyMap<string, number>;
}

/**
 * Compile a Java regular expression; `flags` are inline-flag letters in effect from the start
 * (`'i'` is `Pattern.CASE_INSENSITIVE`). Throws {@link JavaRegexError}.
 * @example compileJavaRegex('\\d+$').find.exec('42\n')?.[0] // '42': Java's $ comes before a final line terminator
 */
export function compileJavaRegex(pattern: string, flags = ''): JavaRegex {
  const parsed = parseJavaRegex(pattern, { flags });
  const emitted = emitJavaRegex(parsed);
  let find: RegExp;
  let whole: RegExp;
  try {
    find = new RegExp(emitted.source, emitted.flags);
    whole = new RegExp(`^(?:${emitted.source})$`, emitted.flags);
  } catch (e) {
    throw new JavaRegexError(`cannot be translated (${(e as Error).message})`, pattern, 0);
  }
  return {
    pattern,
    source: emitted.source,
    flags: emitted.flags,
    find,
    whole,
    groupCount: parsed.groupCount,
    jsGroup: emitted.jsGroup as readonly number[],
    names: parsed.namedGroups,
  };
}
