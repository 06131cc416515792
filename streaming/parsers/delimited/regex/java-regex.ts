/**
 * Java `java.util.regex.Pattern` syntax (Java 8, as Metron runs it) translated to a JavaScript
 * RegExp with the `v` flag, so configs written for Metron match the same text here.
 *
 * Translated rather than passed through: named groups must be `[a-zA-Z][a-zA-Z0-9]*`; `.` stops
 * at every Java line terminator (`\n \r \u0085 \u2028 \u2029`); `$` also matches before a final
 * line terminator; `^`/`$` follow Java's MULTILINE rules; `\s` `\h` `\v` `\R` `\A` `\Z` `\z`, octal
 * `\0nn`, `\x{h…}`, `\cX`, `\e`, `\a`, `\Q…\E`, POSIX `\p{Alpha}`-style classes and Java's `\b`
 * (a letter or digit in any script, or `_`); inline flags `(?imsxd-imsxd)` and `(?i:…)` scoped as in
 * Java; case-insensitive matching is ASCII-only unless `u` is on; possessive quantifiers and atomic
 * groups are emulated with a lookahead and a back-reference; nested classes `[a[b]]` and `&&`
 * intersections become `v`-mode set operations; a `]` first in a class is literal.
 *
 * Refused (a config error, never a silent difference): `\G`, the `U` and `c` flags,
 * back-references under case-insensitive matching, Unicode blocks `\p{InX}`. Known remaining
 * differences: a back-reference to a group that did not take part matches nothing in Java and the
 * empty string here; with `(?iu)`, class ranges outside ASCII are not case-folded; look-behinds
 * Java refuses as unbounded are accepted.
 */

/** A pattern Java's `Pattern.compile` rejects, or one Palisade cannot translate. */
export class JavaRegexError extends Error {
  constructor(
    readonly description: string,
    readonly pattern: string,
    readonly index: number,
  ) {
    super(`${description} near index ${index} of ${JSON.stringify(pattern)}`);
  }
}

/** A compiled Java pattern. */
export interface JavaRegex {
  /** The Java source. */
  readonly pattern: string;
  /** For `Matcher.find()`: the first match anywhere. */
  readonly find: RegExp;
  /** For `Matcher.matches()`: the whole input. */
  readonly whole: RegExp;
  /** Named groups, sorted as Java's `TreeSet` of names, with the JS group each one is. */
  readonly groups: readonly (readonly [javaName: string, jsName: string])[];
}

/** Compile a Java regular expression; throws {@link JavaRegexError}. */
export function compileJavaRegex(pattern: string): JavaRegex {
  const t = new Translator(pattern);
  const source = t.translate();
  let find: RegExp;
  let whole: RegExp;
  try {
    find = new RegExp(source, 'v');
    whole = new RegExp(`^(?:${source})$`, 'v');
  } catch (e) {
    throw new JavaRegexError(`cannot be translated (${(e as Error).message})`, pattern, 0);
  }
  const groups = [...t.named].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { pattern, find, whole, groups };
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
  d: boolean;
  u: boolean;
}

/** A piece of output and whether it is an assertion (which a `v`-mode quantifier cannot follow). */
interface Atom {
  text: string;
  assertion: boolean;
  /** Output before the part a quantifier applies to (the head of `\Q…\E`). */
  prefix?: string;
}

type Escape =
  | { kind: 'char'; cp: number }
  | { kind: 'set'; text: string }
  | { kind: 'assertion'; text: string }
  | { kind: 'backref'; text: string }
  | { kind: 'quote'; cps: number[] };

