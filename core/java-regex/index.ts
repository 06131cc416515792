/**
 * Java regular expressions (`java.util.regex.Pattern`) on JavaScript's engine: parsed once into
 * a small tree, then written as a `u` RegExp (`v` where it needs class set operations or
 * ignores case throughout) with Java's meanings where the two
 * differ — `.`, `$`, `^` and `\b`, `\s`, `\h`, `\v`, `\R`, POSIX, java.lang.Character and Unicode
 * `\p{…}` classes, class unions and `&&` intersections, scoped inline flags `(?idmsuxU)`,
 * `\Q…\E`, octal, hex and Unicode escapes — and what JavaScript lacks emulated: possessive
 * quantifiers and atomic groups (a capturing lookahead and a back-reference), ASCII-only
 * case-insensitivity. What cannot be emulated (`\G`, `\p{InBlock}`, CANON_EQ, `\X`) is refused
 * by name and position. Known differences: a back-reference to a group that did not take part
 * matches '' here; lookbehinds Java refuses as unbounded are accepted.
 */

/** The parsed form: the tree, group count, named groups in order. */
export type { ParsedJavaRegex } from './ast.js';
/** Java source → JavaScript `RegExp`s, every group capturing (Stellar's regex functions, the regex parser). */
export { compileJavaRegex, type JavaRegex } from './compile.js';
/** Parsed form → JavaScript source, optionally capturing only chosen named groups (grok). */
export { type EmittedJavaRegex, emitJavaRegex } from './emit.js';
/** A pattern Java rejects or JavaScript cannot run the same way: description, pattern, index. */
export { JavaRegexError } from './error.js';
/** Java source → parsed form, with Java's or named-regexp's group-name rules. */
export { type JavaRegexOptions, parseJavaRegex } from './parse.js';
/** A stricter twin of a pattern that cannot backtrack through delimiters, for a quick first test. */
export { tightenWildcards } from './tighten.js';
