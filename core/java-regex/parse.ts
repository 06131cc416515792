import type { ClassMember, ClassNode, Fold, GroupKind, Node, ParsedJavaRegex } from './ast.js';
import {
  boundary,
  HORIZONTAL_SPACE,
  isBlockName,
  JAVA_BOUNDARY,
  JAVA_END,
  JAVA_END_UNIX,
  JAVA_MULTILINE_END,
  JAVA_MULTILINE_END_UNIX,
  JAVA_MULTILINE_START,
  JAVA_MULTILINE_START_UNIX,
  JAVA_NOT_BOUNDARY,
  JAVA_NOT_SPACE,
  JAVA_SPACE,
  NOT_LINE_TERMINATOR,
  propertyClass,
  UNICODE_WORD,
  VERTICAL_SPACE,
} from './classes.js';
import { JavaRegexError } from './error.js';

/** How a pattern is read. */
export interface JavaRegexOptions {
  /** Flags in effect from the start, as inline-flag letters (`idmsuxU`), like `Pattern.compile(p, flags)`. */
  flags?: string;
  /**
   * `java` (default): group names are `[a-zA-Z][a-zA-Z0-9]*` and unique, as java.util.regex has
   * them. `named-regexp`: any text up to `>`, and a name may repeat (its first group is the one a
   * `\k<name>` reads), as com.google.code.regexp — which java-grok compiles with — has them.
   */
  groupNames?: 'java' | 'named-regexp';
}

interface Flags {
  i: boolean;
  d: boolean;
  m: boolean;
  s: boolean;
  u: boolean;
  x: boolean;
  U: boolean;
}

const FLAG_LETTERS = /^[idmsuxU]*$/;
const LEADING_FLAGS = /\(\?[idmsuxU-]*\)/y;
const QUANTIFIER_BRACE = /\{(\d+)(?:(,)(\d*))?\}/y;
const JAVA_NAME = /[a-zA-Z][a-zA-Z0-9]*/y;
const NEVER: Node = { t: 'set', js: '(?:(?!))' };

/**
 * Parse a Java (`java.util.regex.Pattern`, Java 8 and later) regular expression. Throws
 * {@link JavaRegexError} for what Java rejects and for what JavaScript cannot do (`\G`,
 * `\p{InBlock}`, CANON_EQ), naming the construct and its index.
 */
export function parseJavaRegex(pattern: string, options: JavaRegexOptions = {}): ParsedJavaRegex {
  return new Parser(pattern, options).run();
}

class Parser {
  private pos = 0;
  private flags: Flags = { i: false, d: false, m: false, s: false, u: false, x: false, U: false };
  private groupCount = 0;
  private readonly names: string[] = [];
  private readonly namedGroups = new Map<string, number>();
  private readonly backrefTargets = new Set<number>();
  /** An inline flag group turned case-insensitivity off somewhere. */
  private caseOff = false;
  /** Where the first back-reference under case-insensitive matching is, or -1. */
  private foldedRef = -1;
  private readonly javaNames: boolean;

  constructor(
    private readonly src: string,
    options: JavaRegexOptions,
  ) {
    this.javaNames = options.groupNames !== 'named-regexp';
    const initial = options.flags ?? '';
    if (!FLAG_LETTERS.test(initial)) throw this.error(`Unknown flags '${initial}'`, 0);
    for (const f of initial) this.setFlag(f as keyof Flags, true);
  }

  run(): ParsedJavaRegex {
    // Flags set before anything else decide whether JavaScript's `i` flag can stand for (?i).
    for (;;) {
      if (this.flags.x) this.skipComments();
      LEADING_FLAGS.lastIndex = this.pos;
      if (!LEADING_FLAGS.test(this.src)) break;
      this.pos++;
      this.group();
    }
    const lead = { ...this.flags };
    const root = this.alternation();
    if (this.pos < this.src.length) throw this.error("Unmatched closing ')'");
    // Java's plain (?i) folds ASCII only and JavaScript's `i` folds Unicode, so letters are
    // expanded instead; the flag is used where only it will do (back-references) or where it is
    // exact (UNICODE_CASE), and only when the whole pattern ignores case.
    const ignoreCase = lead.i && !this.caseOff && (lead.u || this.foldedRef >= 0);
    if (this.foldedRef >= 0 && !ignoreCase)
      throw this.error(
        'a back-reference under case-insensitive matching is not supported unless the whole pattern is case-insensitive (a leading (?i))',
        this.foldedRef,
      );
    return {
      pattern: this.src,
      root,
      groupCount: this.groupCount,
      names: this.names,
      namedGroups: this.namedGroups,
      backrefTargets: this.backrefTargets,
      ignoreCase,
    };
  }