const TERMINATORS = '\\n\\r\\u{85}\\u{2028}\\u{2029}';
const SPACE = '[\\t\\n\\u{b}\\f\\r\\u{20}]';
const NOT_SPACE = '[^\\t\\n\\u{b}\\f\\r\\u{20}]';
const HSPACE = '\\t\\u{20}\\u{a0}\\u{1680}\\u{180e}\\u{2000}-\\u{200a}\\u{202f}\\u{205f}\\u{3000}';
const VSPACE = '\\n\\u{b}\\f\\r\\u{85}\\u{2028}\\u{2029}';
// Java 8's \b: a word character is a letter or digit of any script, or '_'.
const WORD = '[\\p{L}\\p{Nd}_]';
const BOUNDARY = `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
const NOT_BOUNDARY = `(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`;

/** Java's POSIX and `java.lang.Character` property classes (US-ASCII unless noted). */
const PROPERTY_CLASSES: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\u{0}-\\u{7f}',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '\\u{21}-\\u{2f}\\u{3a}-\\u{40}\\u{5b}-\\u{60}\\u{7b}-\\u{7e}',
  Graph: '\\u{21}-\\u{7e}',
  Print: '\\u{20}-\\u{7e}',
  Blank: '\\u{20}\\t',
  Cntrl: '\\u{0}-\\u{1f}\\u{7f}',
  XDigit: '0-9a-fA-F',
  Space: '\\t\\n\\u{b}\\f\\r\\u{20}',
  javaLowerCase: '\\p{Lowercase}',
  javaUpperCase: '\\p{Uppercase}',
  javaAlphabetic: '\\p{Alphabetic}',
  javaLetter: '\\p{L}',
  javaDigit: '\\p{Nd}',
  javaLetterOrDigit: '\\p{L}\\p{Nd}',
  javaWhitespace:
    '\\t\\n\\u{b}\\f\\r\\u{1c}-\\u{20}\\u{1680}\\u{2000}-\\u{2006}\\u{2008}-\\u{200a}\\u{2028}\\u{2029}\\u{205f}\\u{3000}',
  javaSpaceChar: '\\p{Zs}\\p{Zl}\\p{Zp}',
  javaMirrored: '\\p{Bidi_M}',
  javaTitleCase: '\\p{Lt}',
  javaIdeographic: '\\p{Ideographic}',
};

/** Java's binary-property names (`\p{IsAlphabetic}`) and their ECMAScript names. */
const BINARY_PROPERTIES: Record<string, string> = {
  alphabetic: 'Alphabetic',
  ideographic: 'Ideographic',
  letter: 'L',
  lowercase: 'Lowercase',
  uppercase: 'Uppercase',
  titlecase: 'Lt',
  punctuation: 'P',
  control: 'Cc',
  white_space: 'White_Space',
  whitespace: 'White_Space',
  digit: 'Nd',
  hex_digit: 'Hex_Digit',
  hexdigit: 'Hex_Digit',
  join_control: 'Join_Control',
  joincontrol: 'Join_Control',
  noncharacter_code_point: 'Noncharacter_Code_Point',
  noncharactercodepoint: 'Noncharacter_Code_Point',
  assigned: 'Assigned',
};

const CATEGORY = /^(?:[CLMNPSZ]|C[cfnos]|L[CDlmotu]|M[cen]|N[dlo]|P[cdefios]|S[ckmo]|Z[lps])$/;

const isAsciiAlnum = (cp: number): boolean =>
  (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122);

/** One code point, safe in and out of a `v`-mode class. */
const lit = (cp: number): string => (isAsciiAlnum(cp) ? String.fromCodePoint(cp) : `\\u{${cp.toString(16)}}`);

class Translator {
  private i = 0;
  /** Java capturing groups opened so far. */
  private groups = 0;
  private hidden = 0;
  private maxRef = 0;
  /** Java group name → JS group name. */
  readonly named = new Map<string, string>();

  constructor(private readonly src: string) {}

  private error(message: string, at = this.i): JavaRegexError {
    return new JavaRegexError(message, this.src, at);
  }

  translate(): string {
    const flags: Flags = { i: false, m: false, s: false, x: false, d: false, u: false };
    const out = this.alternation(flags);
    if (this.i < this.src.length) throw this.error("Unmatched closing ')'");
    if (this.maxRef > this.groups)
      throw this.error(`back-reference \\${this.maxRef} to a group that does not exist`);
    return out;
  }

  private alternation(flags: Flags): string {
    let out = this.sequence(flags);
    while (this.src[this.i] === '|') {
      this.i++;
      out += `|${this.sequence(flags)}`;
    }
    return out;
  }

  private sequence(flags: Flags): string {
    let out = '';
    for (;;) {
      if (flags.x) this.skipComments();
      const c = this.src[this.i];
      if (c === undefined || c === '|' || c === ')') return out;
      const atom = this.atom(flags);
      if (atom === undefined) continue;
      if (flags.x) this.skipComments();
      out += this.quantified(atom, flags);
    }
  }

  /** Comments mode: white space and `#…` to the end of the line are not part of the pattern. */
  private skipComments(): void {
    const s = this.src;
    for (;;) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\u000b') this.i++;
      else if (c === '#') {
        while (this.i < s.length && !/[\n\r\u0085\u2028\u2029]/.test(s[this.i] as string)) this.i++;
      } else return;
    }
  }

  private quantified(atom: Atom, flags: Flags): string {
    const s = this.src;
    const start = this.i;
    const c = s[this.i];
    let q: string;
    if (c === '*' || c === '+' || c === '?') {
      q = c;
      this.i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i));
      if (!m) throw this.error('Illegal repetition');
      if (m[3] !== undefined && m[3] !== '' && Number(m[3]) < Number(m[1])) {
        throw this.error('Illegal repetition range');
      }
      q = m[0];
      this.i += m[0].length;
    } else {
      return (atom.prefix ?? '') + atom.text;
    }
    const base = atom.assertion ? `(?:${atom.text})` : atom.text;
    const mode = s[this.i];
    if (mode === '?') {
      this.i++;
      return `${atom.prefix ?? ''}${base}${q}?`;
    }
    if (mode === '+') {
      this.i++;
      // Possessive: match greedily once, never give back (a lookahead is atomic in JS).
      const name = `__a${++this.hidden}`;
      return `${atom.prefix ?? ''}(?:(?=(?<${name}>${base}${q}))\\k<${name}>)`;
    }
    if (flags.x) this.skipComments();
    const next = s[this.i];
    if (next === '*' || next === '+' || next === '?' || (next === '{' && /^\{\d/.test(s.slice(this.i)))) {
      throw this.error(`Dangling meta character '${next}'`, start);
    }
    return `${atom.prefix ?? ''}${base}${q}`;
  }

  /** One atom, or undefined for an inline flag group like `(?i)`. */
  private atom(flags: Flags): Atom | undefined {
    const s = this.src;
    const c = s[this.i] as string;
    switch (c) {
      case '(':
        return this.group(flags);
      case '[':
        this.i++;
        return { text: this.charClass(flags), assertion: false };
      case '.':
        this.i++;
        return {
          text: flags.s ? '[\\s\\S]' : flags.d ? '[^\\n]' : `[^${TERMINATORS}]`,
          assertion: false,
        };
      case '^':
        this.i++;
        return { text: this.caret(flags), assertion: true };
      case '$':
        this.i++;
        return { text: this.dollar(flags), assertion: true };
      case '\\':
        return this.escapeAtom(flags);
      case '*':
      case '+':
      case '?':
        throw this.error(`Dangling meta character '${c}'`);
      case '{':
        throw this.error('Illegal repetition');
      default: {
        const cp = s.codePointAt(this.i) as number;
        this.i += cp > 0xffff ? 2 : 1;
        return { text: this.literal(cp, flags), assertion: false };
      }
    }
  }

  private caret(flags: Flags): string {
    if (!flags.m) return '^';
    const t = flags.d ? '\\n' : TERMINATORS;
    // After a line terminator (not inside \r\n), but not at the very end of the input.
    return `(?:^|(?<=[${t}])${flags.d ? '' : '(?<!\\r(?=\\n))'}(?!$))`;
  }

  private dollar(flags: Flags): string {
    const t = flags.d ? '\\n' : TERMINATORS;
    if (flags.m) return `(?=[${t}]|$)${flags.d ? '' : '(?<!\\r(?=\\n))'}`;
    return flags.d ? '(?=\\n?$)' : `(?=(?:\\r\\n|[${t}])?$)`;
  }

  private literal(cp: number, flags: Flags): string {
    if (flags.i) {
      const variants = caseVariants(cp, flags.u);
      if (variants.length > 1) return `[${variants.map(lit).join('')}]`;
    }
    return lit(cp);
  }

  private group(flags: Flags): Atom | undefined {
    const s = this.src;
    const open = this.i;
    this.i++; // '('
    const inner: Flags = { ...flags };
    let prefix: string;
    let assertion = false;
    let atomic = false;
    if (s[this.i] !== '?') {
      prefix = `(?<${this.newGroup(undefined)}>`;
    } else {
      this.i++;
      const c = s[this.i];
      if (c === ':') {
        this.i++;
        prefix = '(?:';
      } else if (c === '=' || c === '!') {
        this.i++;
        prefix = `(?${c}`;
        assertion = true;
      } else if (c === '>') {
        this.i++;
        prefix = '(?:';
        atomic = true;
      } else if (c === '<') {
        const d = s[this.i + 1];
        if (d === '=' || d === '!') {
          this.i += 2;
          prefix = `(?<${d}`;
          assertion = true;
        } else {
          this.i++;
          const m = /^([a-zA-Z][a-zA-Z0-9]*)>/.exec(s.slice(this.i));
          if (!m) throw this.error("named capturing group is missing trailing '>'");
          const name = m[1] as string;
          if (this.named.has(name)) throw this.error(`Named capturing group <${name}> is already defined`);
          this.i += m[0].length;
          prefix = `(?<${this.newGroup(name)}>`;
        }
      } else {
        // Inline flags: (?imsxdu-imsxdu) for the rest of the group, or (?flags:X) for X.
        const target: Flags = { ...flags };
        let on = true;
        for (;;) {
          const f = s[this.i];
          if (f === '-') on = false;
          else if (f === 'i' || f === 'm' || f === 's' || f === 'x' || f === 'd' || f === 'u') target[f] = on;
          else if (f === 'U') throw this.error('the UNICODE_CHARACTER_CLASS flag (?U) is not supported');
          else if (f === 'c') throw this.error('the CANON_EQ flag (?c) is not supported');
          else break;
          this.i++;
        }
        const end = s[this.i];
        if (end === ')') {
          this.i++;
          Object.assign(flags, target);
          return undefined;
        }
        if (end !== ':') throw this.error('Unknown inline modifier');
        this.i++;
        Object.assign(inner, target);
        prefix = '(?:';
      }
    }
    const body = this.alternation(inner);
    if (s[this.i] !== ')') throw this.error('Unclosed group', open);
    this.i++;
    if (atomic) {
      const name = `__a${++this.hidden}`;
      return { text: `(?:(?=(?<${name}>${body}))\\k<${name}>)`, assertion: false };
    }
    return { text: `${prefix}${body})`, assertion };
  }

  private newGroup(javaName: string | undefined): string {
    const jsName = `__g${++this.groups}`;
    if (javaName !== undefined) this.named.set(javaName, jsName);
    return jsName;
  }

  private escapeAtom(flags: Flags): Atom {
    const e = this.escape(flags, false);
    switch (e.kind) {
      case 'char':
        return { text: this.literal(e.cp, flags), assertion: false };
      case 'set':
        return { text: e.text, assertion: false };
      case 'assertion':
        return { text: e.text, assertion: true };
      case 'backref':
        if (flags.i) throw this.error('a back-reference under case-insensitive matching is not supported');
        return { text: e.text, assertion: false };
      case 'quote': {
        // A quantifier after \Q…\E applies to its last character, as in Java.
        const cps = e.cps;
        const last = cps[cps.length - 1];
        if (last === undefined) return { text: '(?:)', assertion: false };
        const prefix = cps
          .slice(0, -1)
          .map((cp) => this.literal(cp, flags))
          .join('');
        return { prefix, text: this.literal(last, flags), assertion: false };
      }
    }
  }

  /** The escape at `\`; `inClass` limits it to what a class may hold. */
  private escape(flags: Flags, inClass: boolean): Escape {
    const s = this.src;
    const at = this.i;
    this.i++; // '\'
    const c = s[this.i];
    if (c === undefined) throw this.error('Unexpected internal error', at);
    const cp = s.codePointAt(this.i) as number;
    this.i += cp > 0xffff ? 2 : 1;
    const set = (text: string): Escape => ({ kind: 'set', text });
    const assertion = (text: string): Escape => {
      if (inClass) throw this.error(`\\${c} is not allowed in a character class`, at);
      return { kind: 'assertion', text };
    };
    if (!/[a-zA-Z0-9]/.test(c)) return { kind: 'char', cp };
    switch (c) {
      case 't':
        return { kind: 'char', cp: 9 };
      case 'n':
        return { kind: 'char', cp: 10 };
      case 'r':
        return { kind: 'char', cp: 13 };
      case 'f':
        return { kind: 'char', cp: 12 };
      case 'a':
        return { kind: 'char', cp: 7 };
      case 'e':
        return { kind: 'char', cp: 27 };
      case '0': {
        const m = /^(?:[0-3][0-7]{2}|[0-7]{1,2})/.exec(s.slice(this.i));
        if (!m) throw this.error('Illegal octal escape sequence', at);
        this.i += m[0].length;
        return { kind: 'char', cp: Number.parseInt(m[0], 8) };
      }
      case 'x': {
        if (s[this.i] === '{') {
          const m = /^\{([0-9a-fA-F]+)\}/.exec(s.slice(this.i));
          const value = m ? Number.parseInt(m[1] as string, 16) : Number.NaN;
          if (!m || !(value <= 0x10ffff)) throw this.error('Illegal hexadecimal escape sequence', at);
          this.i += m[0].length;
          return { kind: 'char', cp: value };
        }
        const m = /^[0-9a-fA-F]{2}/.exec(s.slice(this.i));
        if (!m) throw this.error('Illegal hexadecimal escape sequence', at);
        this.i += 2;
        return { kind: 'char', cp: Number.parseInt(m[0], 16) };
      }
      case 'u': {
        const m = /^[0-9a-fA-F]{4}/.exec(s.slice(this.i));
        if (!m) throw this.error('Illegal Unicode escape sequence', at);
        this.i += 4;
        let value = Number.parseInt(m[0], 16);
        // A surrogate pair written as two escapes is one code point.
        const low = /^\\u(d[c-f][0-9a-f]{2})/i.exec(s.slice(this.i));
        if (value >= 0xd800 && value <= 0xdbff && low) {
          value = 0x10000 + ((value - 0xd800) << 10) + (Number.parseInt(low[1] as string, 16) - 0xdc00);
          this.i += 6;
        }
        return { kind: 'char', cp: value };
      }
      case 'c': {
        const x = s.codePointAt(this.i);
        if (x === undefined) throw this.error('Illegal control escape sequence', at);
        this.i += x > 0xffff ? 2 : 1;
        return { kind: 'char', cp: x ^ 64 };
      }
      case 'd':
        return set('\\d');
      case 'D':
        return set('\\D');
      case 'w':
        return set('\\w');
      case 'W':
        return set('\\W');
      case 's':
        return set(SPACE);
      case 'S':
        return set(NOT_SPACE);
      case 'h':
        return set(`[${HSPACE}]`);
      case 'H':
        return set(`[^${HSPACE}]`);
      case 'v':
        return set(`[${VSPACE}]`);
      case 'V':
        return set(`[^${VSPACE}]`);
      case 'R':
        if (inClass) throw this.error('\\R is not allowed in a character class', at);
        return set(`(?:\\r\\n|[${VSPACE}])`);
      case 'p':
      case 'P':
        return set(this.property(c === 'P', at));
      case 'b':
        return assertion(BOUNDARY);
      case 'B':
        return assertion(NOT_BOUNDARY);
      case 'A':
        return assertion('^');
      case 'z':
        return assertion('$');
      case 'Z':
        return assertion(flags.d ? '(?=\\n?$)' : `(?=(?:\\r\\n|[${TERMINATORS}])?$)`);
      case 'G':
        throw this.error('\\G (end of the previous match) is not supported', at);
      case 'Q': {
        if (inClass) throw this.error('\\Q…\\E inside a character class is not supported', at);
        const end = s.indexOf('\\E', this.i);
        const text = end < 0 ? s.slice(this.i) : s.slice(this.i, end);
        this.i = end < 0 ? s.length : end + 2;
        return { kind: 'quote', cps: [...text].map((ch) => ch.codePointAt(0) as number) };
      }
      case 'k': {
        if (inClass) throw this.error('\\k is not allowed in a character class', at);
        const m = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(s.slice(this.i));
        if (!m) throw this.error("\\k is not followed by '<' for named capturing group", at);
        const js = this.named.get(m[1] as string);
        if (js === undefined) throw this.error(`named capturing group <${m[1]}> does not exist`, at);
        this.i += m[0].length;
        return { kind: 'backref', text: `\\k<${js}>` };
      }
      default:
        if (c >= '1' && c <= '9') {
          if (inClass) throw this.error('a back-reference is not allowed in a character class', at);
          // Java reads more digits only while they name a group already opened.
          let n = Number(c);
          for (;;) {
            const d = s[this.i];
            if (d === undefined || d < '0' || d > '9') break;
            const next = n * 10 + Number(d);
            if (next > this.groups) break;
            n = next;
            this.i++;
          }
          this.maxRef = Math.max(this.maxRef, n);
          return { kind: 'backref', text: `\\k<__g${n}>` };
        }
        throw this.error(`Illegal/unsupported escape sequence \\${c}`, at);
    }
  }

  /** `\p{…}` / `\P{…}` / `\pL` as a `v`-mode set. */
  private property(negated: boolean, at: number): string {
    const s = this.src;
    let name: string;
    if (s[this.i] === '{') {
      const end = s.indexOf('}', this.i);
      if (end < 0) throw this.error('Unclosed character family', at);
      name = s.slice(this.i + 1, end);
      this.i = end + 1;
    } else {
      const ch = s[this.i];
      if (ch === undefined) throw this.error('Illegal character family', at);
      name = ch;
      this.i++;
    }
    const posix = PROPERTY_CLASSES[name];
    if (posix !== undefined) return `[${negated ? '^' : ''}${posix}]`;
    let js: string | undefined;
    const eq = /^(general_category|gc|script|sc|block|blk)=(.+)$/.exec(name);
    if (eq) {
      const kind = eq[1] as string;
      const value = eq[2] as string;
      if (kind === 'block' || kind === 'blk')
        throw this.error(`Unicode blocks (\\p{${name}}) are not supported`, at);
      js = kind === 'script' || kind === 'sc' ? `Script=${value}` : value;
    } else if (name.startsWith('In')) {
      throw this.error(`Unicode blocks (\\p{${name}}) are not supported`, at);
    } else if (name.startsWith('Is')) {
      const rest = name.slice(2);
      js = CATEGORY.test(rest)
        ? rest
        : (BINARY_PROPERTIES[rest.toLowerCase()] ?? (rest.toLowerCase() === 'l&' ? 'LC' : `Script=${rest}`));
    } else if (CATEGORY.test(name)) {
      js = name;
    } else if (name === 'L&') {
      js = 'LC';
    }
    if (js === undefined) throw this.error(`Unknown character property name {${name}}`, at);
    const text = `\\${negated ? 'P' : 'p'}{${js}}`;
    try {
      new RegExp(text, 'v');
    } catch {
      throw this.error(`Unknown character property name {${name}}`, at);
    }
    return text;
  }

  /** A class after its `[`, through its `]`, as a `v`-mode class. */
  private charClass(flags: Flags): string {
    const s = this.src;
    const open = this.i - 1;
    let negate = false;
    if (s[this.i] === '^') {
      negate = true;
      this.i++;
    }
    const operands: string[] = [];
    let union = '';
    let first = true;
    for (;;) {
      if (flags.x) this.skipComments();
      const c = s[this.i];
      if (c === undefined) throw this.error('Unclosed character class', open);
      if (c === ']' && !first) {
        this.i++;
        break;
      }
      if (c === '[') {
        this.i++;
        union += this.charClass(flags);
        first = false;
        continue;
      }
      if (c === '&' && s[this.i + 1] === '&') {
        this.i += 2;
        if (union !== '') operands.push(union);
        union = '';
        first = false;
        continue;
      }
      first = false;
      const start = this.classChar(flags);
      if (typeof start === 'string') {
        union += start;
        continue;
      }
      if (flags.x) this.skipComments();
      const after = s[this.i + 1];
      if (s[this.i] === '-' && after !== undefined && after !== ']' && after !== '[') {
        const dash = this.i;
        this.i++;
        if (flags.x) this.skipComments();
        const end = this.classChar(flags);
        if (typeof end === 'string' || end < start) throw this.error('Illegal character range', dash);
        union += rangeText(start, end, flags);
      } else {
        union += singleText(start, flags);
      }
    }
    if (operands.length === 0) return `[${negate ? '^' : ''}${union}]`;
    if (union !== '') operands.push(union);
    return `[${negate ? '^' : ''}${operands.map((o) => `[${o}]`).join('&&')}]`;
  }

  /** One class member: a code point, or a set's text. */
  private classChar(flags: Flags): number | string {
    const s = this.src;
    if (s[this.i] === '\\') {
      const e = this.escape(flags, true);
      if (e.kind === 'char') return e.cp;
      if (e.kind === 'set') return e.text;
      throw this.error('unexpected escape in a character class');
    }
    const cp = s.codePointAt(this.i) as number;
    this.i += cp > 0xffff ? 2 : 1;
    return cp;
  }
}

