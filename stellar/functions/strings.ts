import {
  double,
  isNumber,
  kindOf,
  type NumKind,
  num,
  numValue,
  type StellarNumber,
  toJavaString,
  typeName,
  type Value,
} from '../values.js';
import { type FunctionDef, type FunctionExample, fail, type ParamDef } from './types.js';

/**
 * Stellar's string, regex, conversion and JSON functions: Metron's StringFunctions,
 * TextFunctions, RegExFunctions and ConversionFunctions, together with the Java library
 * behaviour they inherit — `String.format`, `java.util.regex`, commons-lang `StringUtils`,
 * commons-text `FuzzyScore`, commons-beanutils number conversion and Jackson's JSON typing.
 */

// ---------------------------------------------------------------------------------------------
// Java semantics shared by the functions below
// ---------------------------------------------------------------------------------------------

/** Java's `String.trim()`: strips every char up to U+0020 (not Unicode spaces) at both ends. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 32) start++;
  while (end > start && s.charCodeAt(end - 1) <= 32) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** Java's `(String) x`: null passes, any other non-string is a ClassCastException. */
function castString(fn: string, v: Value | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  return fail(`${fn}: ${typeName(v)} cannot be cast to a string`);
}

/** The elements of a Java `Iterable` (list or set), or undefined for anything else. */
function iterableOf(v: Value | undefined): Iterable<Value> | undefined {
  return Array.isArray(v) || v instanceof Set ? v : undefined;
}

/** commons-beanutils converts a list or set through its first element (null when empty). */
function firstIfCollection(v: Value | undefined): Value {
  if (Array.isArray(v)) return (v[0] as Value | undefined) ?? null;
  if (v instanceof Set) return (v.values().next().value as Value | undefined) ?? null;
  return v ?? null;
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2 ** 63);
const LONG_MAX = 2 ** 63;

/** Java's `(long) d`: NaN is 0, out-of-range values saturate. */
function doubleToLong(v: number): number {
  if (Number.isNaN(v)) return 0;
  if (v >= LONG_MAX) return LONG_MAX;
  if (v <= LONG_MIN) return LONG_MIN;
  return Math.trunc(v) + 0;
}

/** Java's `Number.intValue()`: a long wraps to 32 bits, a float or double saturates. */
function intValue(n: StellarNumber): number {
  const v = numValue(n);
  const kind = kindOf(n);
  if (kind === 'int') return v;
  if (kind === 'long') return Number(BigInt.asIntN(32, BigInt(v)));
  if (Number.isNaN(v)) return 0;
  return Math.max(INT_MIN, Math.min(INT_MAX, Math.trunc(v))) + 0;
}

// ---------------------------------------------------------------------------------------------
// Number conversion: Metron's ConversionUtils.convert (commons-beanutils, null on failure)
// ---------------------------------------------------------------------------------------------

const JAVA_DECIMAL = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
const JAVA_HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)[fFdD]?$/;
const JAVA_INTEGER = /^[+-]?\d+$/;
const TYPE_SUFFIX = /[fFdD]$/;

/** Java's `Double.parseDouble` grammar (after trimming); undefined when Java would throw. */
function parseJavaDouble(s: string): number | undefined {
  if (JAVA_DECIMAL.test(s)) {
    // A trailing type suffix (f, F, d, D) is part of Java's grammar, not JavaScript's.
    return Number(TYPE_SUFFIX.test(s) ? s.slice(0, -1) : s);
  }
  const hex = JAVA_HEX_FLOAT.exec(s);
  if (!hex) return undefined;
  const [, sign, whole = '', frac = '', exp] = hex;
  if (whole === '' && frac === '') return undefined;
  const mantissa = Number.parseInt(`${whole}${frac}` || '0', 16);
  const value = mantissa * 2 ** (Number(exp) - 4 * frac.length);
  return sign === '-' ? -value : value;
}

