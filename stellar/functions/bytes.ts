import { typeName } from '../values.js';
import { type FunctionDef, fail } from './types.js';

/**
 * `BYTEARRAY_MATCHER`, Metron's pcap filter function (metron-pcap's `ByteArrayMatcherFunction`),
 * and the byteseek pattern compiler behind it. A pattern is translated once to a JavaScript
 * RegExp over the bytes read as Latin-1 (one char per byte, \x00–\xff), then searched for
 * anywhere in the bytes, as byteseek's searcher does.
 *
 * The byteseek syntax supported (https://github.com/nishihatapalmer/byteseek/blob/master/syntax.md):
 * - hex bytes, two digits each, any case: `de ad be ef` or `deadbeef`;
 * - `'text'` Latin-1 text, case-sensitive; `` `text` `` ASCII case-insensitive;
 * - `.` any byte;
 * - ranges `00-1f`, `'a'-'z'` (single bytes or single characters either side of `-`);
 * - `&7f` all-bits bitmask (`byte & 7f == 7f`), `~81` any-bits bitmask (`byte & 81 != 0`);
 * - sets `[09 0a 'xyz' 30-39 &80 [..]]`: the union of their members; a string in a set adds
 *   each of its characters;
 * - `^` inverts the one thing it precedes: a byte, character, range, bitmask or set (`^00`,
 *   `^'Z'`, `^30-39`, `^&80`, `^[09 20]`); inside a set it inverts that member only, so
 *   `[^ff]` is any byte but ff and `[^ff 00]` is every byte, as in byteseek;
 * - groups `( … )`, alternatives `|`, repeats `*` `+` `?` `{n}` `{n,m}` `{n,*}`;
 * - whitespace between tokens is ignored, and `#` starts a comment to the end of the line.
 *
 * Not supported: byteseek 3's `\d`-style shorthands and charset-qualified strings. Metron
 * compiles with byteseek's SequenceMatcherCompiler, which takes fixed-length patterns only;
 * this compiler also takes alternatives and variable repeats (a superset). Matching is by
 * V8's backtracking engine, so a pathological pattern (`(00*)*01`) can be slow on long input.
 */

/** How many compiled patterns are kept (oldest dropped first). */
export const BYTE_PATTERN_CACHE_LIMIT = 256;
/** The largest repeat count a pattern may ask for (`{n}`, `{n,m}`). */
export const MAX_REPEAT = 65_535;

const cache = new Map<string, RegExp>();

/**
 * Compile a byteseek pattern to a RegExp that searches a Latin-1 string of bytes (not anchored,
 * no `g` flag, so `test` is stateless and the instance can be shared). Compiled patterns are
 * cached by pattern text. Throws a {@link StellarRuntimeError} naming the pattern and the
 * position for a bad pattern.
 *
 * @example compileBytePattern("'GET /' 20*").test(Buffer.from('x GET /').toString('latin1')) // true
 */