  private error(description: string, at = this.pos): JavaRegexError {
    return new JavaRegexError(description, this.src, at);
  }

  private readCp(): number {
    const cp = this.src.codePointAt(this.pos) as number;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private fold(): Fold {
    return this.flags.i ? (this.flags.u ? 'unicode' : 'ascii') : 'none';
  }

  private setFlag(f: keyof Flags, on: boolean): void {
    this.flags[f] = on;
    if (f === 'U' && on) this.flags.u = true;
    if (f === 'i' && !on) this.caseOff = true;
  }

  /** In comments mode (`(?x)`), white space and `#` comments to the end of the line are not part of the pattern. */
  private skipComments(): void {
    const s = this.src;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) this.pos++;
      else if (c === 0x23) {
        while (this.pos < s.length && !this.isLineTerminator(s.charCodeAt(this.pos))) this.pos++;
      } else return;
    }
  }

  private isLineTerminator(c: number): boolean {
    if (this.flags.d) return c === 0x0a;
    return c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? (options[0] as Node) : { t: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    // The item a quantifier would apply to, or -1 when a quantifier here dangles.
    let last = -1;
    for (;;) {
      if (this.flags.x) this.skipComments();
      const c = this.src[this.pos];
      if (c === undefined || c === '|' || c === ')') break;
      if (c === '*' || c === '+' || c === '?' || c === '{') {
        this.quantify(items, last);
        last = -1;
      } else if (c === '\\' && this.src[this.pos + 1] === 'Q') {
        // Each quoted character is its own atom, so a quantifier takes the last one (an empty
        // \Q\E leaves the previous atom quantifiable, as Java removes it before compiling).
        for (const cp of this.quote()) {
          last = items.length;
          items.push({ t: 'char', cp, fold: this.fold() });
        }
      } else {
        const atom = this.atom();
        last = atom === undefined ? -1 : items.length;
        if (atom !== undefined) items.push(atom);
      }
    }
    return items.length === 1 ? (items[0] as Node) : { t: 'seq', items };
  }

  /** `\Q…\E` (or to the end of the pattern), from its backslash. */
  private quote(): number[] {
    this.pos += 2;
    let end = this.src.indexOf('\\E', this.pos);
    if (end < 0) end = this.src.length;
    const cps: number[] = [];
    while (this.pos < end) cps.push(this.readCp());
    this.pos = Math.min(end + 2, this.src.length);
    return cps;
  }

  private quantify(items: Node[], last: number): void {
    const c = this.src[this.pos] as string;
    let q = c;
    if (c === '{') {
      QUANTIFIER_BRACE.lastIndex = this.pos;
      const m = QUANTIFIER_BRACE.exec(this.src);
      if (!m) throw this.error('Illegal repetition');
      if (m[3] !== undefined && m[3] !== '' && Number(m[3]) < Number(m[1]))
        throw this.error('Illegal repetition range');
      q = m[0];
    }
    if (last < 0) throw this.error(`Dangling meta character '${c}'`);
    this.pos += q.length;
    let mode: '' | 'lazy' | 'possessive' = '';
    if (this.src[this.pos] === '?') mode = 'lazy';
    else if (this.src[this.pos] === '+') mode = 'possessive';
    if (mode !== '') this.pos++;
    items[last] = { t: 'quant', body: items[last] as Node, q, mode };
  }

  /** One atom; undefined for inline flags (`(?i)`), which leave nothing to quantify. */
  private atom(): Node | undefined {
    const f = this.flags;
    switch (this.src[this.pos]) {
      case '(':
        this.pos++;
        return this.group();
      case '[':
        this.pos++;
        return this.charClass();
      case '.':
        this.pos++;
        return { t: 'set', js: f.s ? '[\\s\\S]' : f.d ? '[^\\n]' : NOT_LINE_TERMINATOR };
      case '^':
        this.pos++;
        return { t: 'assert', js: f.m ? (f.d ? JAVA_MULTILINE_START_UNIX : JAVA_MULTILINE_START) : '^' };
      case '$':
        this.pos++;
        return {
          t: 'assert',
          js: f.m ? (f.d ? JAVA_MULTILINE_END_UNIX : JAVA_MULTILINE_END) : f.d ? JAVA_END_UNIX : JAVA_END,
        };
      case '\\':
        return this.escape();
      default:
        return { t: 'char', cp: this.readCp(), fold: this.fold() };
    }
  }

  /** A group, after its `(`; undefined when it was only inline flags. */
  private group(): Node | undefined {
    const open = this.pos - 1;
    const saved = { ...this.flags };
    let kind: GroupKind = 'capture';
    let name: string | undefined;
    if (this.src[this.pos] === '?') {
      this.pos++;
      const k = this.src[this.pos];
      const k2 = this.src[this.pos + 1];
      this.pos++;
      if (k === ':') kind = 'plain';
      else if (k === '=') kind = 'ahead';
      else if (k === '!') kind = 'nahead';
      else if (k === '>') kind = 'atomic';
      else if (k === '<' && (k2 === '=' || k2 === '!')) {
        kind = k2 === '=' ? 'behind' : 'nbehind';
        this.pos++;
      } else if (k === '<') {
        name = this.groupName();
        if (this.javaNames && this.namedGroups.has(name))
          throw this.error(`Named capturing group <${name}> is already defined`);
      } else {
        this.pos--;
        this.inlineFlags();
        if (this.src[this.pos] === ')') {
          this.pos++;
          return undefined;
        }
        if (this.src[this.pos] !== ':') throw this.error('Unknown inline modifier');
        this.pos++;
        kind = 'plain';
      }
    }
    let index: number | undefined;
    if (kind === 'capture') {
      index = ++this.groupCount;
      if (name !== undefined) {
        this.names.push(name);
        if (!this.namedGroups.has(name)) this.namedGroups.set(name, index);
      }
    }
    const body = this.alternation();
    if (this.src[this.pos] !== ')') throw this.error('Unclosed group', open);
    this.pos++;
    this.flags = saved;
    const node: Node = { t: 'group', kind, body };
    if (index !== undefined) node.index = index;
    if (name !== undefined) node.name = name;
    return node;
  }

  /** `(?idmsuxU-idmsuxU` up to its `)` or `:`. */
  private inlineFlags(): void {
    let on = true;
    for (;;) {
      const c = this.src[this.pos];
      if (c === '-') on = false;
      else if (c === 'i' || c === 'd' || c === 'm' || c === 's' || c === 'u' || c === 'x' || c === 'U')
        this.setFlag(c, on);
      else if (c === 'c') throw this.error('the CANON_EQ flag (?c) is not supported');
      else if (c === ')' || c === ':') return;
      else throw this.error('Unknown inline modifier');
      this.pos++;
    }
  }

  /** A group name after `(?<` or `\k<`, through its `>`. */
  private groupName(): string {
    let name: string;
    if (this.javaNames) {
      JAVA_NAME.lastIndex = this.pos;
      const m = JAVA_NAME.exec(this.src);
      if (m === null) throw this.error('capturing group name does not start with a Latin letter');
      name = m[0];
      this.pos += name.length;
      if (this.src[this.pos] !== '>') throw this.error("named capturing group is missing trailing '>'");
    } else {
      const end = this.src.indexOf('>', this.pos);
      if (end < 0) throw this.error("named capturing group is missing trailing '>'");
      name = this.src.slice(this.pos, end);
      if (name === '') throw this.error('named capturing group has 0 length name');
      this.pos = end;
    }
    this.pos++;
    return name;
  }

  /** An escape outside a class, from its backslash. */
  private escape(): Node {
    const at = this.pos;
    this.pos++;
    const c = this.src[this.pos];
    if (c === undefined) throw this.error('Unexpected internal error', at);
    const U = this.flags.U;
    switch (c) {
      case 'b':
        this.pos++;
        if (this.src[this.pos] === '{') throw this.error('\\b{g} is not supported', at);
        return { t: 'assert', js: U ? boundary(`[${UNICODE_WORD}]`, false) : JAVA_BOUNDARY };
      case 'B':
        this.pos++;
        return { t: 'assert', js: U ? boundary(`[${UNICODE_WORD}]`, true) : JAVA_NOT_BOUNDARY };
      case 'A':
        this.pos++;
        return { t: 'assert', js: '^' };
      case 'z':
        this.pos++;
        return { t: 'assert', js: '$' };
      case 'Z':
        this.pos++;
        return { t: 'assert', js: this.flags.d ? JAVA_END_UNIX : JAVA_END };
      case 'R':
        this.pos++;
        return { t: 'set', js: `(?:\\r\\n|[${VERTICAL_SPACE}])` };
      case 'G':
      case 'X':
      case 'N':
        throw this.error(`\\${c} is not supported`, at);
      case 'k': {
        this.pos++;
        if (this.src[this.pos] !== '<')
          throw this.error("\\k is not followed by '<' for named capturing group");
        this.pos++;
        const name = this.groupName();
        const index = this.namedGroups.get(name);
        if (index === undefined) throw this.error(`named capturing group <${name}> does not exist`, at);
        return this.backref(index, at);
      }
    }
    if (c >= '1' && c <= '9') {
      // Java reads further digits only while they still name a group opened so far.
      this.pos++;
      let n = c.charCodeAt(0) - 48;
      for (;;) {
        const d = this.src.charCodeAt(this.pos) - 48;
        if (!(d >= 0 && d <= 9) || n * 10 + d > this.groupCount) break;
        n = n * 10 + d;
        this.pos++;
      }
      return this.backref(n, at);
    }
    const e = this.classEscape(at, false);
    return typeof e === 'number' ? { t: 'char', cp: e, fold: this.fold() } : { t: 'set', js: e };
  }

  /** A back-reference; to a group not opened yet it never matches (Java fails it; JavaScript would match ''). */
  private backref(index: number, at: number): Node {
    if (index > this.groupCount) return NEVER;
    if (this.flags.i && this.foldedRef < 0) this.foldedRef = at;
    this.backrefTargets.add(index);
    return { t: 'backref', index };
  }

  /** An escape that is a character (a code point) or a set (JavaScript text), after its backslash. */
  private classEscape(at: number, inClass: boolean): number | string {
    const c = this.src[this.pos] as string;
    this.pos++;
    const U = this.flags.U;
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
        return this.octal(at);
      case 'x':
        return this.hexEscape(at);
      case 'u':
        return this.unicodeEscape(at);
      case 'c':
        if (this.pos >= this.src.length) throw this.error('Illegal control escape sequence', at);
        return this.readCp() ^ 64;
      case 'd':
        return U ? '\\p{Nd}' : '\\d';
      case 'D':
        return U ? '\\P{Nd}' : '\\D';
      case 'w':
        return U ? `[${UNICODE_WORD}]` : '\\w';
      case 'W':
        return U ? `[^${UNICODE_WORD}]` : '\\W';
      case 's':
        return U ? '\\p{White_Space}' : JAVA_SPACE;
      case 'S':
        return U ? '\\P{White_Space}' : JAVA_NOT_SPACE;
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
        return this.property(c === 'P', at);
    }
    if (/[a-zA-Z]/.test(c) || (inClass && c >= '1' && c <= '9'))
      throw this.error(`Illegal/unsupported escape sequence \\${c}`, at);
    // Java lets any other character be escaped to stand for itself.
    this.pos--;
    return this.readCp();
  }

  private octal(at: number): number {
    const digit = (i: number): number => {
      const d = this.src.charCodeAt(this.pos + i) - 48;
      return d >= 0 && d <= 7 ? d : -1;
    };
    const n = digit(0);
    if (n < 0) throw this.error('Illegal octal escape sequence', at);
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

  private hexEscape(at: number): number {
    const two = /[0-9a-fA-F]{2}/y;
    two.lastIndex = this.pos;
    if (two.test(this.src)) {
      this.pos += 2;
      return Number.parseInt(this.src.slice(this.pos - 2, this.pos), 16);
    }
    const braced = /\{([0-9a-fA-F]+)\}/y;
    braced.lastIndex = this.pos;
    const m = braced.exec(this.src);
    if (!m) throw this.error('Illegal hexadecimal escape sequence', at);
    const cp = Number.parseInt(m[1] as string, 16);
    if (cp > 0x10ffff) throw this.error('Hexadecimal codepoint is too big', at);
    this.pos += m[0].length;
    return cp;
  }

  private unicodeEscape(at: number): number {
    const four = /[0-9a-fA-F]{4}/y;
    four.lastIndex = this.pos;
    if (!four.test(this.src)) throw this.error('Illegal Unicode escape sequence', at);
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

  /** `\p{Name}` / `\pL` (negated for `\P`) as a JavaScript class expression, after its `p`. */
  private property(negated: boolean, at: number): string {
    let name: string;
    if (this.src[this.pos] === '{') {
      const end = this.src.indexOf('}', this.pos);
      if (end < 0) throw this.error('Unclosed character family', at);
      name = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      name = this.src[this.pos] ?? '';
      this.pos++;
    }
    if (isBlockName(name)) throw this.error(`Unicode blocks (\\p{${name}}) are not supported`, at);
    const body = propertyClass(name, this.flags.U, this.flags.i);
    if (body === undefined) throw this.error(`Unknown character property name {${name}}`, at);
    if (!negated) return body;
    if (body.startsWith('\\p')) return `\\P${body.slice(2)}`;
    if (body.startsWith('\\P')) return `\\p${body.slice(2)}`;
    return body.startsWith('[^') ? `[${body.slice(2)}` : `[^${body.slice(1)}`;
  }

  /** A character class after its `[`, with Java's nested unions and `&&` intersections. */
  private charClass(): ClassNode {
    const open = this.pos - 1;
    let negate = false;
    if (this.src[this.pos] === '^') {
      negate = true;
      this.pos++;
    }
    const operands: ClassMember[][] = [];
    let union: ClassMember[] = [];
    let first = true;
    for (;;) {
      if (this.flags.x) this.skipComments();
      const c = this.src[this.pos];
      if (c === undefined) throw this.error('Unclosed character class', open);
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (c === '[') {
        this.pos++;
        union.push(this.charClass());
      } else if (c === '&' && this.src[this.pos + 1] === '&') {
        // An empty operand (`[a&&]`, `[&&a]`) drops out, as in Java.
        this.pos += 2;
        if (union.length > 0) operands.push(union);
        union = [];
      } else if (c === '\\' && this.src[this.pos + 1] === 'Q') {
        for (const cp of this.quote()) union.push({ t: 'range', lo: cp, hi: cp });
      } else {
        const lo = this.classAtom(open);
        if (typeof lo === 'string') {
          union.push({ t: 'set', js: lo });
          continue;
        }
        if (this.flags.x) this.skipComments();
        const next = this.src[this.pos + 1];
        if (this.src[this.pos] === '-' && next !== undefined && next !== ']' && next !== '[') {
          const dash = this.pos;
          this.pos++;
          if (this.flags.x) this.skipComments();
          const hi = this.classAtom(open);
          if (typeof hi !== 'number' || hi < lo) throw this.error('Illegal character range', dash);
          union.push({ t: 'range', lo, hi });
        } else union.push({ t: 'range', lo, hi: lo });
      }
    }
    if (union.length > 0 || operands.length === 0) operands.push(union);
    return { t: 'class', negate, operands, fold: this.fold() };
  }

  private classAtom(open: number): number | string {
    if (this.src[this.pos] !== '\\') return this.readCp();
    const at = this.pos;
    this.pos++;
    if (this.pos >= this.src.length) throw this.error('Unclosed character class', open);
    return this.classEscape(at, true);
  }
}
