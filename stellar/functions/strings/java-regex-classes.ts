/**
 * The pieces of Java regex syntax that stand for sets of characters or positions — `\s`, `\h`,
 * `$`, multiline `^`, the POSIX and java.lang.Character classes, Unicode properties and
 * scripts — as JavaScript unicode-sets (`v`) text, with Java's definitions rather than
 * JavaScript's (Java's `\s` has no U+00A0, its `$` stops before a final line terminator).
 */

export const JAVA_SPACE = '[\\t\\n\\u{b}\\f\\r\\u{20}]';
export const JAVA_NOT_SPACE = '[^\\t\\n\\u{b}\\f\\r\\u{20}]';
export const UNICODE_WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
export const HORIZONTAL_SPACE =
  '\\u{20}\\t\\u{a0}\\u{1680}\\u{180e}\\u{2000}-\\u{200a}\\u{202f}\\u{205f}\\u{3000}';
export const VERTICAL_SPACE = '\\n\\u{b}\\f\\r\\u{85}\\u{2028}\\u{2029}';
export const LINE_TERMINATOR = '[\\n\\r\\u{85}\\u{2028}\\u{2029}]';
/** Java's `$` (and `\Z`): end of input, or before a final line terminator (not between \r and \n). */
export const JAVA_END = `(?:$|(?=\\r\\n$)|(?=${LINE_TERMINATOR}$)(?<!\\r(?=\\n)))`;
export const JAVA_END_UNIX = '(?:$|(?=\\n$))';
export const JAVA_MULTILINE_END = `(?:$|(?=${LINE_TERMINATOR})(?<!\\r(?=\\n)))`;
/** Java's multiline `^`: after a line terminator (\r\n counts once), never at the very end. */
export const JAVA_MULTILINE_START = '(?:^|(?<=[\\n\\u{85}\\u{2028}\\u{2029}]|\\r(?!\\n)))(?!$)';
export const JAVA_MULTILINE_START_UNIX = '(?:^|(?<=\\n))(?!$)';

/** POSIX and java.lang.Character classes (`\p{Alpha}`, `\p{javaLowerCase}`, …), as Java defines them. */
export const NAMED_CLASSES: Record<string, string> = {
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
export const UNICODE_POSIX: Record<string, string> = {
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
export const BINARY_PROPERTIES: Record<string, string> = {
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

export const GENERAL_CATEGORY = /^(?:[LMNZCPS]|L[ultmoC]|M[nce]|N[dlo]|Z[slp]|C[cfosn]|P[dsecoif]|S[mcko])$/;

const isAsciiAlnum = (cp: number): boolean =>
  (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);

/** A literal code point in unicode-sets syntax (safe both inside and outside a class). */
export const charText = (cp: number): string =>
  isAsciiAlnum(cp) ? String.fromCharCode(cp) : `\\u{${cp.toString(16)}}`;

/** A JavaScript property escape for a Java script name (`Latin`, `LATIN`, `old_italic`), if one exists. */
export function scriptClass(name: string): string | undefined {
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
