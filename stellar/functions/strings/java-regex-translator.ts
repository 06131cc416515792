import {
  BINARY_PROPERTIES,
  charText,
  GENERAL_CATEGORY,
  HORIZONTAL_SPACE,
  JAVA_END,
  JAVA_END_UNIX,
  JAVA_MULTILINE_END,
  JAVA_MULTILINE_START,
  JAVA_MULTILINE_START_UNIX,
  JAVA_NOT_SPACE,
  JAVA_SPACE,
  LINE_TERMINATOR,
  NAMED_CLASSES,
  scriptClass,
  UNICODE_POSIX,
  UNICODE_WORD,
  VERTICAL_SPACE,
} from './java-regex-classes.js';

/**
 * Java regex syntax rewritten as JavaScript unicode-sets (`v`) syntax, one pattern at a time.
 * java.util.regex and JavaScript differ in more than spelling (possessive quantifiers, atomic
 * groups, scoped inline flags, class intersections, what `$` and `\s` match), so the
 * translator emulates what JavaScript lacks; java-regex.ts compiles and caches the result.
 */

/** A pattern JavaScript cannot take, with the reason in Java's words. */
export class RegexSyntaxError extends Error {}

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

/**
 * Translates a Java regex to a JavaScript `v`-mode source. Java constructs JavaScript lacks are
 * emulated: possessive quantifiers and atomic groups via a captured lookahead and back
 * reference; `\A \Z \z`, Java's `$`, multiline `^`, `.` and `\s` exactly; inline flags by
 * tracking them while translating (scoped case-insensitivity expands ASCII letters); `\Q…\E`,
 * class unions and `&&` intersections, POSIX and java.lang.Character classes. Capture groups
 * are numbered at the end, so synthetic groups never shift the Java group numbers seen by callers.
 */
export class RegexTranslator {
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
