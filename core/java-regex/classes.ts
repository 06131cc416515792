/**
 * The pieces of Java regex syntax that stand for sets of characters or positions — `\s`, `\h`,
 * `\b`, `$`, multiline `^`, the POSIX and java.lang.Character classes, Unicode properties and
 * scripts — as JavaScript unicode-sets (`v`) text, with Java's definitions rather than
 * JavaScript's (Java's `\s` has no U+00A0, its `$` stops before a final line terminator, its `\b`
 * counts letters of every script as word characters).
 */

export const JAVA_SPACE = '[\\t\\n\\u{b}\\f\\r\\u{20}]';
export const JAVA_NOT_SPACE = '[^\\t\\n\\u{b}\\f\\r\\u{20}]';
/** UNICODE_CHARACTER_CLASS `\w` (java.lang.Character's word property), as class content. */
export const UNICODE_WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
export const HORIZONTAL_SPACE =
  '\\u{20}\\t\\u{a0}\\u{1680}\\u{180e}\\u{2000}-\\u{200a}\\u{202f}\\u{205f}\\u{3000}';
export const VERTICAL_SPACE = '\\n\\u{b}\\f\\r\\u{85}\\u{2028}\\u{2029}';
const TERMINATORS = '\\n\\r\\u{85}\\u{2028}\\u{2029}';
/** Java's `.`: anything but a line terminator. */
export const NOT_LINE_TERMINATOR = `[^${TERMINATORS}]`;
/** Java's `$` (and `\Z`): end of input, or before a final line terminator (not between \r and \n). */
export const JAVA_END = `(?:$|(?=\\r\\n$)|(?=[${TERMINATORS}]$)(?<!\\r(?=\\n)))`;
export const JAVA_END_UNIX = '(?:$|(?=\\n$))';
export const JAVA_MULTILINE_END = `(?:$|(?=[${TERMINATORS}])(?<!\\r(?=\\n)))`;
export const JAVA_MULTILINE_END_UNIX = '(?:$|(?=\\n))';
/** Java's multiline `^`: after a line terminator (\r\n counts once), never at the very end. */
export const JAVA_MULTILINE_START = '(?:^|(?<=[\\n\\u{85}\\u{2028}\\u{2029}]|\\r(?!\\n)))(?!$)';
export const JAVA_MULTILINE_START_UNIX = '(?:^|(?<=\\n))(?!$)';

/** Java's `\b` (Java 8 to 18): a word character is a letter or digit of any script, or `_`. */
const JAVA_WORD = '[\\p{L}\\p{Nd}_]';
/** `\b` or `\B` for a word-character class (`[…]` text). */
export const boundary = (word: string, negated: boolean): string =>
  negated
    ? `(?:(?<=${word})(?=${word})|(?<!${word})(?!${word}))`
    : `(?:(?<=${word})(?!${word})|(?<!${word})(?=${word}))`;
export const JAVA_BOUNDARY = boundary(JAVA_WORD, false);
export const JAVA_NOT_BOUNDARY = boundary(JAVA_WORD, true);

/** POSIX and java.lang.Character classes (`\p{Alpha}`, `\p{javaLowerCase}`, …), as Java defines them. */
const NAMED_CLASSES: Record<string, string> = {
  Lower: '[a-z]',
  Upper: '[A-Z]',
  ASCII: '[\\u{0}-\\u{7f}]',
  Alpha: '[a-zA-Z]',
  Digit: '[0-9]',
  Alnum: '[a-zA-Z0-9]',
  Punct: '[\\u{21}-\\u{2f}\\u{3a}-\\u{40}\\u{5b}-\\u{60}\\u{7b}-\\u{7e}]',
  Graph: '[\\u{21}-\\u{7e}]',
  Print: '[\\u{20}-\\u{7e}]',
  Blank: '[\\u{20}\\t]',
  Cntrl: '[\\u{0}-\\u{1f}\\u{7f}]',
  XDigit: '[0-9a-fA-F]',
  Space: JAVA_SPACE,
  all: '[\\s\\S]',
  L1: '[\\u{0}-\\u{ff}]',
  LD: '[\\p{L}\\p{Nd}]',
  javaLowerCase: '\\p{Lowercase}',
  javaUpperCase: '\\p{Uppercase}',
  javaAlphabetic: '\\p{Alphabetic}',
  javaLetter: '\\p{L}',
  javaDigit: '\\p{Nd}',
  javaLetterOrDigit: '[\\p{L}\\p{Nd}]',
  javaTitleCase: '\\p{Lt}',
  javaSpaceChar: '[\\p{Zs}\\p{Zl}\\p{Zp}]',
  javaWhitespace: '[[\\t\\n\\u{b}\\f\\r\\u{1c}-\\u{1f}\\p{Zs}\\p{Zl}\\p{Zp}]--[\\u{a0}\\u{2007}\\u{202f}]]',
  javaISOControl: '[\\u{0}-\\u{1f}\\u{7f}-\\u{9f}]',
  javaDefined: '\\P{Cn}',
  javaMirrored: '\\p{Bidi_Mirrored}',
  javaIdeographic: '\\p{Ideographic}',
};