export function compileBytePattern(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  const regex = new RegExp(new PatternParser(pattern).parse());
  if (cache.size >= BYTE_PATTERN_CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(pattern, regex);
  return regex;
}

/** 256 flags, one per byte value: the bytes one position may match. */
type ByteSet = Uint8Array;

const HEX = /^[0-9a-fA-F]$/;
const DIGIT = /^[0-9]$/;
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** A recursive-descent parser that emits RegExp source as it goes. */
class PatternParser {
  private pos = 0;

  constructor(private readonly pattern: string) {}

  parse(): string {
    this.skip();
    if (this.pos >= this.pattern.length) this.error('the pattern is empty');
    const source = this.alternatives();
    if (this.pos < this.pattern.length) this.error(`unexpected '${this.peek()}'`);
    return source;
  }

  private error(what: string, at = this.pos): never {
    const near = this.pattern.slice(at, at + 8);
    return fail(
      `invalid byte pattern '${this.pattern}': ${what} at position ${at}${near === '' ? ' (the end)' : ` (near '${near}')`}`,
    );
  }

  private peek(): string {
    return this.pattern[this.pos] ?? '';
  }

  /** Skip whitespace and `#` comments. */
  private skip(): void {
    for (;;) {
      const c = this.peek();
      if (WHITESPACE.has(c)) this.pos++;
      else if (c === '#') {
        const eol = this.pattern.indexOf('\n', this.pos);
        this.pos = eol < 0 ? this.pattern.length : eol + 1;
      } else return;
    }
  }

  /** `seq | seq | …` */
  private alternatives(): string {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      this.skip();
      options.push(this.sequence());
    }
    return options.length === 1 ? (options[0] as string) : options.join('|');
  }

  /** One or more repeated atoms, up to `|`, `)` or the end. */
  private sequence(): string {
    const start = this.pos;
    let source = '';
    for (;;) {
      this.skip();
      const c = this.peek();
      if (c === '' || c === '|' || c === ')') break;
      source += this.repeated();
    }
    if (source === '') this.error('expected something to match (an empty alternative or group)', start);
    return source;
  }

  /** An atom and any repeats after it. */
  private repeated(): string {
    let atom = this.atom();
    for (;;) {
      this.skip();
      const c = this.peek();
      let quantifier: string;
      if (c === '*' || c === '+' || c === '?') {
        this.pos++;
        quantifier = c;
      } else if (c === '{') quantifier = this.braces();
      else return atom;
      atom = `(?:${atom})${quantifier}`;
    }
  }

  /** `{n}`, `{n,m}` or `{n,*}`. */
  private braces(): string {
    const open = this.pos;
    this.pos++;
    const min = this.count();
    this.skip();
    let max: number | null = min;
    if (this.peek() === ',') {
      this.pos++;
      this.skip();
      if (this.peek() === '*') {
        this.pos++;
        max = null;
      } else max = this.count();
      this.skip();
    }
    if (this.peek() !== '}') this.error("expected '}' to close a repeat");
    this.pos++;
    if (max !== null && max < min) this.error(`a repeat's maximum ${max} is below its minimum ${min}`, open);
    return max === min ? `{${min}}` : `{${min},${max ?? ''}}`;
  }

  private count(): number {
    this.skip();
    const start = this.pos;
    while (DIGIT.test(this.peek())) this.pos++;
    if (this.pos === start) this.error('expected a repeat count');
    const n = Number(this.pattern.slice(start, this.pos));
    if (n > MAX_REPEAT) this.error(`a repeat count above ${MAX_REPEAT}`, start);
    return n;
  }

  /** A group, `.`, a string, or one byte position (byte, range, bitmask, set, inversion). */
  private atom(): string {
    const c = this.peek();
    if (c === '(') {
      this.pos++;
      this.skip();
      const inner = this.alternatives();
      if (this.peek() !== ')') this.error("expected ')' to close a group");
      this.pos++;
      return `(?:${inner})`;
    }
    if (c === '.') {
      this.pos++;
      return '[\\s\\S]';
    }
    if (c === "'" || c === '`') {
      const start = this.pos;
      const text = this.quoted();
      this.skip();
      // One character may start a range ('a'-'z'); a longer string is a sequence.
      if (text.length === 1 && this.peek() === '-') {
        this.pos = start;
        return classOf(this.position());
      }
      let source = '';
      for (const ch of text) source += classOf(charSet(ch.charCodeAt(0), c === '`'));
      return source;
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') this.error('nothing to repeat');
    return classOf(this.position());
  }

  /** Something that matches one byte: `^x`, `&xx`, `~xx`, `[…]`, a byte, a character, a range. */
  private position(inSet = false): ByteSet {
    const start = this.pos;
    const c = this.peek();
    if (c === '^') {
      this.pos++;
      this.skip();
      const next = this.peek();
      if (next === '.' || next === '(')
        this.error(`'^' inverts a byte, range, bitmask or set, not '${next}'`, start);
      return invert(this.position(inSet));
    }
    if (c === '&' || c === '~') {
      this.pos++;
      const mask = this.hexByte();
      const set = new Uint8Array(256);
      for (let b = 0; b < 256; b++) set[b] = (c === '&' ? (b & mask) === mask : (b & mask) !== 0) ? 1 : 0;
      return set;
    }
    if (c === '[') {
      this.pos++;
      const set = new Uint8Array(256);
      for (;;) {
        this.skip();
        const d = this.peek();
        if (d === ']') break;
        if (d === '') this.error("expected ']' to close a set", start);
        union(set, this.position(true));
      }
      if (this.pos === start + 1) this.error('an empty set', start);
      this.pos++;
      return set;
    }
    const lo = this.single(inSet);
    if (typeof lo !== 'number') return lo;
    this.skip();
    if (this.peek() !== '-') return charSet(lo, false);
    this.pos++;
    this.skip();
    const hi = this.single(false);
    if (typeof hi !== 'number') this.error('a range ends with a single byte or character', start);
    const set = new Uint8Array(256);
    set.fill(1, Math.min(lo, hi), Math.max(lo, hi) + 1);
    return set;
  }

  /**
   * A hex byte or a quoted string: a number when it is a single byte that may start a range,
   * else the set of the string's bytes (in a set) or of its one case-insensitive character.
   */
  private single(inSet: boolean): number | ByteSet {
    const c = this.peek();
    if (HEX.test(c)) return this.hexByte();
    if (c === "'" || c === '`') {
      const start = this.pos;
      const text = this.quoted();
      const caseless = c === '`';
      if (inSet) {
        const set = new Uint8Array(256);
        for (const ch of text) union(set, charSet(ch.charCodeAt(0), caseless));
        if (text.length === 1 && !caseless) return text.charCodeAt(0);
        return set;
      }
      if (text.length !== 1) this.error('only a single character can be inverted or form a range', start);
      return caseless ? charSet(text.charCodeAt(0), true) : text.charCodeAt(0);
    }
    if (c === '') return this.error('expected a byte, character, range, bitmask or set');
    if (c === ']' || c === ')' || c === '|') return this.error(`unexpected '${c}'`);
    if (c === '\\') return this.error('shorthands such as \\d are not supported; write a set');
    return this.error(`expected a hex byte, a quoted string, '.', '(' or '[', not '${c}'`);
  }

  /** Two hex digits. */
  private hexByte(): number {
    const hi = this.peek();
    const lo = this.pattern[this.pos + 1] ?? '';
    if (!HEX.test(hi) || !HEX.test(lo)) this.error('expected two hex digits');
    this.pos += 2;
    return Number.parseInt(hi + lo, 16);
  }

  /** The text of `'…'` or `` `…` `` (no escapes, as in byteseek); Latin-1 only. */
  private quoted(): string {
    const start = this.pos;
    const quote = this.peek();
    const end = this.pattern.indexOf(quote, start + 1);
    if (end < 0) this.error(`unclosed ${quote === "'" ? 'string' : 'case-insensitive string'}`, start);
    const text = this.pattern.slice(start + 1, end);
    if (text === '') this.error('an empty string', start);
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) > 0xff) this.error('a character outside Latin-1 (one byte each)', start + 1 + i);
    }
    this.pos = end + 1;
    return text;
  }
}