/** Parse a Java `Integer.valueOf`/`Long.valueOf` string; undefined when out of range or malformed. */
function parseJavaIntegral(s: string, kind: 'int' | 'long'): number | undefined {
  if (!JAVA_INTEGER.test(s)) return undefined;
  // Up to nine digits always fit an int (and fifteen a long) exactly: no BigInt needed.
  const digits = s.length - (s[0] === '+' || s[0] === '-' ? 1 : 0);
  if (digits <= (kind === 'int' ? 9 : 15)) return Number(s) + 0;
  const big = BigInt(s);
  const [min, max] = kind === 'int' ? [-(2n ** 31n), 2n ** 31n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
  return big < min || big > max ? undefined : Number(big) + 0;
}

/**
 * Metron's `ConversionUtils.convert(o, Integer|Long|Float|Double)`: a list or set converts its
 * first element; booleans are 1/0; numbers narrow as Java does (out of int range → null, long
 * saturates, float above Float.MAX_VALUE → null); strings are trimmed and parsed with Java's
 * grammar; anything unconvertible is null.
 */
export function convertNumber(v: Value | undefined, target: NumKind): StellarNumber | null {
  const x = firstIfCollection(v);
  if (x === null) return null;
  if (isNumber(x)) return narrowNumber(numValue(x), kindOf(x), target);
  if (typeof x === 'boolean') return num(target, x ? 1 : 0);
  const text = javaTrim(typeof x === 'string' ? x : toJavaString(x));
  if (text === '') return null;
  if (target === 'int' || target === 'long') {
    const n = parseJavaIntegral(text, target);
    return n === undefined ? null : num(target, n);
  }
  const d = parseJavaDouble(text);
  if (d === undefined) return null;
  return target === 'float' ? num('float', d) : double(d);
}

const FLOAT_MAX = 3.4028234663852886e38;

function narrowNumber(v: number, from: NumKind, target: NumKind): StellarNumber | null {
  switch (target) {
    case 'int': {
      const whole = from === 'int' || from === 'long' ? v : doubleToLong(v);
      return whole < INT_MIN || whole > INT_MAX ? null : whole + 0;
    }
    case 'long':
      return num('long', from === 'int' || from === 'long' ? v : doubleToLong(v));
    case 'float':
      return v > FLOAT_MAX ? null : num('float', v);
    default:
      return double(v);
  }
}

/** Metron's `ConversionUtils.convert(o, Integer.class)` as a plain int, or null. */
function convertInt(v: Value | undefined): number | null {
  const n = convertNumber(v, 'int');
  return n === null ? null : numValue(n);
}

// ---------------------------------------------------------------------------------------------
// Java regular expressions, translated to JavaScript (unicode-sets mode) and cached
// ---------------------------------------------------------------------------------------------

/** A Java pattern compiled to JavaScript: `matches()` and `find()` forms plus group mapping. */
interface JavaPattern {
  /** Anchored at both ends: Java's `Matcher.matches()`. */
  readonly full: RegExp;
  /** Global: Java's `find()` loop, as `replaceAll` runs it. */
  readonly find: RegExp;
  /** Java's `groupCount()`. */
  readonly groupCount: number;
  /** The JavaScript group index of each Java group (index 0 is the whole match). */
  readonly jsGroup: readonly number[];
  /** Named groups: name → Java group number. */
  readonly names: ReadonlyMap<string, number>;
  /** Parsed `replaceAll` replacement strings, by text. */
  readonly replacements: Map<string, Replacement>;
}

class RegexSyntaxError extends Error {}

interface RegexFlags {
  i: boolean;
  d: boolean;
  m: boolean;
  s: boolean;
  u: boolean;
  x: boolean;
  U: boolean;
}

/** Output of the translator: text, a capture group's opening (numbered at the end) or a back reference. */
type Piece = string | { open: number } | { ref: number } | { javaRef: number };

const QUANTIFIER_BRACE = /\{(\d+)(?:(,)(\d*))?\}/y;
const JAVA_SPACE = '[\\t\\n\\u{b}\\f\\r\\u{20}]';
const JAVA_NOT_SPACE = '[^\\t\\n\\u{b}\\f\\r\\u{20}]';
const UNICODE_WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
const HORIZONTAL_SPACE = '\\u{20}\\t\\u{a0}\\u{1680}\\u{180e}\\u{2000}-\\u{200a}\\u{202f}\\u{205f}\\u{3000}';
const VERTICAL_SPACE = '\\n\\u{b}\\f\\r\\u{85}\\u{2028}\\u{2029}';
const LINE_TERMINATOR = '[\\n\\r\\u{85}\\u{2028}\\u{2029}]';
/** Java's `$` (and `\Z`): end of input, or before a final line terminator (not between \r and \n). */
const JAVA_END = `(?:$|(?=\\r\\n$)|(?=${LINE_TERMINATOR}$)(?<!\\r(?=\\n)))`;
const JAVA_END_UNIX = '(?:$|(?=\\n$))';
const JAVA_MULTILINE_END = `(?:$|(?=${LINE_TERMINATOR})(?<!\\r(?=\\n)))`;
/** Java's multiline `^`: after a line terminator (\r\n counts once), never at the very end. */
const JAVA_MULTILINE_START = '(?:^|(?<=[\\n\\u{85}\\u{2028}\\u{2029}]|\\r(?!\\n)))(?!$)';
const JAVA_MULTILINE_START_UNIX = '(?:^|(?<=\\n))(?!$)';

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

const isAsciiAlnum = (cp: number): boolean =>
  (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);

/** A literal code point in unicode-sets syntax (safe both inside and outside a class). */
const charText = (cp: number): string =>
  isAsciiAlnum(cp) ? String.fromCharCode(cp) : `\\u{${cp.toString(16)}}`;

/** A JavaScript property escape for a Java script name (`Latin`, `LATIN`, `old_italic`), if one exists. */
function scriptClass(name: string): string | undefined {
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

/**
 * Translates a Java regex to a JavaScript `v`-mode source. Java constructs JavaScript lacks are
 * emulated: possessive quantifiers and atomic groups via a captured lookahead and back
 * reference; `\A \Z \z`, Java's `$`, multiline `^`, `.` and `\s` exactly; inline flags by
 * tracking them while translating (scoped case-insensitivity expands ASCII letters); `\Q…\E`,
 * class unions and `&&` intersections, POSIX and java.lang.Character classes. Capture groups
 * are numbered at the end, so synthetic groups never shift the Java group numbers seen by callers.
 */
class RegexTranslator {
  private pos = 0;
  private readonly out: Piece[] = [];
  private flags: RegexFlags = { i: false, d: false, m: false, s: false, u: false, x: false, U: false };
  private serials = 0;
  /** Serial number of each Java capture group, in Java order. */
  private readonly javaGroups: number[] = [];
  readonly names = new Map<string, number>();
  /** JavaScript group index of each Java group, filled by {@link run}. */
  jsGroup: number[] = [0];

  constructor(
    private readonly src: string,
    /** The JavaScript `i` flag is used (case-insensitive from the start, never switched off). */
    private readonly jsIgnoreCase: boolean,
  ) {}

  get groupCount(): number {
    return this.javaGroups.length;
  }

  run(): string {
    this.sequence(false);
    const jsIndex: number[] = [];
    let n = 0;
    for (const p of this.out) if (typeof p === 'object' && 'open' in p) jsIndex[p.open] = ++n;
    let source = '';
    for (const p of this.out) {
      if (typeof p === 'string') source += p;
      else if ('open' in p) source += '(';
      else if ('ref' in p) source += `(?:\\${jsIndex[p.ref]})`;
      else {
        // A reference to a group the pattern never defines can never match (Java fails it).
        const serial = this.javaGroups[p.javaRef - 1];
        source += serial === undefined ? '(?!)' : `(?:\\${jsIndex[serial]})`;
      }
    }
    this.jsGroup = [0, ...this.javaGroups.map((s) => jsIndex[s] as number)];
    return source;
  }

  private error(message: string): never {
    throw new RegexSyntaxError(`${message} near index ${this.pos}`);
  }

  private readCp(): number {
    const cp = this.src.codePointAt(this.pos) as number;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  /** In comments mode (`(?x)`), whitespace and `#` comments are not part of the pattern. */
  private skipComments(): void {
    while (this.pos < this.src.length) {
      const c = this.src.charCodeAt(this.pos);
      if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) this.pos++;
      else if (c === 0x23) {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n' && this.src[this.pos] !== '\r')
          this.pos++;
      } else return;
    }
  }

  private sequence(inGroup: boolean): void {
    let atom = -1;
    for (;;) {
      if (this.flags.x) this.skipComments();
      if (this.pos >= this.src.length) {
        if (inGroup) this.error('Unclosed group');
        return;
      }
      const c = this.src[this.pos] as string;
      if (c === '|') {
        this.pos++;
        this.out.push('|');
        atom = -1;
        continue;
      }
      if (c === ')') {
        if (inGroup) return;
        this.error("Unmatched closing ')'");
      }
      if (c === '*' || c === '+' || c === '?' || c === '{') {
        this.quantify(atom);
        atom = -1;
        continue;
      }
      atom = this.out.length;
      if (c === '(') {
        if (!this.group()) atom = -1;
      } else if (c === '[') {
        this.pos++;
        this.out.push(this.charClass());
      } else if (c === '.') {
        this.pos++;
        this.out.push(
          this.flags.s ? '[\\s\\S]' : this.flags.d ? '[^\\n]' : `[^${LINE_TERMINATOR.slice(1, -1)}]`,
        );
      } else if (c === '^') {
        this.pos++;
        this.out.push(this.flags.m ? (this.flags.d ? JAVA_MULTILINE_START_UNIX : JAVA_MULTILINE_START) : '^');
      } else if (c === '$') {
        this.pos++;
        this.out.push(
          this.flags.m
            ? this.flags.d
              ? '(?:$|(?=\\n))'
              : JAVA_MULTILINE_END
            : this.flags.d
              ? JAVA_END_UNIX
              : JAVA_END,
        );
      } else if (c === '\\' && this.src[this.pos + 1] === 'Q') {
        // \Q…\E: each quoted char is its own atom, so a quantifier binds only the last one.
        this.pos += 2;
        let end = this.src.indexOf('\\E', this.pos);
        if (end < 0) end = this.src.length;
        atom = -1;
        while (this.pos < end) {
          atom = this.out.length;
          this.out.push(this.literal(this.readCp()));
        }
        this.pos = Math.min(end + 2, this.src.length);
      } else if (c === '\\') this.escape();
      else this.out.push(this.literal(this.readCp()));
    }
  }

  private quantify(atom: number): void {
    const c = this.src[this.pos] as string;
    let q: string;
    if (c === '{') {
      QUANTIFIER_BRACE.lastIndex = this.pos;
      const m = QUANTIFIER_BRACE.exec(this.src);
      if (!m) this.error('Illegal repetition');
      if (m[3] !== undefined && m[3] !== '' && Number(m[3]) < Number(m[1]))
        this.error('Illegal repetition range');
      q = m[0];
    } else q = c;
    if (atom < 0) this.error(`Dangling meta character '${c}'`);
    this.pos += q.length;
    const mode = this.src[this.pos];
    if (mode === '+') {
      // Possessive: match greedily inside a lookahead, then consume exactly that — no backtracking.
      this.pos++;
      const serial = this.serials++;
      this.out.splice(atom, 0, '(?:(?=', { open: serial }, '(?:');
      this.out.push(`)${q})`, ')', { ref: serial }, ')');
    } else {
      const lazy = mode === '?' ? '?' : '';
      if (lazy) this.pos++;
      this.out.splice(atom, 0, '(?:');
      this.out.push(`)${q}${lazy}`);
    }
  }

  /** A group; false when it was only inline flags (`(?i)`), which leaves nothing to quantify. */
  private group(): boolean {
    this.pos++;
    const saved = { ...this.flags };
    let tail: Piece[] = [')'];
    if (this.src[this.pos] === '?') {
      this.pos++;
      const k = this.src[this.pos];
      const k2 = this.src[this.pos + 1];
      if (k === ':') {
        this.pos++;
        this.out.push('(?:');
      } else if (k === '=' || k === '!') {
        this.pos++;
        this.out.push(`(?${k}`);
      } else if (k === '<' && (k2 === '=' || k2 === '!')) {
        this.pos += 2;
        this.out.push(`(?<${k2}`);
      } else if (k === '<') {
        this.pos++;
        this.openCapture(this.groupName());
      } else if (k === '>') {
        // Atomic group: the same lookahead-and-consume trick as possessive quantifiers.
        this.pos++;
        const serial = this.serials++;
        this.out.push('(?:(?=', { open: serial });
        tail = ['))', { ref: serial }, ')'];
      } else {
        this.readInlineFlags();
        if (this.src[this.pos] === ')') {
          this.pos++;
          return false;
        }
        if (this.src[this.pos] !== ':') this.error('Unknown inline modifier');
        this.pos++;
        this.out.push('(?:');
      }
    } else this.openCapture(undefined);
    this.sequence(true);
    this.pos++;
    this.out.push(...tail);
    this.flags = saved;
    return true;
  }

  private readInlineFlags(): void {
    let on = true;
    for (;;) {
      const c = this.src[this.pos];
      if (c === '-') on = false;
      else if (c === 'i' || c === 'd' || c === 'm' || c === 's' || c === 'u' || c === 'x') this.flags[c] = on;
      else if (c === 'U') {
        this.flags.U = on;
        if (on) this.flags.u = true;
      } else if (c === ')' || c === ':') return;
      else this.error('Unknown inline modifier');
      this.pos++;
    }
  }

  private groupName(): string {
    const m = /[a-zA-Z][a-zA-Z0-9]*/y;
    m.lastIndex = this.pos;
    const name = m.exec(this.src)?.[0];
    if (name === undefined) this.error('capturing group name does not start with a Latin letter');
    this.pos += name.length;
    if (this.src[this.pos] !== '>') this.error("named capturing group is missing trailing '>'");
    this.pos++;
    return name;
  }

  private openCapture(name: string | undefined): void {
    const serial = this.serials++;
    this.javaGroups.push(serial);
    if (name !== undefined) {
      if (this.names.has(name)) this.error(`Named capturing group <${name}> is already defined`);
      this.names.set(name, this.javaGroups.length);
    }
    this.out.push({ open: serial });
  }

  /** A literal code point outside a class; letters expand to both cases under a scoped `(?i)`. */
  private literal(cp: number): string {
    if (this.flags.i && !this.jsIgnoreCase) {
      const variants = this.caseVariants(cp);
      if (variants.length > 1) return `[${variants.map(charText).join('')}]`;
    }
    return charText(cp);
  }

  /** Java's case-insensitivity is ASCII-only unless UNICODE_CASE (`u`) is on. */
  private caseVariants(cp: number): number[] {
    if ((cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) return [cp, cp ^ 0x20];
    if (cp < 0x80 || !this.flags.u) return [cp];
    const s = String.fromCodePoint(cp);
    const out = new Set([cp]);
    for (const t of [s.toLowerCase(), s.toUpperCase()]) {
      const c = t.codePointAt(0) as number;
      if (t.length === String.fromCodePoint(c).length) out.add(c);
    }
    return [...out];
  }

  /** An escape outside a class. */
  private escape(): void {
    this.pos++;
    if (this.pos >= this.src.length) this.error('Unexpected internal error');
    const c = this.src[this.pos] as string;
    switch (c) {
      case 'b':
        this.pos++;
        if (this.src[this.pos] === '{') this.error('\\b{g} is not supported');
        this.out.push('\\b');
        return;
      case 'B':
        this.pos++;
        this.out.push('\\B');
        return;
      case 'A':
        this.pos++;
        this.out.push('^');
        return;
      case 'z':
        this.pos++;
        this.out.push('$');
        return;
      case 'Z':
        this.pos++;
        this.out.push(this.flags.d ? JAVA_END_UNIX : JAVA_END);
        return;
      case 'R':
        this.pos++;
        this.out.push(`(?:\\r\\n|[${VERTICAL_SPACE}])`);
        return;
      case 'G':
      case 'X':
      case 'N':
        this.error(`\\${c} is not supported`);
        break;
      case 'k': {
        this.pos++;
        if (this.src[this.pos] !== '<') this.error("\\k is not followed by '<' for named capturing group");
        this.pos++;
        const name = this.groupName();
        const group = this.names.get(name);
        if (group === undefined) this.error(`named capturing group <${name}> does not exist`);
        this.out.push({ javaRef: group });
        return;
      }
    }
    if (c >= '1' && c <= '9') {
      // Java reads further digits only while they still name an existing group.
      this.pos++;
      let ref = c.charCodeAt(0) - 48;
      for (;;) {
        const d = this.src.charCodeAt(this.pos) - 48;
        if (!(d >= 0 && d <= 9) || ref * 10 + d > this.javaGroups.length) break;
        ref = ref * 10 + d;
        this.pos++;
      }
      this.out.push({ javaRef: ref });
      return;
    }
    const e = this.classEscape(false);
    this.out.push(typeof e === 'number' ? this.literal(e) : e);
  }

  /** An escape that is a character (a code point) or a class (text); shared by both contexts. */
  private classEscape(inClass: boolean): number | string {
    const c = this.src[this.pos] as string;
    this.pos++;
    switch (c) {
      case 't':
        return 9;
      case 'n':
        return 10;
      case 'r':
        return 13;
      case 'f':
        return 12;
      case 'a':
        return 7;
      case 'e':
        return 27;
      case '0':
        return this.octal();
      case 'x':
        return this.hexEscape();
      case 'u':
        return this.unicodeEscape();
      case 'c':
        if (this.pos >= this.src.length) this.error('Illegal control escape sequence');
        return this.readCp() ^ 64;
      case 'd':
        return this.flags.U ? '\\p{Nd}' : '\\d';
      case 'D':
        return this.flags.U ? '\\P{Nd}' : '\\D';
      case 'w':
        return this.flags.U ? `[${UNICODE_WORD}]` : '\\w';
      case 'W':
        return this.flags.U ? `[^${UNICODE_WORD}]` : '\\W';
      case 's':
        return this.flags.U ? '\\p{White_Space}' : JAVA_SPACE;
      case 'S':
        return this.flags.U ? '\\P{White_Space}' : JAVA_NOT_SPACE;
      case 'h':
        return `[${HORIZONTAL_SPACE}]`;
      case 'H':
        return `[^${HORIZONTAL_SPACE}]`;
      case 'v':
        return `[${VERTICAL_SPACE}]`;
      case 'V':
        return `[^${VERTICAL_SPACE}]`;
      case 'p':
      case 'P':
        return this.property(c === 'P');
    }
    if (/[a-zA-Z]/.test(c) || (inClass && c >= '1' && c <= '9')) {
      this.pos--;
      this.error('Illegal/unsupported escape sequence');
    }
    this.pos--;
    return this.readCp();
  }

  private octal(): number {
    const digit = (i: number): number => {
      const d = this.src.charCodeAt(this.pos + i) - 48;
      return d >= 0 && d <= 7 ? d : -1;
    };
    const n = digit(0);
    if (n < 0) this.error('Illegal octal escape sequence');
    const m = digit(1);
    if (m < 0) {
      this.pos += 1;
      return n;
    }
    const o = digit(2);
    if (o >= 0 && n <= 3) {
      this.pos += 3;
      return n * 64 + m * 8 + o;
    }
    this.pos += 2;
    return n * 8 + m;
  }

  private hexEscape(): number {
    const two = /[0-9a-fA-F]{2}/y;
    two.lastIndex = this.pos;
    if (two.test(this.src)) {
      this.pos += 2;
      return Number.parseInt(this.src.slice(this.pos - 2, this.pos), 16);
    }
    const braced = /\{([0-9a-fA-F]+)\}/y;
    braced.lastIndex = this.pos;
    const m = braced.exec(this.src);
    if (!m) this.error('Illegal hexadecimal escape sequence');
    const cp = Number.parseInt(m[1] as string, 16);
    if (cp > 0x10ffff) this.error('Hexadecimal codepoint is too big');
    this.pos += m[0].length;
    return cp;
  }

  private unicodeEscape(): number {
    const four = /[0-9a-fA-F]{4}/y;
    four.lastIndex = this.pos;
    if (!four.test(this.src)) this.error('Illegal Unicode escape sequence');
    const cp = Number.parseInt(this.src.slice(this.pos, this.pos + 4), 16);
    this.pos += 4;
    // A surrogate pair written as two \u escapes is one code point.
    if (cp >= 0xd800 && cp <= 0xdbff && this.src.startsWith('\\u', this.pos)) {
      four.lastIndex = this.pos + 2;
      if (four.test(this.src)) {
        const low = Number.parseInt(this.src.slice(this.pos + 2, this.pos + 6), 16);
        if (low >= 0xdc00 && low <= 0xdfff) {
          this.pos += 6;
          return 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        }
      }
    }
    return cp;
  }

  /** `\p{Name}` / `\pL` (negated for `\P`) as a JavaScript class expression. */
  private property(negated: boolean): string {
    let name: string;
    if (this.src[this.pos] === '{') {
      const end = this.src.indexOf('}', this.pos);
      if (end < 0) this.error('Unclosed character family');
      name = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      name = this.src[this.pos] ?? '';
      this.pos++;
    }
    const body = this.propertyClass(name);
    if (body === undefined) this.error(`Unknown character property name {${name}}`);
    if (!negated) return body;
    if (body.startsWith('\\p')) return `\\P${body.slice(2)}`;
    if (body.startsWith('\\P')) return `\\p${body.slice(2)}`;
    return body.startsWith('[^') ? `[${body.slice(2)}` : `[^${body.slice(1)}`;
  }

  private propertyClass(name: string): string | undefined {
    const eq = name.indexOf('=');
    if (eq > 0) {
      const key = name.slice(0, eq).toLowerCase();
      const value = name.slice(eq + 1);
      if (key === 'sc' || key === 'script') return scriptClass(value);
      if (key === 'gc' || key === 'general_category')
        return GENERAL_CATEGORY.test(value) ? `\\p{${value}}` : undefined;
      if (key === 'blk' || key === 'block') this.error(`Unicode blocks (\\p{${name}}) are not supported`);
      return undefined;
    }
    if (name.startsWith('In')) this.error(`Unicode blocks (\\p{${name}}) are not supported`);
    if (name.startsWith('Is')) {
      const short = name.slice(2);
      const binary = BINARY_PROPERTIES[short.toUpperCase().replaceAll('_', '')];
      if (binary !== undefined) return binary;
      if (GENERAL_CATEGORY.test(short)) return `\\p{${short}}`;
      return scriptClass(short);
    }
    if (this.flags.U) {
      const posix = UNICODE_POSIX[name.toUpperCase()];
      if (posix !== undefined) return posix;
    }
    if (this.flags.i && (name === 'Lower' || name === 'Upper')) return '[a-zA-Z]';
    if (GENERAL_CATEGORY.test(name)) return `\\p{${name}}`;
    return NAMED_CLASSES[name];
  }

  /** A character class (after its `[`), with Java's nested unions and `&&` intersections. */
  private charClass(): string {
    let negate = false;
    if (this.src[this.pos] === '^') {
      negate = true;
      this.pos++;
    }
    const operands: string[][] = [];
    let union: string[] = [];
    let first = true;
    for (;;) {
      if (this.flags.x) this.skipComments();
      if (this.pos >= this.src.length) this.error('Unclosed character class');
      const c = this.src[this.pos] as string;
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (c === '[') {
        this.pos++;
        union.push(this.charClass());
        continue;
      }
      if (c === '&' && this.src[this.pos + 1] === '&') {
        this.pos += 2;
        operands.push(union);
        union = [];
        continue;
      }
      if (c === '\\' && this.src[this.pos + 1] === 'Q') {
        this.pos += 2;
        let end = this.src.indexOf('\\E', this.pos);
        if (end < 0) end = this.src.length;
        while (this.pos < end) {
          const cp = this.readCp();
          union.push(this.rangeText(cp, cp));
        }
        this.pos = Math.min(end + 2, this.src.length);
        continue;
      }
      const lo = this.classAtom();
      if (typeof lo === 'string') {
        union.push(lo);
        continue;
      }
      const next = this.src[this.pos + 1];
      if (this.src[this.pos] === '-' && next !== undefined && next !== ']' && next !== '[') {
        this.pos++;
        const hi = this.classAtom();
        if (typeof hi !== 'number' || hi < lo) this.error('Illegal character range');
        union.push(this.rangeText(lo, hi));
      } else union.push(this.rangeText(lo, lo));
    }
    operands.push(union);
    const body = operands.length === 1 ? union.join('') : operands.map((u) => `[${u.join('')}]`).join('&&');
    return `[${negate ? '^' : ''}${body}]`;
  }

  private classAtom(): number | string {
    if (this.src[this.pos] === '\\') {
      this.pos++;
      if (this.pos >= this.src.length) this.error('Unclosed character class');
      return this.classEscape(true);
    }
    return this.readCp();
  }

  /** A class range, with its other-case counterparts under a scoped case-insensitive flag. */
  private rangeText(lo: number, hi: number): string {
    const one = (a: number, b: number): string => (a === b ? charText(a) : `${charText(a)}-${charText(b)}`);
    let text = one(lo, hi);
    if (this.flags.i && !this.jsIgnoreCase) {
      const lower = [Math.max(lo, 0x61), Math.min(hi, 0x7a)] as const;
      const upper = [Math.max(lo, 0x41), Math.min(hi, 0x5a)] as const;
      if (lower[0] <= lower[1]) text += one(lower[0] - 32, lower[1] - 32);
      if (upper[0] <= upper[1]) text += one(upper[0] + 32, upper[1] + 32);
      if (lo === hi && lo >= 0x80) for (const v of this.caseVariants(lo)) if (v !== lo) text += charText(v);
    }
    return text;
  }
}

const LEADING_FLAGS = /^\(\?([idmsuxU]*)(?:-([idmsuxU]*))?\)/;
const TURNS_OFF_CASE = /\(\?[idmsuxU]*-[idmsuxU]*i/;
const BACK_REFERENCE = /\\[1-9]|\\k</;

/**
 * Whether a pattern can use JavaScript's `i` flag: it must be case-insensitive from its first
 * token and never switch back. Java's plain `(?i)` folds ASCII only, while JavaScript's `i`
 * folds Unicode (é/É, the Kelvin sign K/k), so plain `(?i)` expands letters instead — unless
 * the pattern has back references, which only the flag makes case-insensitive.
 */
function usesJsIgnoreCase(pattern: string): boolean {
  const m = LEADING_FLAGS.exec(pattern);
  const on = m?.[1] ?? '';
  if (!on.includes('i') || (m?.[2] ?? '').includes('i') || TURNS_OFF_CASE.test(pattern)) return false;
  return /[uU]/.test(on) || BACK_REFERENCE.test(pattern);
}

const PATTERN_CACHE = new Map<string, JavaPattern>();
const PATTERN_CACHE_SIZE = 1000;

/** Compile (once, then from the cache) a Java regex; a syntax error is a Stellar error. */
export function javaPattern(pattern: string): JavaPattern {
  const cached = PATTERN_CACHE.get(pattern);
  if (cached !== undefined) return cached;
  const jsIgnoreCase = usesJsIgnoreCase(pattern);
  const t = new RegexTranslator(pattern, jsIgnoreCase);
  let compiled: JavaPattern;
  try {
    const source = t.run();
    const flags = jsIgnoreCase ? 'vi' : 'v';
    compiled = {
      full: new RegExp(`^(?:${source})$`, flags),
      find: new RegExp(source, `${flags}g`),
      groupCount: t.groupCount,
      jsGroup: t.jsGroup,
      names: t.names,
      replacements: new Map(),
    };
  } catch (e) {
    if (e instanceof RegexSyntaxError || e instanceof SyntaxError) {
      return fail(`invalid regular expression '${pattern}': ${e.message}`);
    }
    throw e;
  }
  if (PATTERN_CACHE.size >= PATTERN_CACHE_SIZE)
    PATTERN_CACHE.delete(PATTERN_CACHE.keys().next().value as string);
  PATTERN_CACHE.set(pattern, compiled);
  return compiled;
}

/** A parsed Java replacement string: literal text and group numbers; an error surfaces on the first match. */
interface Replacement {
  parts: (string | number)[];
  error?: string;
}

/** Java's `Matcher.appendReplacement` syntax: `$n` (longest existing group), `${name}`, `\x` literal. */
function parseReplacement(text: string, p: JavaPattern): Replacement {
  const parts: (string | number)[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal !== '') parts.push(literal);
    literal = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\\') {
      i++;
      if (i === text.length) return { parts, error: 'character to be escaped is missing' };
      literal += text[i];
      i++;
    } else if (c === '$') {
      i++;
      if (i === text.length) return { parts, error: 'Illegal group reference: group index is missing' };
      let ref: number;
      if (text[i] === '{') {
        i++;
        const start = i;
        while (i < text.length && /[a-zA-Z0-9]/.test(text[i] as string)) i++;
        const name = text.slice(start, i);
        if (name === '') return { parts, error: 'named capturing group has 0 length name' };
        if (text[i] !== '}') return { parts, error: "named capturing group is missing trailing '}'" };
        if (/^[0-9]/.test(name))
          return { parts, error: `capturing group name {${name}} starts with digit character` };
        const group = p.names.get(name);
        if (group === undefined) return { parts, error: `No group with name {${name}}` };
        ref = group;
        i++;
      } else {
        ref = text.charCodeAt(i) - 48;
        if (ref < 0 || ref > 9) return { parts, error: 'Illegal group reference' };
        i++;
        for (;;) {
          const d = text.charCodeAt(i) - 48;
          if (i >= text.length || d < 0 || d > 9 || ref * 10 + d > p.groupCount) break;
          ref = ref * 10 + d;
          i++;
        }
        if (ref > p.groupCount) return { parts, error: `No group ${ref}` };
      }
      flush();
      parts.push(ref);
    } else {
      literal += c;
      i++;
    }
  }
  flush();
  return { parts };
}

/** Java's `Matcher.replaceAll(replacement)`. */
function javaReplaceAll(input: string, p: JavaPattern, replacement: string): string {
  let r = p.replacements.get(replacement);
  if (r === undefined) {
    r = parseReplacement(replacement, p);
    if (p.replacements.size < 100) p.replacements.set(replacement, r);
  }
  const { parts, error } = r;
  return input.replace(p.find, (...m: unknown[]) => {
    if (error !== undefined) fail(`REGEXP_REPLACE: ${error}`);
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else {
        const g = m[p.jsGroup[part] as number];
        if (typeof g === 'string') out += g;
      }
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Java's String.format
// ---------------------------------------------------------------------------------------------

const F_LEFT = 1;
const F_ALT = 2;
const F_PLUS = 4;
const F_SPACE = 8;
const F_ZERO = 16;
const F_GROUP = 32;
const F_PAREN = 64;
const F_UPPER = 128;
const FLAG_BITS: Record<string, number> = {
  '-': F_LEFT,
  '#': F_ALT,
  '+': F_PLUS,
  ' ': F_SPACE,
  '0': F_ZERO,
  ',': F_GROUP,
  '(': F_PAREN,
};

/** A format specifier; `index` is the explicit argument (1-based), 0 for the next, -1 for `<`, -2 for none. */
interface FormatSpec {
  index: number;
  flags: number;
  width: number;
  precision: number;
  /** The conversion, lower-cased (`F_UPPER` says it was upper-case); `t` for date/time. */
  conv: string;
  /** The date/time field after `t`/`T`. */
  field: string;
  text: string;
}

const SPEC = /%(\d+\$)?([-#+ 0,(<]*)?(\d+)?(\.\d+)?([tT])?([a-zA-Z%])/y;
const DATE_FIELDS = 'HIklMSLNpzZsQBbhAaCYyjmdeRTrDFc';
const FORMAT_CACHE = new Map<string, (string | FormatSpec)[]>();

function flagsText(flags: number): string {
  let s = '';
  for (const [c, bit] of Object.entries(FLAG_BITS)) if (flags & bit) s += c;
  return s;
}

function formatError(kind: string, detail: string): never {
  return fail(`FORMAT: ${kind}: ${detail}`);
}

/** Parse (and validate, as Java's Formatter does before printing anything) a format string. */
function parseFormat(format: string): (string | FormatSpec)[] {
  const cached = FORMAT_CACHE.get(format);
  if (cached !== undefined) return cached;
  const parts: (string | FormatSpec)[] = [];
  let i = 0;
  while (i < format.length) {
    const j = format.indexOf('%', i);
    if (j < 0) {
      parts.push(format.slice(i));
      break;
    }
    if (j > i) parts.push(format.slice(i, j));
    SPEC.lastIndex = j;
    const m = SPEC.exec(format);
    if (!m) formatError('UnknownFormatConversionException', `Conversion = '${format[j + 1] ?? '%'}'`);
    parts.push(makeSpec(m));
    i = SPEC.lastIndex;
  }
  if (FORMAT_CACHE.size >= 500) FORMAT_CACHE.clear();
  FORMAT_CACHE.set(format, parts);
  return parts;
}

function makeSpec(m: RegExpExecArray): FormatSpec {
  const text = m[0];
  let index = 0;
  if (m[1] !== undefined) {
    index = Number.parseInt(m[1], 10);
    if (index < 1)
      formatError('IllegalFormatArgumentIndexException', `Illegal format argument index = ${index}`);
  }
  let flags = 0;
  for (const c of m[2] ?? '') {
    if (c === '<') {
      index = -1;
      continue;
    }
    const bit = FLAG_BITS[c] as number;
    if (flags & bit) formatError('DuplicateFormatFlagsException', `Flags = '${c}'`);
    flags |= bit;
  }
  const width = m[3] === undefined ? -1 : Number.parseInt(m[3], 10);
  const precision = m[4] === undefined ? -1 : Number.parseInt(m[4].slice(1), 10);
  const c = m[6] as string;
  const spec: FormatSpec = { index, flags, width, precision, conv: c, field: '', text };
  if (m[5] !== undefined) {
    if (m[5] === 'T') spec.flags |= F_UPPER;
    spec.conv = 't';
    spec.field = c;
    if (!DATE_FIELDS.includes(c))
      formatError('UnknownFormatConversionException', `Conversion = '${m[5]}${c}'`);
    checkPrecision(spec);
    checkBadFlags(spec, F_ALT | F_PLUS | F_SPACE | F_ZERO | F_GROUP | F_PAREN);
    checkWidthForLeft(spec);
    return spec;
  }
  if ('BHSCXEGA'.includes(c)) {
    spec.flags |= F_UPPER;
    spec.conv = c.toLowerCase();
  }
  switch (spec.conv) {
    case 'b':
    case 'h':
    case 's':
      if (spec.conv !== 's' && flags & F_ALT) mismatch(spec, F_ALT);
      checkWidthForLeft(spec);
      checkBadFlags(spec, F_PLUS | F_SPACE | F_ZERO | F_GROUP | F_PAREN);
      break;
    case 'c':
      checkPrecision(spec);
      checkBadFlags(spec, F_ALT | F_PLUS | F_SPACE | F_ZERO | F_GROUP | F_PAREN);
      checkWidthForLeft(spec);
      break;
    case 'd':
    case 'o':
    case 'x':
      checkNumeric(spec);
      checkPrecision(spec);
      checkBadFlags(spec, spec.conv === 'd' ? F_ALT : F_GROUP);
      break;
    case 'e':
    case 'f':
    case 'g':
    case 'a':
      checkNumeric(spec);
      if (spec.conv === 'a') checkBadFlags(spec, F_PAREN | F_GROUP);
      else if (spec.conv === 'e') checkBadFlags(spec, F_GROUP);
      else if (spec.conv === 'g') checkBadFlags(spec, F_ALT);
      break;
    case '%':
      checkPrecision(spec);
      if (flags !== 0 && flags !== F_LEFT)
        formatError('IllegalFormatFlagsException', `Flags = '${flagsText(flags)}'`);
      checkWidthForLeft(spec);
      spec.index = -2;
      break;
    case 'n':
      checkPrecision(spec);
      if (spec.width !== -1) formatError('IllegalFormatWidthException', String(spec.width));
      if (flags !== 0) formatError('IllegalFormatFlagsException', `Flags = '${flagsText(flags)}'`);
      spec.index = -2;
      break;
    default:
      formatError('UnknownFormatConversionException', `Conversion = '${c}'`);
  }
  return spec;
}

function checkPrecision(s: FormatSpec): void {
  if (s.precision !== -1) formatError('IllegalFormatPrecisionException', String(s.precision));
}

function checkWidthForLeft(s: FormatSpec): void {
  if (s.width === -1 && s.flags & F_LEFT) formatError('MissingFormatWidthException', s.text);
}

function checkNumeric(s: FormatSpec): void {
  if (s.width === -1 && s.flags & (F_LEFT | F_ZERO)) formatError('MissingFormatWidthException', s.text);
  if ((s.flags & F_PLUS && s.flags & F_SPACE) || (s.flags & F_LEFT && s.flags & F_ZERO)) {
    formatError('IllegalFormatFlagsException', `Flags = '${flagsText(s.flags)}'`);
  }
}

function checkBadFlags(s: FormatSpec, bad: number): void {
  for (const bit of [F_LEFT, F_ALT, F_PLUS, F_SPACE, F_ZERO, F_GROUP, F_PAREN])
    if (bad & bit & s.flags) mismatch(s, bit);
}

function mismatch(s: FormatSpec, bit: number): never {
  return formatError(
    'FormatFlagsConversionMismatchException',
    `Conversion = ${s.conv}, Flags = ${flagsText(bit)}`,
  );
}

function conversionError(s: FormatSpec, arg: Value): never {
  const conv = s.conv === 't' ? s.field : s.flags & F_UPPER ? s.conv.toUpperCase() : s.conv;
  return formatError('IllegalFormatConversionException', `${conv} != ${javaClassName(arg)}`);
}

function javaClassName(v: Value): string {
  if (isNumber(v))
    return {
      int: 'java.lang.Integer',
      long: 'java.lang.Long',
      float: 'java.lang.Float',
      double: 'java.lang.Double',
    }[kindOf(v)];
  if (typeof v === 'string') return 'java.lang.String';
  if (typeof v === 'boolean') return 'java.lang.Boolean';
  if (Array.isArray(v)) return 'java.util.ArrayList';
  if (v instanceof Map) return 'java.util.HashMap';
  if (v instanceof Set) return 'java.util.LinkedHashSet';
  return typeName(v);
}

/** Java's `String.format(format, args…)` in the US locale and the UTC zone. */
export function javaFormat(format: string, args: readonly Value[]): string {
  let out = '';
  let last = -1;
  let ordinary = -1;
  for (const part of parseFormat(format)) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    if (part.index === -2) {
      out += part.conv === 'n' ? '\n' : justify(part, '%');
      continue;
    }
    if (part.index === -1) {
      if (last < 0 || last >= args.length)
        formatError('MissingFormatArgumentException', `Format specifier '${part.text}'`);
    } else if (part.index === 0) {
      last = ++ordinary;
      if (ordinary >= args.length)
        formatError('MissingFormatArgumentException', `Format specifier '${part.text}'`);
    } else {
      last = part.index - 1;
      if (last >= args.length)
        formatError('MissingFormatArgumentException', `Format specifier '${part.text}'`);
    }
    out += formatArg(part, args[last] as Value);
  }
  return out;
}

function justify(s: FormatSpec, text: string): string {
  if (s.width === -1 || text.length >= s.width) return text;
  const pad = ' '.repeat(s.width - text.length);
  return s.flags & F_LEFT ? text + pad : pad + text;
}

/** Java's `print(String)`: precision truncates, upper-case conversions upper-case, then width pads. */
function printText(s: FormatSpec, text: string): string {
  let t = s.precision !== -1 && s.precision < text.length ? text.slice(0, s.precision) : text;
  if (s.flags & F_UPPER) t = t.toUpperCase();
  return justify(s, t);
}

function formatArg(s: FormatSpec, arg: Value): string {
  switch (s.conv) {
    case 'b':
      return printText(s, arg === null ? 'false' : typeof arg === 'boolean' ? String(arg) : 'true');
    case 'h':
      return printText(s, arg === null ? 'null' : (javaHashCode(arg) >>> 0).toString(16));
    case 's':
      if (s.flags & F_ALT) mismatch(s, F_ALT);
      return printText(s, arg === null ? 'null' : toJavaString(arg));
    case 'c': {
      if (arg === null) return printText(s, 'null');
      if (!isNumber(arg) || kindOf(arg) !== 'int') return conversionError(s, arg);
      const cp = numValue(arg);
      if (cp < 0 || cp > 0x10ffff)
        formatError('IllegalFormatCodePointException', `Code point = 0x${(cp >>> 0).toString(16)}`);
      return printText(s, String.fromCodePoint(cp));
    }
    case 'd':
    case 'o':
    case 'x': {
      if (arg === null) return printText(s, 'null');
      const kind = isNumber(arg) ? kindOf(arg) : undefined;
      if (!isNumber(arg) || (kind !== 'int' && kind !== 'long')) return conversionError(s, arg);
      return printInteger(s, BigInt(numValue(arg)), kind === 'int' ? 32n : 64n);
    }
    case 't': {
      if (arg === null) return printText(s, 'null');
      if (!isNumber(arg) || kindOf(arg) !== 'long') return conversionError(s, arg);
      const text = dateField(s.field, numValue(arg));
      return justify(s, s.flags & F_UPPER ? text.toUpperCase() : text);
    }
    default: {
      if (arg === null) return printText(s, 'null');
      const kind = isNumber(arg) ? kindOf(arg) : undefined;
      if (!isNumber(arg) || (kind !== 'float' && kind !== 'double')) return conversionError(s, arg);
      return printFloat(s, numValue(arg));
    }
  }
}

function leadingSign(s: FormatSpec, negative: boolean): string {
  if (negative) return s.flags & F_PAREN ? '(' : '-';
  return s.flags & F_PLUS ? '+' : s.flags & F_SPACE ? ' ' : '';
}

const trailingSign = (s: FormatSpec, negative: boolean): string => (negative && s.flags & F_PAREN ? ')' : '');

/** The width left for the magnitude: a negative value in parentheses needs one more column. */
const adjustWidth = (s: FormatSpec, width: number, negative: boolean): number =>
  width !== -1 && negative && s.flags & F_PAREN ? width - 1 : width;

/** Java's `localizedMagnitude`: group separators before the dot, then zero padding after the sign. */
function magnitude(s: FormatSpec, prefix: string, digits: string, width: number): string {
  let dot = digits.indexOf('.');
  if (dot < 0) dot = digits.length;
  let body = '';
  const group = (s.flags & F_GROUP) !== 0;
  for (let j = 0; j < digits.length; j++) {
    body += digits[j];
    if (group && j < dot - 1 && (dot - j) % 3 === 1) body += ',';
  }
  const total = prefix.length + body.length;
  if (width !== -1 && s.flags & F_ZERO && total < width) body = '0'.repeat(width - total) + body;
  return prefix + body;
}

function printInteger(s: FormatSpec, value: bigint, bits: bigint): string {
  if (s.conv === 'd') {
    const negative = value < 0n;
    const prefix = leadingSign(s, negative);
    const text = magnitude(
      s,
      prefix,
      (negative ? -value : value).toString(),
      adjustWidth(s, s.width, negative),
    );
    return justify(s, text + trailingSign(s, negative));
  }
  // Octal and hex print the two's complement of negative ints and longs; sign flags are BigInteger-only.
  checkBadFlags(s, F_PAREN | F_SPACE | F_PLUS);
  const unsigned = value < 0n ? value + (1n << bits) : value;
  let digits = unsigned.toString(s.conv === 'o' ? 8 : 16);
  const prefix = s.flags & F_ALT ? (s.conv === 'o' ? '0' : s.flags & F_UPPER ? '0X' : '0x') : '';
  if (s.flags & F_UPPER) digits = digits.toUpperCase();
  const zeros = s.flags & F_ZERO ? Math.max(0, s.width - prefix.length - digits.length) : 0;
  return justify(s, prefix + '0'.repeat(zeros) + digits);
}

/** The shortest decimal digits of a positive finite double and its exponent (value = 0.d₁d₂… × 10^exp). */
function decimalDigits(v: number): { digits: number[]; exp: number } {
  if (v === 0) return { digits: [0], exp: 0 };
  const text = v.toExponential();
  const e = text.indexOf('e');
  const digits: number[] = [];
  for (let i = 0; i < e; i++) if (text[i] !== '.') digits.push(text.charCodeAt(i) - 48);
  return { digits, exp: Number(text.slice(e + 1)) + 1 };
}

/** Java's FormattedFloatingDecimal.applyPrecision: round half-up on the decimal digits. */
function applyPrecision(exp: number, d: number[], prec: number): number {
  if (prec >= d.length || prec < 0) return exp;
  if (prec === 0) {
    if ((d[0] as number) >= 5) {
      d[0] = 1;
      d.fill(0, 1);
      return exp + 1;
    }
    d.fill(0);
    return exp;
  }
  if ((d[prec] as number) >= 5) {
    let i = prec - 1;
    let q = d[i] as number;
    if (q === 9) {
      while (q === 9 && i > 0) q = d[--i] as number;
      if (q === 9) {
        d[0] = 1;
        d.fill(0, 1);
        return exp + 1;
      }
    }
    d[i] = q + 1;
    d.fill(0, i + 1);
  } else d.fill(0, prec);
  return exp;
}

function fillDecimal(precision: number, d: number[], exp: number): string {
  const n = d.length;
  const part = (from: number, to: number): string => d.slice(from, to).join('');
  if (exp > 0) {
    if (n < exp) return part(0, n) + '0'.repeat(exp - n);
    const t = Math.min(n - exp, precision);
    return part(0, exp) + (t > 0 ? `.${part(exp, exp + t)}` : '');
  }
  const zeros = Math.max(0, Math.min(-exp, precision));
  const t = Math.max(0, Math.min(n, precision + exp));
  if (zeros > 0) return `0.${'0'.repeat(zeros)}${part(0, t)}`;
  if (t > 0) return `0.${part(0, t)}`;
  return '0';
}

function fillScientific(precision: number, d: number[], exp: number): { mantissa: string; exponent: string } {
  const t = Math.max(0, Math.min(d.length - 1, precision));
  const mantissa = t > 0 ? `${d[0]}.${d.slice(1, 1 + t).join('')}` : String(d[0]);
  const e = exp <= 0 ? -exp + 1 : exp - 1;
  return { mantissa, exponent: `${exp <= 0 ? '-' : '+'}${e <= 9 ? '0' : ''}${e}` };
}

/** Java's `addZeros`: pad the fraction to `prec` digits (never truncates). */
function addZeros(mantissa: string, prec: number): string {
  const dot = mantissa.indexOf('.');
  const have = dot < 0 ? 0 : mantissa.length - dot - 1;
  if (have >= prec) return mantissa;
  return (dot < 0 ? `${mantissa}.` : mantissa) + '0'.repeat(prec - have);
}

function printFloat(s: FormatSpec, value: number): string {
  if (Number.isNaN(value)) return justify(s, s.flags & F_UPPER ? 'NAN' : 'NaN');
  const negative = value < 0 || Object.is(value, -0);
  const v = Math.abs(value);
  const sign = leadingSign(s, negative);
  if (!Number.isFinite(v)) {
    return justify(s, sign + (s.flags & F_UPPER ? 'INFINITY' : 'Infinity') + trailingSign(s, negative));
  }
  if (s.conv === 'a')
    return formatError(
      'UnknownFormatConversionException',
      "hexadecimal floating point '%a' is not supported",
    );
  const upper = s.flags & F_UPPER;
  let body: string;
  if (s.conv === 'f') {
    const prec = s.precision === -1 ? 6 : s.precision;
    const { digits, exp } = decimalDigits(v);
    let mant = addZeros(fillDecimal(prec, digits, applyPrecision(exp, digits, exp + prec)), prec);
    if (s.flags & F_ALT && prec === 0) mant += '.';
    body = magnitude(s, sign, mant, adjustWidth(s, s.width, negative));
  } else if (s.conv === 'e') {
    const prec = s.precision === -1 ? 6 : s.precision;
    const { digits, exp } = decimalDigits(v);
    const sci = fillScientific(prec, digits, applyPrecision(exp, digits, prec + 1));
    let mant = addZeros(sci.mantissa, prec);
    if (s.flags & F_ALT && prec === 0) mant += '.';
    const exponent = v === 0 ? '+00' : sci.exponent;
    const width = s.width === -1 ? -1 : adjustWidth(s, s.width - exponent.length - 1, negative);
    body = `${magnitude(s, sign, mant, width)}${upper ? 'E' : 'e'}${exponent}`;
  } else {
    let prec = s.precision === -1 ? 6 : s.precision === 0 ? 1 : s.precision;
    let mant: string;
    let exponent: string | undefined;
    if (v === 0) {
      mant = '0';
      prec -= 1;
    } else {
      const { digits, exp } = decimalDigits(v);
      const rounded = applyPrecision(exp, digits, prec);
      if (rounded - 1 < -4 || rounded - 1 >= prec) {
        const sci = fillScientific(prec - 1, digits, rounded);
        mant = sci.mantissa;
        exponent = sci.exponent;
        prec -= 1;
      } else {
        mant = fillDecimal(prec - rounded, digits, rounded);
        prec -= rounded;
      }
    }
    mant = addZeros(mant, prec);
    const width =
      s.width === -1
        ? -1
        : adjustWidth(s, exponent === undefined ? s.width : s.width - exponent.length - 1, negative);
    body =
      magnitude(s, sign, mant, width) + (exponent === undefined ? '' : `${upper ? 'E' : 'e'}${exponent}`);
  }
  return justify(s, body + trailingSign(s, negative));
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** A `%t` field of an epoch-millisecond long, in UTC. */
function dateField(field: string, ms: number): string {
  const d = new Date(ms);
  const hour = d.getUTCHours();
  const hour12 = hour % 12 === 0 ? 12 : hour % 12;
  const year = d.getUTCFullYear();
  switch (field) {
    case 'H':
      return pad(hour, 2);
    case 'I':
      return pad(hour12, 2);
    case 'k':
      return String(hour);
    case 'l':
      return String(hour12);
    case 'M':
      return pad(d.getUTCMinutes(), 2);
    case 'S':
      return pad(d.getUTCSeconds(), 2);
    case 'L':
      return pad(d.getUTCMilliseconds(), 3);
    case 'N':
      return pad(d.getUTCMilliseconds() * 1_000_000, 9);
    case 'p':
      return hour < 12 ? 'am' : 'pm';
    case 'z':
      return '+0000';
    case 'Z':
      return 'UTC';
    case 's':
      return String(Math.trunc(ms / 1000));
    case 'Q':
      return String(ms);
    case 'B':
      return MONTHS[d.getUTCMonth()] as string;
    case 'b':
    case 'h':
      return (MONTHS[d.getUTCMonth()] as string).slice(0, 3);
    case 'A':
      return DAYS[d.getUTCDay()] as string;
    case 'a':
      return (DAYS[d.getUTCDay()] as string).slice(0, 3);
    case 'C':
      return pad(Math.floor(year / 100), 2);
    case 'Y':
      return pad(year, 4);
    case 'y':
      return pad(year % 100, 2);
    case 'j':
      return pad(Math.floor((ms - Date.UTC(year, 0, 1)) / 86_400_000) + 1, 3);
    case 'm':
      return pad(d.getUTCMonth() + 1, 2);
    case 'd':
      return pad(d.getUTCDate(), 2);
    case 'e':
      return String(d.getUTCDate());
    case 'R':
      return `${dateField('H', ms)}:${dateField('M', ms)}`;
    case 'T':
      return `${dateField('H', ms)}:${dateField('M', ms)}:${dateField('S', ms)}`;
    case 'r':
      return `${dateField('I', ms)}:${dateField('M', ms)}:${dateField('S', ms)} ${dateField('p', ms).toUpperCase()}`;
    case 'D':
      return `${dateField('m', ms)}/${dateField('d', ms)}/${dateField('y', ms)}`;
    case 'F':
      return `${dateField('Y', ms)}-${dateField('m', ms)}-${dateField('d', ms)}`;
    default:
      return `${dateField('a', ms)} ${dateField('b', ms)} ${dateField('d', ms)} ${dateField('T', ms)} UTC ${dateField('Y', ms)}`;
  }
}

const HASH_VIEW = new DataView(new ArrayBuffer(8));

/** Java's `hashCode()` of a Stellar value (for `%h`). */
function javaHashCode(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'string') {
    let h = 0;
    for (let i = 0; i < v.length; i++) h = (Math.imul(31, h) + v.charCodeAt(i)) | 0;
    return h;
  }
  if (typeof v === 'boolean') return v ? 1231 : 1237;
  if (isNumber(v)) {
    const x = numValue(v);
    switch (kindOf(v)) {
      case 'int':
        return x | 0;
      case 'long': {
        const b = BigInt.asUintN(64, BigInt(x));
        return Number(BigInt.asIntN(32, b ^ (b >> 32n)));
      }
      case 'float':
        HASH_VIEW.setFloat32(0, Number.isNaN(x) ? Number.NaN : x);
        return HASH_VIEW.getInt32(0);
      default: {
        HASH_VIEW.setFloat64(0, Number.isNaN(x) ? Number.NaN : x);
        return (HASH_VIEW.getInt32(0) ^ HASH_VIEW.getInt32(4)) | 0;
      }
    }
  }
  if (Array.isArray(v)) {
    let h = 1;
    for (const x of v) h = (Math.imul(31, h) + javaHashCode(x)) | 0;
    return h;
  }
  if (v instanceof Set) {
    let h = 0;
    for (const x of v) h = (h + javaHashCode(x)) | 0;
    return h;
  }
  if (v instanceof Map) {
    let h = 0;
    for (const [k, x] of v) h = (h + (javaHashCode(k) ^ javaHashCode(x))) | 0;
    return h;
  }
  return fail(`FORMAT: %h of a ${typeName(v)} is not supported`);
}

// ---------------------------------------------------------------------------------------------
// JSON, typed as Jackson types it (int, long, double, LinkedHashMap, ArrayList)
// ---------------------------------------------------------------------------------------------

class JsonSyntaxError extends Error {}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** Jackson's default nesting limit; deeper input is rejected rather than overflowing the stack. */
const JSON_MAX_DEPTH = 1000;

class JsonReader {
  private pos = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  read(): Value {
    this.skipSpace();
    if (this.pos >= this.text.length) this.error('No content to map due to end-of-input');
    const v = this.value();
    this.skipSpace();
    if (this.pos < this.text.length) this.error('trailing content after the JSON value');
    return v;
  }

  private error(message: string): never {
    throw new JsonSyntaxError(`${message} at offset ${this.pos}`);
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  private value(): Value {
    const c = this.text[this.pos];
    switch (c) {
      case '{':
      case '[': {
        if (++this.depth > JSON_MAX_DEPTH) this.error(`nesting deeper than ${JSON_MAX_DEPTH}`);
        const v = c === '{' ? this.object() : this.array();
        this.depth--;
        return v;
      }
      case '"':
        return this.string();
      case 't':
        return this.word('true', true);
      case 'f':
        return this.word('false', false);
      case 'n':
        return this.word('null', null);
    }
    JSON_NUMBER.lastIndex = this.pos;
    const m = JSON_NUMBER.exec(this.text);
    if (!m) this.error(c === undefined ? 'unexpected end of input' : `unexpected character '${c}'`);
    this.pos += m[0].length;
    const n = Number(m[0]);
    // Jackson: integers are Integer or Long, anything with a fraction or exponent is a Double.
    return m[1] === undefined && m[2] === undefined ? n + 0 : double(n);
  }

  private word(w: string, v: Value): Value {
    if (!this.text.startsWith(w, this.pos)) this.error('unrecognized token');
    this.pos += w.length;
    return v;
  }

  private string(): string {
    this.pos++;
    let out = '';
    let start = this.pos;
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.error('unexpected end of input in a string');
      if (c === 0x22) {
        out += this.text.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.error('illegal unquoted control character in a string');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += this.text.slice(start, this.pos);
      const e = this.text[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = this.text.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.error('illegal unicode escape');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.error('unrecognized character escape');
      }
      start = this.pos;
    }
  }

  private array(): Value[] {
    this.pos++;
    const out: Value[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      out.push(this.value());
      this.skipSpace();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.error("expected ',' or ']'");
    }
  }

  private object(): Map<Value, Value> {
    this.pos++;
    const out = new Map<Value, Value>();
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.error('expected a field name');
      const key = this.string();
      this.skipSpace();
      if (this.text[this.pos++] !== ':') this.error("expected ':'");
      this.skipSpace();
      out.set(key, this.value());
      this.skipSpace();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.error("expected ',' or '}'");
    }
  }
}

/** TO_JSON_OBJECT / TO_JSON_MAP / TO_JSON_LIST: null stays null, '' stays '', else parse strictly. */
function parseJsonArg(fn: string, v: Value | undefined, shape: 'any' | 'map' | 'list'): Value {
  const text = castString(fn, v);
  if (text === null || text === '') return text;
  let parsed: Value;
  try {
    parsed = new JsonReader(text).read();
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return shape === 'any'
      ? fail(`${fn}: Valid JSON string not supplied (${e.message})`)
      : fail(`${fn}: ${text} is not a valid JSON string (${e.message})`);
  }
  if (parsed === null) return null;
  if (shape === 'map' && !(parsed instanceof Map))
    return fail(`${fn}: ${text} is not a valid JSON string (not an object)`);
  if (shape === 'list' && !Array.isArray(parsed))
    return fail(`${fn}: ${text} is not a valid JSON string (not an array)`);
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// Fuzzy matching (commons-text FuzzyScore) and the JVM's locale tags
// ---------------------------------------------------------------------------------------------

/**
 * `Locale.getAvailableLocales()` as language tags on Metron's JVM (Java 8, JRE locale data),
 * which is what FUZZY_LANGS lists and FUZZY_SCORE accepts.
 */
const JAVA_LANGUAGE_TAGS: readonly string[] = [
  ...'ar ar-AE ar-BH ar-DZ ar-EG ar-IQ ar-JO ar-KW ar-LB ar-LY ar-MA ar-OM ar-QA ar-SA ar-SD ar-SY ar-TN ar-YE'.split(
    ' ',
  ),
  ...'be be-BY bg bg-BG ca ca-ES cs cs-CZ da da-DK de de-AT de-CH de-DE de-GR de-LU el el-CY el-GR'.split(
    ' ',
  ),
  ...'en en-AU en-CA en-GB en-IE en-IN en-MT en-NZ en-PH en-SG en-US en-ZA'.split(' '),
  ...'es es-AR es-BO es-CL es-CO es-CR es-CU es-DO es-EC es-ES es-GT es-HN es-MX es-NI es-PA es-PE es-PR es-PY es-SV es-US es-UY es-VE'.split(
    ' ',
  ),
  ...'et et-EE fi fi-FI fr fr-BE fr-CA fr-CH fr-FR fr-LU ga ga-IE he he-IL hi-IN hr hr-HR hu hu-HU id id-ID is is-IS'.split(
    ' ',
  ),
  ...'it it-CH it-IT ja ja-JP ja-JP-u-ca-japanese-x-lvariant-JP ko ko-KR lt lt-LT lv lv-LV mk mk-MK ms ms-MY mt mt-MT'.split(
    ' ',
  ),
  ...'nl nl-BE nl-NL nn-NO no no-NO pl pl-PL pt pt-BR pt-PT ro ro-RO ru ru-RU sk sk-SK sl sl-SI sq sq-AL'.split(
    ' ',
  ),
  ...'sr sr-BA sr-CS sr-Latn sr-Latn-BA sr-Latn-ME sr-Latn-RS sr-ME sr-RS sv sv-SE'.split(' '),
  ...'th th-TH th-TH-u-nu-thai-x-lvariant-TH tr tr-TR uk uk-UA vi vi-VN zh zh-CN zh-HK zh-SG zh-TW und'.split(
    ' ',
  ),
];
const LANGUAGE_TAGS = new Set(JAVA_LANGUAGE_TAGS);

function lowerCaseIn(s: string, tag: string): string {
  try {
    return s.toLocaleLowerCase(tag);
  } catch {
    return s.toLowerCase();
  }
}

/** commons-text `FuzzyScore.fuzzyScore`: a point per matched char, two more for each adjacent match. */
function fuzzyScore(term: string, query: string, tag: string): number {
  const t = lowerCaseIn(term, tag);
  const q = lowerCaseIn(query, tag);
  let score = 0;
  let termIndex = 0;
  let previous = Number.MIN_SAFE_INTEGER;
  for (let qi = 0; qi < q.length; qi++) {
    const qc = q.charCodeAt(qi);
    while (termIndex < t.length) {
      const ti = termIndex++;
      if (t.charCodeAt(ti) === qc) {
        score++;
        if (previous + 1 === ti) score += 2;
        previous = ti;
        break;
      }
    }
  }
  return score;
}

// ---------------------------------------------------------------------------------------------
// Smaller helpers for the functions
// ---------------------------------------------------------------------------------------------

/**
 * Shannon entropy in bits, summed in the order Java's `HashMap<Character, Integer>` iterates
 * (bucket by char code, then insertion), so the floating-point result matches Metron's bit for bit.
 */
function stringEntropy(s: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let capacity = 16;
  while (counts.size > capacity * 0.75) capacity *= 2;
  const order = [...counts].sort((a, b) => (a[0] & (capacity - 1)) - (b[0] & (capacity - 1)));
  const log2 = Math.log(2);
  let h = 0;
  for (const [, count] of order) {
    const p = count / s.length;
    h -= (p * Math.log(p)) / log2;
  }
  return h;
}

/** commons-lang `leftPad`/`rightPad` with a single fill char. */
function pad1(input: string, size: number, fill: string, left: boolean): string {
  const n = size - input.length;
  if (n <= 0) return input;
  return left ? fill.repeat(n) + input : input + fill.repeat(n);
}

function fill(fn: string, args: readonly Value[], left: boolean): Value {
  const [input, fillObj, lengthObj] = args;
  if (input === null || input === undefined) return null;
  if (fillObj === null || fillObj === undefined || lengthObj === null || lengthObj === undefined) {
    return fail(`${fn}: Required Length and Fill String are both required`);
  }
  const fillText = toJavaString(fillObj);
  if (fillText === '') return fail(`${fn}: The fill cannot be an empty string`);
  const length = convertInt(lengthObj);
  if (length === null) return fail(`${fn}: Required Length not a valid Integer: ${toJavaString(lengthObj)}`);
  return pad1(toJavaString(input), length, fillText.charAt(0), left);
}

/** commons-lang `prependIfMissing` / `appendIfMissing` with an optional extra affix. */
function affixIfMissing(fn: string, args: readonly Value[], prepend: boolean): Value {
  const str = castString(fn, args[0]);
  const affix = castString(fn, args[1]);
  const extra = args.length > 2 ? castString(fn, args[2]) : undefined;
  const has = (a: string | null | undefined): boolean =>
    a !== null && a !== undefined && str !== null && (prepend ? str.startsWith(a) : str.endsWith(a));
  if (str === null || affix === null || affix === '' || has(affix) || has(extra)) return str;
  return prepend ? affix + str : str + affix;
}

function substring(args: readonly Value[]): Value {
  const [input, startObj, endObj] = args;
  if (input !== null && input !== undefined && typeof input !== 'string')
    return fail('SUBSTRING input must be a String');
  if (startObj !== null && startObj !== undefined && !isNumber(startObj))
    return fail('SUBSTRING start must be an Number');
  if (endObj !== null && endObj !== undefined && !isNumber(endObj))
    return fail('SUBSTRING end must be an Number');
  if (input === null || input === undefined || startObj === null || startObj === undefined) return null;
  if (input.length === 0) return input;
  const start = intValue(startObj);
  const end = endObj === null || endObj === undefined ? input.length : intValue(endObj);
  if (start < 0 || end > input.length || start > end) {
    return fail(
      `SUBSTRING: begin ${start}, end ${end}, length ${input.length} (StringIndexOutOfBoundsException)`,
    );
  }
  return input.slice(start, end);
}

/** commons-lang `StringUtils.chop`: drop the last char, or a trailing \r\n. */
function chop(s: string): string {
  if (s.length < 2) return '';
  const last = s.length - 1;
  return s.charCodeAt(last) === 10 && s.charCodeAt(last - 1) === 13 ? s.slice(0, last - 1) : s.slice(0, last);
}

/** commons-lang `StringUtils.chomp`: drop one trailing \n, \r or \r\n. */
function chomp(s: string): string {
  if (s.length === 0) return s;
  if (s.length === 1) return s === '\r' || s === '\n' ? '' : s;
  let end = s.length - 1;
  const last = s.charCodeAt(end);
  if (last === 10) {
    if (s.charCodeAt(end - 1) === 13) end--;
  } else if (last !== 13) end++;
  return s.slice(0, end);
}

/** commons-lang `countMatches`: non-overlapping occurrences; 0 when either side is empty or null. */
function countMatches(s: string | null, sub: string | null): number {
  if (s === null || sub === null || s === '' || sub === '') return 0;
  let count = 0;
  let i = s.indexOf(sub);
  while (i >= 0) {
    count++;
    i = s.indexOf(sub, i + sub.length);
  }
  return count;
}

function regexpMatch(args: readonly Value[]): boolean {
  const str = castString('REGEXP_MATCH', args[0]);
  const patterns = args[1];
  if (str === null || patterns === null || patterns === undefined) return false;
  if (typeof patterns === 'string') return javaPattern(patterns).full.test(str);
  const list = iterableOf(patterns);
  if (list === undefined) return false;
  for (const p of list) if (p !== null && javaPattern(toJavaString(p)).full.test(str)) return true;
  return false;
}

function regexpGroupVal(args: readonly Value[]): Value {
  const pattern = castString('REGEXP_GROUP_VAL', args[1]);
  const str = castString('REGEXP_GROUP_VAL', args[0]);
  const group = convertInt(args[2]);
  if (group === null) return null;
  if (group === 0) return str;
  if (str === null || pattern === null) return null;
  const p = javaPattern(pattern);
  const m = p.full.exec(str);
  if (m === null || p.groupCount === 0 || p.groupCount < group) return null;
  if (group < 0) return fail(`REGEXP_GROUP_VAL: No group ${group}`);
  return m[p.jsGroup[group] as number] ?? null;
}

function regexpReplace(args: readonly Value[]): Value {
  const str = castString('REGEXP_REPLACE', args[0]);
  const pattern = castString('REGEXP_REPLACE', args[1]);
  const value = castString('REGEXP_REPLACE', args[2]);
  if (str === null || str === '') return null;
  if (pattern === null || pattern === '' || value === null || value === '') return str;
  return javaReplaceAll(str, javaPattern(pattern), value);
}

function join(args: readonly Value[]): string {
  const [list, delim] = args;
  const items = iterableOf(list);
  if (items === undefined)
    return fail(`JOIN: the first argument must be a list or set, got ${typeName(list ?? null)}`);
  if (typeof delim !== 'string')
    return fail(`JOIN: the delimiter must be a string, got ${typeName(delim ?? null)}`);
  let out = '';
  let first = true;
  for (const x of items) {
    if (x === null) continue;
    if (!first) out += delim;
    out += toJavaString(x);
    first = false;
  }
  return out;
}

function split(args: readonly Value[]): string[] {
  const [input, delim] = args;
  if (input === null || input === undefined) return [];
  if (typeof delim !== 'string')
    return fail(`SPLIT: the delimiter must be a string, got ${typeName(delim ?? null)}`);
  if (delim === '') return fail('SPLIT: The separator may not be the empty string.');
  return toJavaString(input).split(delim);
}

function fuzzy(args: readonly Value[]): number {
  const [term, query, lang] = args;
  if (typeof term !== 'string' || typeof query !== 'string' || typeof lang !== 'string') return 0;
  if (!LANGUAGE_TAGS.has(lang)) {
    return fail(
      'FUZZY_SCORE requires a valid IETF BCP47 language code see FUZZY_LANGS and https://tools.ietf.org/html/bcp47',
    );
  }
  if (term === '' || query === '') return 0;
  return fuzzyScore(term, query, lang);
}

function format(args: readonly Value[]): string {
  const fmt = args[0];
  if (fmt === undefined) return fail('FORMAT: missing argument: format string');
  const first = firstIfCollection(fmt);
  if (first === null) return fail('FORMAT: the format string is null');
  return javaFormat(toJavaString(first), args.slice(1));
}

// ---------------------------------------------------------------------------------------------
// The functions
// ---------------------------------------------------------------------------------------------

interface Spec {
  name: string;
  family: 'string' | 'regex' | 'conversion';
  description: string;
  params: readonly ParamDef[];
  returns: string;
  examples: readonly FunctionExample[];
  call: (args: readonly Value[]) => Value;
}

const define = (s: Spec): FunctionDef => ({ ...s, namespace: '', pure: true });

const STRING: ParamDef = {
  name: 'input',
  description: 'the string (any other value is converted with Java toString)',
};

/** A TO_INTEGER/TO_LONG/TO_FLOAT/TO_DOUBLE definition. */
function conversion(
  name: string,
  kind: NumKind,
  javaType: string,
  examples: readonly FunctionExample[],
): FunctionDef {
  return define({
    name,
    family: 'conversion',
    description: `Converts a number, numeric string or boolean to a Java ${javaType}; null when it cannot.`,
    params: [
      {
        name: 'input',
        description: 'a number, a string in Java numeric syntax, a boolean, or a list (its first element)',
      },
    ],
    returns: `a ${kind}, or null when the input is null or not convertible`,
    examples,
    call: ([x]) => convertNumber(x ?? null, kind),
  });
}

/** The string, regex, conversion and JSON functions. */
export const STRING_FUNCTIONS: readonly FunctionDef[] = [
  define({
    name: 'TO_LOWER',
    family: 'string',
    description: 'Lower-cases a value (converted to a string first).',
    params: [STRING],
    returns: 'the lower-case string, or null for null',
    examples: [
      { expr: "TO_LOWER('CaSeY')", expect: 'casey' },
      { expr: 'TO_LOWER(2.0)', expect: '2.0' },
      { expr: 'TO_LOWER(null)', expect: null },
    ],
    call: ([x]) => (x === null || x === undefined ? null : toJavaString(x).toLowerCase()),
  }),
  define({
    name: 'TO_UPPER',
    family: 'string',
    description: 'Upper-cases a value (converted to a string first).',
    params: [STRING],
    returns: 'the upper-case string, or null for null',
    examples: [
      { expr: "TO_UPPER('casey')", expect: 'CASEY' },
      { expr: 'TO_UPPER(null)', expect: null },
    ],
    call: ([x]) => (x === null || x === undefined ? null : toJavaString(x).toUpperCase()),
  }),
  define({
    name: 'TRIM',
    family: 'string',
    description: 'Strips leading and trailing whitespace and control characters (Java String.trim).',
    params: [STRING],
    returns: 'the trimmed string, or null for null',
    examples: [
      { expr: "TRIM('  casey \\t')", expect: 'casey' },
      { expr: 'TRIM(null)', expect: null },
    ],
    call: ([x]) => (x === null || x === undefined ? null : javaTrim(toJavaString(x))),
  }),
  define({
    name: 'STARTS_WITH',
    family: 'string',
    description: 'Tests whether a string starts with a prefix.',
    params: [
      { name: 'string', description: 'the string to test' },
      { name: 'prefix', description: 'the proposed prefix' },
    ],
    returns: 'true when the string starts with the prefix; false when either is null',
    examples: [
      { expr: "STARTS_WITH('casey', 'case')", expect: true },
      { expr: "STARTS_WITH('casey', 'sey')", expect: false },
      { expr: "STARTS_WITH(null, 'sey')", expect: false },
      { expr: "STARTS_WITH(5, '5')", error: true },
    ],
    call: ([s, p]) => {
      const prefix = castString('STARTS_WITH', p);
      const str = castString('STARTS_WITH', s);
      return str !== null && prefix !== null && str.startsWith(prefix);
    },
  }),
  define({
    name: 'ENDS_WITH',
    family: 'string',
    description: 'Tests whether a string ends with a suffix.',
    params: [
      { name: 'string', description: 'the string to test' },
      { name: 'suffix', description: 'the proposed suffix' },
    ],
    returns: 'true when the string ends with the suffix; false when either is null',
    examples: [
      { expr: "ENDS_WITH('casey', 'sey')", expect: true },
      { expr: "ENDS_WITH('casey', null)", expect: false },
    ],
    call: ([s, p]) => {
      const suffix = castString('ENDS_WITH', p);
      const str = castString('ENDS_WITH', s);
      return str !== null && suffix !== null && str.endsWith(suffix);
    },
  }),
  define({
    name: 'SPLIT',
    family: 'string',
    description: 'Splits a string on a literal delimiter, keeping empty pieces (Guava Splitter).',
    params: [
      { name: 'input', description: 'the string to split (other values are converted with toString)' },
      { name: 'delim', description: 'the delimiter, a non-empty string' },
    ],
    returns: 'a list of strings; an empty list for a null input',
    examples: [
      { expr: "SPLIT('casey:bar', ':')", expect: ['casey', 'bar'] },
      { expr: "SPLIT('a,,b,', ',')", expect: ['a', '', 'b', ''] },
      { expr: "SPLIT(null, ',')", expect: [] },
      { expr: "SPLIT('abc', '')", error: true },
    ],
    call: split,
  }),
  define({
    name: 'JOIN',
    family: 'string',
    description: 'Joins the elements of a list or set with a delimiter, skipping nulls.',
    params: [
      { name: 'list', description: 'a list or set; elements are converted with Java toString' },
      { name: 'delim', description: 'the delimiter' },
    ],
    returns: 'the joined string',
    examples: [
      { expr: "JOIN(['casey', null, 'bar', 1.0], ',')", expect: 'casey,bar,1.0' },
      { expr: "JOIN(SET_INIT([1, 2, 1]), '-')", expect: '1-2' },
      { expr: "JOIN(null, ',')", error: true },
    ],
    call: join,
  }),
  define({
    name: 'SUBSTRING',
    family: 'string',
    description: 'Takes a substring by 0-based start (inclusive) and optional end (exclusive).',
    params: [
      { name: 'input', description: 'the string' },
      { name: 'start', description: 'the start position, 0-based and inclusive' },
      {
        name: 'end',
        description: 'the end position, exclusive (default: the end of the string)',
        optional: true,
      },
    ],
    returns: 'the substring; null when the input or start is null',
    examples: [
      { expr: "SUBSTRING('apache metron', 7)", expect: 'metron' },
      { expr: "SUBSTRING('apache metron', 7, 9)", expect: 'me' },
      { expr: "SUBSTRING('apache metron', null, 9)", expect: null },
      { expr: "SUBSTRING('apache metron', 7, null)", expect: 'metron' },
      { expr: "SUBSTRING('apache', 9)", error: true },
      { expr: "SUBSTRING('apache metron', '7')", error: true },
    ],
    call: substring,
  }),
  define({
    name: 'FILL_LEFT',
    family: 'string',
    description: 'Pads a string on the left with a fill character up to a length.',
    params: [
      { name: 'input', description: 'the string' },
      { name: 'fill', description: 'the fill character (the first char of this string)' },
      { name: 'len', description: 'the required length' },
    ],
    returns: 'the padded string (unchanged when already that long); null for a null input',
    examples: [
      { expr: "FILL_LEFT('123', 'X', 10)", expect: 'XXXXXXX123' },
      { expr: "FILL_LEFT('123', 'XY', '5')", expect: 'XX123' },
      { expr: "FILL_LEFT('123', '', 10)", error: true },
    ],
    call: (args) => fill('FILL_LEFT', args, true),
  }),
  define({
    name: 'FILL_RIGHT',
    family: 'string',
    description: 'Pads a string on the right with a fill character up to a length.',
    params: [
      { name: 'input', description: 'the string' },
      { name: 'fill', description: 'the fill character (the first char of this string)' },
      { name: 'len', description: 'the required length' },
    ],
    returns: 'the padded string (unchanged when already that long); null for a null input',
    examples: [
      { expr: "FILL_RIGHT('123', 'X', 10)", expect: '123XXXXXXX' },
      { expr: "FILL_RIGHT('1234567890', 'X', 3)", expect: '1234567890' },
      { expr: "FILL_RIGHT('123', 'X', 'z')", error: true },
      { expr: "FILL_RIGHT('123', null, 7)", error: true },
    ],
    call: (args) => fill('FILL_RIGHT', args, false),
  }),
  define({
    name: 'CHOP',
    family: 'string',
    description: 'Removes the last character of a string (a trailing \\r\\n counts as one).',
    params: [{ name: 'input', description: 'the string, may be null' }],
    returns: 'the string without its last character; null for null',
    examples: [
      { expr: "CHOP('abc')", expect: 'ab' },
      { expr: "CHOP('abc\\r\\n')", expect: 'abc' },
      { expr: 'CHOP(null)', expect: null },
      { expr: 'CHOP(123)', error: true },
    ],
    call: ([x]) => {
      const s = castString('CHOP', x);
      return s === null ? null : chop(s);
    },
  }),
  define({
    name: 'CHOMP',
    family: 'string',
    description: 'Removes one trailing newline (\\n, \\r or \\r\\n) from a string, if there is one.',
    params: [{ name: 'input', description: 'the string, may be null' }],
    returns: 'the string without a trailing newline; null for null',
    examples: [
      { expr: "CHOMP('abc\\r\\n')", expect: 'abc' },
      { expr: "CHOMP('abc')", expect: 'abc' },
      { expr: 'CHOMP(null)', expect: null },
      { expr: 'CHOMP(123)', error: true },
    ],
    call: ([x]) => {
      const s = castString('CHOMP', x);
      return s === null ? null : chomp(s);
    },
  }),
  define({
    name: 'PREPEND_IF_MISSING',
    family: 'string',
    description: 'Prepends a prefix unless the string already starts with it or with the additional prefix.',
    params: [
      { name: 'str', description: 'the string' },
      { name: 'prefix', description: 'the prefix to prepend' },
      { name: 'additionalprefix', description: 'another prefix that also counts as present', optional: true },
    ],
    returns: 'the prefixed string, or the string unchanged; null for null',
    examples: [
      { expr: "PREPEND_IF_MISSING('abc', 'xyz')", expect: 'xyzabc' },
      { expr: "PREPEND_IF_MISSING('XYZabc', 'xyz', 'mno')", expect: 'xyzXYZabc' },
      { expr: "PREPEND_IF_MISSING('mnoXYZabc', 'xyz', 'mno')", expect: 'mnoXYZabc' },
      { expr: "PREPEND_IF_MISSING('', 'xyz', null)", expect: 'xyz' },
      { expr: "PREPEND_IF_MISSING(123, 'abc')", error: true },
    ],
    call: (args) => affixIfMissing('PREPEND_IF_MISSING', args, true),
  }),
  define({
    name: 'APPEND_IF_MISSING',
    family: 'string',
    description: 'Appends a suffix unless the string already ends with it or with the additional suffix.',
    params: [
      { name: 'str', description: 'the string' },
      { name: 'suffix', description: 'the suffix to append' },
      { name: 'additionalsuffix', description: 'another suffix that also counts as present', optional: true },
    ],
    returns: 'the suffixed string, or the string unchanged; null for null',
    examples: [
      { expr: "APPEND_IF_MISSING('apache', 'metron')", expect: 'apachemetron' },
      { expr: "APPEND_IF_MISSING('abcXYZ', 'xyz', 'mno')", expect: 'abcXYZxyz' },
      { expr: "APPEND_IF_MISSING('abcmno', 'xyz', 'mno')", expect: 'abcmno' },
      { expr: 'APPEND_IF_MISSING(null, null, null)', expect: null },
    ],
    call: (args) => affixIfMissing('APPEND_IF_MISSING', args, false),
  }),
  define({
    name: 'COUNT_MATCHES',
    family: 'string',
    description: 'Counts the non-overlapping occurrences of a substring.',
    params: [
      { name: 'str', description: 'the string to search, may be null' },
      { name: 'sub', description: 'the substring to count, may be null' },
    ],
    returns: 'an int; 0 when either is null or empty',
    examples: [
      { expr: "COUNT_MATCHES('apachemetron', 'e')", expect: 2 },
      { expr: "COUNT_MATCHES('aaaa', 'aa')", expect: 2 },
      { expr: "COUNT_MATCHES(null, '*')", expect: 0 },
      { expr: 'COUNT_MATCHES(123, 456)', error: true },
    ],
    call: ([s, sub]) => countMatches(castString('COUNT_MATCHES', s), castString('COUNT_MATCHES', sub)),
  }),
  define({
    name: 'FORMAT',
    family: 'string',
    description: "Formats arguments with Java's String.format conventions (US locale, UTC for %t).",
    params: [
      {
        name: 'format',
        description:
          'the Java format string (%s %d %x %f %e %g %b %c %h %n %% %t…, with flags, width, precision)',
      },
      {
        name: 'arguments',
        description: 'the values to format; %d needs an int or long, %f a float or double',
        optional: true,
        variadic: true,
      },
    ],
    returns: 'the formatted string',
    examples: [
      { expr: "FORMAT('%d > %d', 234, 3)", expect: '234 > 3' },
      { expr: "FORMAT('%06d|%-5s|%5.1f', 234, 'ab', 3.14159)", expect: '000234|ab   |  3.1' },
      { expr: "FORMAT('%.2f %,d %x %b', 1.005, 1234567, 255, null)", expect: '1.01 1,234,567 ff false' },
      { expr: "FORMAT('%e|%g', 12345.678, 0.0001)", expect: '1.234568e+04|0.000100000' },
      { expr: "FORMAT('%2$s %1$s', 'a', 'b')", expect: 'b a' },
      { expr: "FORMAT('%1$tY-%1$tm-%1$td', 1500000000000L)", expect: '2017-07-14' },
      { expr: "FORMAT('missing arg: %d')", error: true },
      { expr: "FORMAT('%d', 1.5)", error: true },
    ],
    call: format,
  }),
  define({
    name: 'STRING_ENTROPY',
    family: 'string',
    description: 'Computes the base-2 Shannon entropy of a string, over its characters.',
    params: [{ name: 'input', description: 'the string (other values are converted with toString)' }],
    returns: 'the entropy in bits, a double (0.0 for null or empty)',
    examples: [
      { expr: "STRING_ENTROPY('aaaaaaaaaabbbbbccccc')", expect: 1.5 },
      { expr: "STRING_ENTROPY('')", expect: 0 },
    ],
    call: ([x]) => {
      const v = firstIfCollection(x);
      const s = v === null ? '' : toJavaString(v);
      return double(s === '' ? 0 : stringEntropy(s));
    },
  }),
  define({
    name: 'TO_STRING',
    family: 'string',
    description:
      'Converts a value to its Java string form (2.0 for a double, [a, b] for a list, {k=v} for a map).',
    params: [{ name: 'input', description: 'any value' }],
    returns: 'the string, or null for null',
    examples: [
      { expr: 'TO_STRING(5)', expect: '5' },
      { expr: 'TO_STRING(2.0)', expect: '2.0' },
      { expr: "TO_STRING(['a', 1])", expect: '[a, 1]' },
      { expr: 'TO_STRING(null)', expect: null },
    ],
    call: ([x]) => (x === null || x === undefined ? null : toJavaString(x)),
  }),
  define({
    name: 'TO_JSON_OBJECT',
    family: 'string',
    description: 'Parses a JSON string into a map, list, string, number or boolean.',
    params: [{ name: 'str', description: 'the JSON text, may be null' }],
    returns: 'the parsed value; null for null, the empty string for the empty string',
    examples: [
      { expr: 'TO_JSON_OBJECT(\'{ "foo" : 2, "bar" : [1.5, "x"] }\')', expect: { foo: 2, bar: [1.5, 'x'] } },
      { expr: 'TO_JSON_OBJECT(\'[ "foo", 2 ]\')', expect: ['foo', 2] },
      { expr: "TO_JSON_OBJECT('123, 456')", error: true },
    ],
    call: ([x]) => parseJsonArg('TO_JSON_OBJECT', x, 'any'),
  }),
  define({
    name: 'TO_JSON_MAP',
    family: 'string',
    description: 'Parses a JSON object string into a map.',
    params: [{ name: 'str', description: 'the JSON text of an object, may be null' }],
    returns: 'the map; null for null, the empty string for the empty string',
    examples: [
      { expr: 'TO_JSON_MAP(\'{ "foo" : "abc", "bar" : "def" }\')', expect: { foo: 'abc', bar: 'def' } },
      { expr: 'TO_JSON_MAP(\'[ "foo", 2 ]\')', error: true },
    ],
    call: ([x]) => parseJsonArg('TO_JSON_MAP', x, 'map'),
  }),
  define({
    name: 'TO_JSON_LIST',
    family: 'string',
    description: 'Parses a JSON array string into a list.',
    params: [{ name: 'str', description: 'the JSON text of an array, may be null' }],
    returns: 'the list; null for null, the empty string for the empty string',
    examples: [
      { expr: 'TO_JSON_LIST(\'[ "foo", 2, {"a": null} ]\')', expect: ['foo', 2, { a: null }] },
      { expr: 'TO_JSON_LIST(\'{ "foo" : 2 }\')', error: true },
    ],
    call: ([x]) => parseJsonArg('TO_JSON_LIST', x, 'list'),
  }),
  define({
    name: 'FUZZY_SCORE',
    family: 'string',
    description:
      'commons-text fuzzy score: one point per matched character, two bonus points for each consecutive match.',
    params: [
      { name: 'term', description: 'the full term to match against' },
      { name: 'query', description: 'the query to match' },
      { name: 'lang', description: 'the IETF BCP 47 language tag for lower-casing (see FUZZY_LANGS)' },
    ],
    returns: 'an int score (0 when an argument is not a string or the term or query is empty)',
    examples: [
      { expr: "FUZZY_SCORE('metron', 'metron', 'en')", expect: 16 },
      { expr: "FUZZY_SCORE('Apache Software Foundation', 'asf', 'en')", expect: 3 },
      { expr: "FUZZY_SCORE('metron', 'z', 'en')", expect: 0 },
      { expr: "FUZZY_SCORE('metron', 'z', 'Kling')", error: true },
    ],
    call: fuzzy,
  }),
  define({
    name: 'FUZZY_LANGS',
    family: 'string',
    description: 'Lists the IETF BCP 47 language tags FUZZY_SCORE accepts (the Java 8 JVM locales).',
    params: [],
    returns: 'a list of language tag strings',
    examples: [{ expr: "'fr' in FUZZY_LANGS() && 'en' in FUZZY_LANGS()", expect: true }],
    call: () => [...JAVA_LANGUAGE_TAGS],
  }),
  define({
    name: 'REGEXP_MATCH',
    family: 'regex',
    description:
      'Tests whether a Java regex matches the whole string; with a list of patterns, whether any does.',
    params: [
      { name: 'string', description: 'the string to test' },
      { name: 'pattern', description: 'a Java regex, or a list of them (null elements are skipped)' },
    ],
    returns: 'true on a full match; false when the string or pattern is null',
    examples: [
      { expr: "REGEXP_MATCH('12345', '\\\\d(\\\\d)(\\\\d).*')", expect: true },
      { expr: "REGEXP_MATCH('abcde', ['\\\\d+', '[a-zA-Z]+'])", expect: true },
      { expr: "REGEXP_MATCH('ABC', '(?i)abc')", expect: true },
      { expr: "REGEXP_MATCH('abc', 'b')", expect: false },
      { expr: "REGEXP_MATCH('aaa', 'a++a')", expect: false },
      { expr: "REGEXP_MATCH(null, 'a')", expect: false },
      { expr: "REGEXP_MATCH('a', '(')", error: true },
    ],
    call: regexpMatch,
  }),
  define({
    name: 'REGEXP_GROUP_VAL',
    family: 'regex',
    description: 'Returns a capture group of a Java regex that matches the whole string.',
    params: [
      { name: 'string', description: 'the string to match' },
      { name: 'pattern', description: 'the Java regex' },
      { name: 'group', description: 'the group number, starting at 1 (0 returns the string itself)' },
    ],
    returns: 'the group text; null when there is no match, no such group, or it did not participate',
    examples: [
      { expr: "REGEXP_GROUP_VAL('12345', '\\\\d(\\\\d)(\\\\d).*', 2)", expect: '3' },
      { expr: "REGEXP_GROUP_VAL('abcde', '\\\\d(\\\\d)(\\\\d).*', 2)", expect: null },
      { expr: "REGEXP_GROUP_VAL('12345', '\\\\d\\\\d\\\\d.*', 1)", expect: null },
    ],
    call: regexpGroupVal,
  }),
  define({
    name: 'REGEXP_REPLACE',
    family: 'regex',
    description:
      'Replaces every match of a Java regex; the replacement may reference groups as $n or by name.',
    params: [
      { name: 'string', description: 'the input string' },
      { name: 'pattern', description: 'the Java regex' },
      { name: 'value', description: 'the replacement, in Java Matcher.replaceAll syntax' },
    ],
    returns:
      'the replaced string; null for a null or empty input; the input when the pattern or value is empty',
    examples: [
      { expr: "REGEXP_REPLACE('123-456', '(\\\\d+)-(\\\\d+)', '$2-$1')", expect: '456-123' },
      { expr: "REGEXP_REPLACE('a.b.c', '\\\\.', '_')", expect: 'a_b_c' },
      { expr: "REGEXP_REPLACE('12345', '\\\\d', '')", expect: '12345' },
      { expr: "REGEXP_REPLACE('', '\\\\d', 'x')", expect: null },
    ],
    call: regexpReplace,
  }),
  conversion('TO_INTEGER', 'int', 'Integer', [
    { expr: "TO_INTEGER('5')", expect: 5 },
    { expr: 'TO_INTEGER(10.7)', expect: 10 },
    { expr: "TO_INTEGER('5.0')", expect: null },
    { expr: 'TO_INTEGER(3000000000L)', expect: null },
  ]),
  conversion('TO_LONG', 'long', 'Long', [
    { expr: "TO_LONG('00232321')", expect: 232321 },
    { expr: "TO_LONG('not a number')", expect: null },
    { expr: 'TO_LONG(true)', expect: 1 },
  ]),
  conversion('TO_FLOAT', 'float', 'Float', [
    { expr: "TO_FLOAT('1.5f')", expect: 1.5 },
    { expr: 'TO_FLOAT(1) == 1.0', expect: true },
    { expr: "TO_FLOAT('x')", expect: null },
  ]),
  conversion('TO_DOUBLE', 'double', 'Double', [
    { expr: "TO_DOUBLE('5.1')", expect: 5.1 },
    { expr: "TO_DOUBLE(' 1e3 ')", expect: 1000 },
    { expr: 'TO_DOUBLE(null)', expect: null },
  ]),
];