/** With UNICODE_CHARACTER_CLASS the POSIX names follow Unicode (Java's `forPOSIXName`). */
const UNICODE_POSIX: Record<string, string> = {
  ALPHA: '\\p{Alphabetic}',
  LOWER: '\\p{Lowercase}',
  UPPER: '\\p{Uppercase}',
  SPACE: '\\p{White_Space}',
  PUNCT: '\\p{P}',
  DIGIT: '\\p{Nd}',
  CNTRL: '\\p{Cc}',
  ALNUM: '[\\p{Alphabetic}\\p{Nd}]',
  XDIGIT: '[\\p{Nd}\\p{Hex_Digit}]',
  BLANK: '[\\p{Zs}\\t]',
};

/** Binary properties Java accepts as `\p{IsX}` (names compared upper-case, `_` optional). */
const BINARY_PROPERTIES: Record<string, string> = {
  ALPHABETIC: '\\p{Alphabetic}',
  IDEOGRAPHIC: '\\p{Ideographic}',
  LETTER: '\\p{L}',
  LOWERCASE: '\\p{Lowercase}',
  UPPERCASE: '\\p{Uppercase}',
  TITLECASE: '\\p{Lt}',
  PUNCTUATION: '\\p{P}',
  CONTROL: '\\p{Cc}',
  WHITESPACE: '\\p{White_Space}',
  DIGIT: '\\p{Nd}',
  HEXDIGIT: '\\p{Hex_Digit}',
  JOINCONTROL: '\\p{Join_Control}',
  NONCHARACTERCODEPOINT: '\\p{Noncharacter_Code_Point}',
  ASSIGNED: '\\P{Cn}',
  WORD: `[${UNICODE_WORD}]`,
  ALNUM: '[\\p{Alphabetic}\\p{Nd}]',
  BLANK: '[\\p{Zs}\\t]',
};

const GENERAL_CATEGORY = /^(?:[LMNZCPS]|L[ultmoC]|M[nce]|N[dlo]|Z[slp]|C[cfosn]|P[dsecoif]|S[mcko])$/;

/** A general category as a property escape; `L&` is Perl's (and PCRE's) name for `LC`. */
const category = (name: string): string | undefined =>
  name === 'L&' ? '\\p{LC}' : GENERAL_CATEGORY.test(name) ? `\\p{${name}}` : undefined;

/** A JavaScript property escape for a Java script name (`Latin`, `LATIN`, `old_italic`), if one exists. */
function script(name: string): string | undefined {
  const titled = name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('_');
  for (const candidate of [name, titled]) {
    const text = `\\p{Script=${candidate}}`;
    try {
      new RegExp(text, 'v');
      return text;
    } catch {
      // not a script name JavaScript knows under this spelling
    }
  }
  return undefined;
}

/** Whether `\p{name}` names a Unicode block, which JavaScript has no property for. */
export const isBlockName = (name: string): boolean => name.startsWith('In') || /^(?:blk|block)=/i.test(name);

/**
 * `\p{name}` as a class expression, looked up as Java's `Pattern.family` does: `key=value`
 * forms, then `IsX` (binary property, category, POSIX/java class, script), then plain names
 * (Unicode POSIX names under UNICODE_CHARACTER_CLASS, categories, POSIX and java classes).
 * Under CASE_INSENSITIVE `Lower` and `Upper` are both letter cases. Undefined when unknown.
 */
export function propertyClass(
  name: string,
  unicodeClasses: boolean,
  ignoreCase: boolean,
): string | undefined {
  const eq = name.indexOf('=');
  if (eq > 0) {
    const key = name.slice(0, eq).toLowerCase();
    const value = name.slice(eq + 1);
    if (key === 'sc' || key === 'script') return script(value);
    if (key === 'gc' || key === 'general_category') return category(value);
    return undefined;
  }
  if (name.startsWith('Is')) {
    const short = name.slice(2);
    return (
      BINARY_PROPERTIES[short.toUpperCase().replaceAll('_', '')] ??
      category(short) ??
      NAMED_CLASSES[short] ??
      script(short)
    );
  }
  if (unicodeClasses) {
    const posix = UNICODE_POSIX[name.toUpperCase()];
    if (posix !== undefined) return posix;
  }
  if (ignoreCase && (name === 'Lower' || name === 'Upper')) return '[a-zA-Z]';
  return category(name) ?? NAMED_CLASSES[name];
}

const isAsciiAlnum = (cp: number): boolean =>
  (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);

/** A literal code point in unicode-sets syntax (safe both inside and outside a class). */
export const charText = (cp: number): string =>
  isAsciiAlnum(cp) ? String.fromCharCode(cp) : `\\u{${cp.toString(16)}}`;

/** The code points a case-insensitive match of `cp` accepts: ASCII letters, or any with UNICODE_CASE. */
export function caseVariants(cp: number, unicode: boolean): number[] {
  if ((cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) return [cp, cp ^ 0x20];
  if (cp < 0x80 || !unicode) return [cp];
  const s = String.fromCodePoint(cp);
  const out = new Set([cp]);
  for (const t of [s.toLowerCase(), s.toUpperCase()]) {
    const c = t.codePointAt(0) as number;
    if (t.length === String.fromCodePoint(c).length) out.add(c);
  }
  return [...out];
}