/** The byte `code`, and its other ASCII case when `caseless`. */
function charSet(code: number, caseless: boolean): ByteSet {
  const set = new Uint8Array(256);
  set[code] = 1;
  if (caseless) {
    if (code >= 0x41 && code <= 0x5a) set[code + 0x20] = 1;
    else if (code >= 0x61 && code <= 0x7a) set[code - 0x20] = 1;
  }
  return set;
}

function union(into: ByteSet, from: ByteSet): void {
  for (let b = 0; b < 256; b++) if (from[b] === 1) into[b] = 1;
}

function invert(set: ByteSet): ByteSet {
  const out = new Uint8Array(256);
  for (let b = 0; b < 256; b++) out[b] = set[b] === 1 ? 0 : 1;
  return out;
}

const hex = (b: number): string => `\\x${b.toString(16).padStart(2, '0')}`;

/** The RegExp source matching one byte of `set`. */
function classOf(set: ByteSet): string {
  let count = 0;
  for (let b = 0; b < 256; b++) count += set[b] as number;
  if (count === 256) return '[\\s\\S]';
  if (count === 0) return '[^\\s\\S]';
  let ranges = '';
  let single = -1;
  for (let b = 0; b < 256; b++) {
    if (set[b] !== 1) continue;
    let end = b;
    while (end + 1 < 256 && set[end + 1] === 1) end++;
    ranges += end === b ? hex(b) : `${hex(b)}-${hex(end)}`;
    single = count === 1 ? b : -1;
    b = end;
  }
  return single >= 0 ? hex(single) : `[${ranges}]`;
}

/** The byte-array functions. */
export const BYTES_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: 'BYTEARRAY_MATCHER',
    namespace: 'BYTEARRAY',
    family: 'pcap',
    description:
      'Whether a byteseek pattern (hex bytes, quoted text, ranges, sets, bitmasks, groups, repeats) occurs anywhere in a byte array, such as a packet.',
    params: [
      {
        name: 'binary_regex',
        description:
          "the byteseek pattern, e.g. `'GET /'` or `deadbeef` (syntax: https://github.com/nishihatapalmer/byteseek/blob/master/syntax.md)",
      },
      { name: 'data', description: 'the bytes to search' },
    ],
    returns: 'true when the pattern occurs in the bytes; false when it does not or either is null',
    pure: true,
    examples: [
      {
        expr: 'BYTEARRAY_MATCHER("de ad be ef", packet)',
        vars: { packet: Uint8Array.from([0x00, 0xde, 0xad, 0xbe, 0xef, 0x01]) },
        expect: true,
      },
      {
        expr: 'BYTEARRAY_MATCHER("`get` 20 \'/\'", packet)',
        vars: { packet: Uint8Array.from(Buffer.from('xx GeT /index.html', 'latin1')) },
        expect: true,
      },
      {
        expr: "BYTEARRAY_MATCHER('(dead).{2}(beef)', packet)",
        vars: { packet: Uint8Array.from([0xde, 0xad, 0xbe, 0xef]) },
        expect: false,
      },
      { expr: "BYTEARRAY_MATCHER('deadbeef', null)", expect: false },
      { expr: "BYTEARRAY_MATCHER('de ad zz', null)", error: true },
    ],
    call: ([pattern, data]) => {
      if (pattern === null || pattern === undefined) return false;
      if (typeof pattern !== 'string') return fail(`the pattern must be a string, got ${typeName(pattern)}`);
      // As in Metron the pattern is compiled before the data is looked at: a bad one always fails.
      const regex = compileBytePattern(pattern);
      if (data === null || data === undefined) return false;
      if (!(data instanceof Uint8Array)) return fail(`the data must be bytes, got ${typeName(data)}`);
      return regex.test(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1'));
    },
  },
];