/** The code points a case-insensitive match of `cp` accepts: ASCII letters, or any with UNICODE_CASE. */
function caseVariants(cp: number, unicode: boolean): number[] {
  if (cp >= 65 && cp <= 90) return [cp, cp + 32];
  if (cp >= 97 && cp <= 122) return [cp, cp - 32];
  if (!unicode || cp < 128) return [cp];
  const ch = String.fromCodePoint(cp);
  const out = new Set([cp]);
  for (const v of [ch.toUpperCase(), ch.toLowerCase()]) {
    if ([...v].length === 1) out.add(v.codePointAt(0) as number);
  }
  return [...out];
}

function singleText(cp: number, flags: Flags): string {
  return flags.i ? caseVariants(cp, flags.u).map(lit).join('') : lit(cp);
}

/** A range, plus the other case of its ASCII letters when matching ignores case. */
function rangeText(lo: number, hi: number, flags: Flags): string {
  let out = `${lit(lo)}-${lit(hi)}`;
  if (!flags.i) return out;
  const a = Math.max(lo, 65);
  const b = Math.min(hi, 90);
  if (a <= b) out += `${lit(a + 32)}-${lit(b + 32)}`;
  const c = Math.max(lo, 97);
  const d = Math.min(hi, 122);
  if (c <= d) out += `${lit(c - 32)}-${lit(d - 32)}`;
  return out;
}
