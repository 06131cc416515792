/**
 * Java regular expressions (`java.util.regex.Pattern`, as Metron's grok patterns are written)
 * translated to JavaScript `RegExp` source. Parsed once into a small tree, then emitted with
 * JavaScript equivalents for what JavaScript lacks: atomic groups and possessive quantifiers
 * become a capturing lookahead plus a back-reference (`(?=(x))\1`, which cannot be backtracked
 * into), `\A \Z \z \h \v \R \p{Alpha}` and friends become classes or assertions, `\Q…\E` becomes
 * escaped literals, and Java's narrower `\s` is spelled out. Only the groups a caller asks for
 * stay capturing, so a grok expression with hundreds of nested groups matches with a handful.
 */

/** A pattern JavaScript cannot run the same way, or that Java itself rejects. */
export class JavaRegexError extends Error {
  constructor(message: string, pattern: string, at: number) {
    const shown = pattern.length > 120 ? `${pattern.slice(Math.max(0, at - 40), at + 40)}` : pattern;
    super(`${message} at index ${at} of regex ${JSON.stringify(shown)}`);
  }
}

type GroupKind = 'capture' | 'named' | 'plain' | 'atomic' | 'ahead' | 'nahead' | 'behind' | 'nbehind';

type Node =
  /** Translated JavaScript text; `atom` when a quantifier may follow it directly. */
  | { t: 'text'; js: string; atom: boolean }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'group'; kind: GroupKind; name?: string; javaIndex?: number; body: Node }
  | { t: 'quant'; body: Node; q: string; mode: '' | 'lazy' | 'possessive' }
  | { t: 'backref'; javaIndex: number };

/** A Java regex, parsed: emit it with {@link emitJavaRegex}. */
export interface ParsedJavaRegex {
  readonly root: Node;
  /** Flags set by a leading `(?i)`, `(?s)`, `(?m)`, as JavaScript flags. */
  readonly flags: string;
  /** Named groups in order of first appearance (a name may occur more than once). */
  readonly names: readonly string[];
  /** Java group numbers that a back-reference reads. */
  readonly backrefTargets: ReadonlySet<number>;
}

/** Java's `\s` (ASCII whitespace only), as class content. */
const JAVA_SPACE = '\\t-\\r ';
/** Java's `\h` and `\v` (Java 8), as class content. */
const JAVA_HSPACE = ' \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000';
const JAVA_VSPACE = '\\n\\x0B\\f\\r\\x85\\u2028\\u2029';

/** The POSIX and java.lang.Character classes `\p{…}` takes (US-ASCII forms), as class content. */
const PROPERTY_CLASSES: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: JAVA_SPACE,
};

const LITERAL_NEEDS_ESCAPE = new Set('\\^$.|?*+()[]{}/');
const CLASS_NEEDS_ESCAPE = new Set('\\]^-[');

/** A literal character as JavaScript regex text (outside a class). */
function literal(ch: string): string {
  if (LITERAL_NEEDS_ESCAPE.has(ch)) return `\\${ch}`;
  return codeText(ch);
}

/** A literal character as class content. */
function classLiteral(ch: string): string {
  if (CLASS_NEEDS_ESCAPE.has(ch)) return `\\${ch}`;
  return codeText(ch);
}

/** Control and non-ASCII characters as `\uXXXX`, so the emitted source stays printable. */
function codeText(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch.length === 1 && (code < 0x20 || (code >= 0x7f && code <= 0xa0))) {
    return `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return ch;
}

/** A code point as literal regex text; astral ones become a group so a quantifier takes both halves. */
function codePointText(cp: number, inClass: boolean): { js: string; atom: boolean } {
  if (cp > 0xffff) {
    if (inClass) throw new Error('a supplementary character inside a character class');
    const s = String.fromCodePoint(cp);
    return { js: `(?:\\u${hex4(s.charCodeAt(0))}\\u${hex4(s.charCodeAt(1))})`, atom: true };
  }
  return { js: `\\u${hex4(cp)}`, atom: true };
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** Parse a Java regex. Throws {@link JavaRegexError} for what Java rejects or JavaScript cannot do. */
export function parseJavaRegex(pattern: string): ParsedJavaRegex {
  let i = 0;
  let groupCount = 0;
  let flags = '';
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const backrefTargets = new Set<number>();

  const error = (message: string, at = i): never => {
    throw new JavaRegexError(message, pattern, at);
  };

  // A leading `(?flags)` sets flags for the whole pattern, which JavaScript can do.
  const lead = /^\(\?([idmsux]+)\)/.exec(pattern);
  if (lead) {
    for (const f of lead[1] as string) {
      if (f === 'i' || f === 'm' || f === 's') {
        if (!flags.includes(f)) flags += f;
      } else if (f === 'x') error('comments mode (?x) is not supported', 0);
      // d (UNIX_LINES) and u (UNICODE_CASE) make no difference to these patterns.
    }
    i = lead[0].length;
  }

  const root = parseAlternation();
  if (i < pattern.length) error("unmatched closing ')'");
  return { root, flags, names, backrefTargets };

  function parseAlternation(): Node {
    const options: Node[] = [parseSequence()];
    while (pattern[i] === '|') {
      i++;
      options.push(parseSequence());
    }
    return options.length === 1 ? (options[0] as Node) : { t: 'alt', options };
  }

  function parseSequence(): Node {
    const items: Node[] = [];
    while (i < pattern.length) {
      const c = pattern[i] as string;
      if (c === '|' || c === ')') break;
      if (c === '\\' && pattern[i + 1] === 'Q') {
        // Java rewrites \Q…\E into escaped characters before compiling, so a quantifier after
        // it applies to the last character only.
        i += 2;
        const end = pattern.indexOf('\\E', i);
        const text = end < 0 ? pattern.slice(i) : pattern.slice(i, end);
        i = end < 0 ? pattern.length : end + 2;
        const chars = [...text];
        chars.forEach((ch, k) => {
          const node: Node = {
            t: 'text',
            js: ch.length > 1 ? codePointText(ch.codePointAt(0) as number, false).js : literal(ch),
            atom: true,
          };
          items.push(k === chars.length - 1 ? quantified(node) : node);
        });
        continue;
      }
      items.push(quantified(parseAtom()));
    }
    return items.length === 1 ? (items[0] as Node) : { t: 'seq', items };
  }

  /** The atom, with the quantifier that follows it if any. */
  function quantified(atom: Node): Node {
    let q: string | undefined;
    const c = pattern[i];
    if (c === '*' || c === '+' || c === '?') {
      q = c;
      i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (m) {
        if (m[3] !== undefined && m[3] !== '' && Number(m[3]) < Number(m[1]))
          error('illegal repetition range');
        q = m[0];
        i += m[0].length;
      }
    }
    if (q === undefined) return atom;
    let mode: '' | 'lazy' | 'possessive' = '';
    if (pattern[i] === '?') {
      mode = 'lazy';
      i++;
    } else if (pattern[i] === '+') {
      mode = 'possessive';
      i++;
    }
    const next = pattern[i];
    if (next === '*' || next === '+' || next === '?') error(`dangling meta character '${next}'`);
    return { t: 'quant', body: atom, q, mode };
  }

  function parseAtom(): Node {
    const c = pattern[i] as string;
    switch (c) {
      case '(':
        return parseGroup();
      case '[':
        return { t: 'text', js: parseClass(), atom: true };
      case '\\':
        return parseEscape();
      case '.':
        i++;
        return { t: 'text', js: '.', atom: true };
      case '^':
        i++;
        return { t: 'text', js: '^', atom: false };
      case '$':
        i++;
        return { t: 'text', js: '$', atom: false };
      case '*':
      case '+':
      case '?':
        return error(`dangling meta character '${c}'`);
      default: {
        const cp = pattern.codePointAt(i) as number;
        if (cp > 0xffff) {
          i += 2;
          return { t: 'text', ...codePointText(cp, false) };
        }
        i++;
        return { t: 'text', js: literal(c), atom: true };
      }
    }
  }

  function parseGroup(): Node {
    const open = i;
    i++; // (
    let kind: GroupKind = 'capture';
    let name: string | undefined;
    if (pattern[i] === '?') {
      const rest = pattern.slice(i + 1, i + 3);
      if (rest.startsWith(':')) {
        kind = 'plain';
        i += 2;
      } else if (rest.startsWith('=')) {
        kind = 'ahead';
        i += 2;
      } else if (rest.startsWith('!')) {
        kind = 'nahead';
        i += 2;
      } else if (rest.startsWith('>')) {
        kind = 'atomic';
        i += 2;
      } else if (rest === '<=') {
        kind = 'behind';
        i += 3;
      } else if (rest === '<!') {
        kind = 'nbehind';
        i += 3;
      } else if (rest.startsWith('<')) {
        // named-regexp (which java-grok uses) takes any name up to the first '>'.
        const end = pattern.indexOf('>', i + 2);
        if (end < 0) error('unterminated group name');
        name = pattern.slice(i + 2, end);
        if (name === '') error('empty group name');
        kind = 'named';
        i = end + 1;
      } else {
        const m = /^\?[idmsux-]+[:)]/.exec(pattern.slice(i));
        if (m) error('inline flags are only supported at the start of a pattern');
        error('unknown inline modifier');
      }
    }
    let javaIndex: number | undefined;
    if (kind === 'capture' || kind === 'named') {
      javaIndex = ++groupCount;
      if (name !== undefined) {
        names.push(name);
        if (!nameIndex.has(name)) nameIndex.set(name, javaIndex);
      }
    }
    const body = parseAlternation();
    if (pattern[i] !== ')') error('unclosed group', open);
    i++;
    const group: Node = { t: 'group', kind, body };
    if (name !== undefined) group.name = name;
    if (javaIndex !== undefined) group.javaIndex = javaIndex;
    return group;
  }

  /** An escape outside a class: a literal, a class, an assertion or a back-reference. */
  function parseEscape(): Node {
    const at = i;
    i++; // backslash
    const c = pattern[i];
    if (c === undefined) return error('unexpected end of pattern after \\', at);
    if (c >= '1' && c <= '9') {
      // Java takes more digits only while they still name an existing group.
      let n = Number(c);
      i++;
      while (i < pattern.length && /\d/.test(pattern[i] as string)) {
        const next = n * 10 + Number(pattern[i]);
        if (next > groupCount) break;
        n = next;
        i++;
      }
      if (n > groupCount) return { t: 'text', js: '(?!)', atom: true };
      backrefTargets.add(n);
      return { t: 'backref', javaIndex: n };
    }
    if (c === 'k') {
      const m = /^k<([^>]+)>/.exec(pattern.slice(i));
      if (!m) return error('\\k is not followed by <name>', at);
      const index = nameIndex.get(m[1] as string);
      if (index === undefined) return error(`named capturing group <${m[1]}> does not exist`, at);
      i += m[0].length;
      backrefTargets.add(index);
      return { t: 'backref', javaIndex: index };
    }
    switch (c) {
      case 'A':
        i++;
        return { t: 'text', js: flags.includes('m') ? '(?<![\\s\\S])' : '^', atom: false };
      case 'z':
        i++;
        return { t: 'text', js: flags.includes('m') ? '(?![\\s\\S])' : '$', atom: false };
      case 'Z':
        i++;
        return { t: 'text', js: '(?=(?:\\r\\n|[\\n\\r\\x85\\u2028\\u2029])?(?![\\s\\S]))', atom: false };
      case 'b':
      case 'B':
        i++;
        return { t: 'text', js: `\\${c}`, atom: false };
      case 'G':
        return error('\\G is not supported', at);
      case 'R':
        i++;
        return { t: 'text', js: `(?:\\r\\n|[${JAVA_VSPACE}])`, atom: true };
      case 's':
        i++;
        return { t: 'text', js: `[${JAVA_SPACE}]`, atom: true };
      case 'S':
        i++;
        return { t: 'text', js: `[^${JAVA_SPACE}]`, atom: true };
      case 'h':
      case 'H':
        i++;
        return { t: 'text', js: `[${c === 'H' ? '^' : ''}${JAVA_HSPACE}]`, atom: true };
      case 'v':
      case 'V':
        i++;
        return { t: 'text', js: `[${c === 'V' ? '^' : ''}${JAVA_VSPACE}]`, atom: true };
      case 'p':
      case 'P': {
        const content = propertyClass(at);
        return { t: 'text', js: `[${c === 'P' ? '^' : ''}${content}]`, atom: true };
      }
      default: {
        const text = simpleEscape(at, false);
        return { t: 'text', js: text, atom: true };
      }
    }
  }

  /** `\p{Name}` / `\pL` after the backslash (at `i`): its class content. */
  function propertyClass(at: number): string {
    i++; // p or P
    let name: string;
    if (pattern[i] === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) error('unclosed character family', at);
      name = pattern.slice(i + 1, end);
      i = end + 1;
    } else {
      name = pattern[i] ?? '';
      i++;
    }
    const key = name.replace(/^Is/, '');
    const content = PROPERTY_CLASSES[key];
    if (content === undefined) return error(`character property \\p{${name}} is not supported`, at);
    return content;
  }

  /**
   * Escapes that mean one character or a class shorthand JavaScript shares (`\d \w \t \x41 …`),
   * after the backslash (at `i`). Inside a class the result is class content.
   */
  function simpleEscape(at: number, inClass: boolean): string {
    const c = pattern[i] as string;
    i++;
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return `\\${c}`;
      case 't':
        return '\\t';
      case 'n':
        return '\\n';
      case 'r':
        return '\\r';
      case 'f':
        return '\\f';
      case 'a':
        return '\\x07';
      case 'e':
        return '\\x1B';
      case 'c': {
        const x = pattern[i];
        if (x === undefined) return error('illegal control escape', at);
        i++;
        return `\\u${hex4(x.charCodeAt(0) ^ 64)}`;
      }
      case '0': {
        const m = /^[0-7]{1,3}/.exec(pattern.slice(i));
        if (!m) return error('illegal octal escape sequence', at);
        let digits = m[0];
        if (digits.length === 3 && Number(digits[0]) > 3) digits = digits.slice(0, 2);
        i += digits.length;
        return `\\u${hex4(Number.parseInt(digits, 8))}`;
      }
      case 'x': {
        if (pattern[i] === '{') {
          const m = /^\{([0-9a-fA-F]+)\}/.exec(pattern.slice(i));
          if (!m) return error('illegal hexadecimal escape sequence', at);
          i += m[0].length;
          const cp = Number.parseInt(m[1] as string, 16);
          if (cp > 0x10ffff) return error('hexadecimal codepoint is too big', at);
          return codePointText(cp, inClass).js;
        }
        const m = /^[0-9a-fA-F]{2}/.exec(pattern.slice(i));
        if (!m) return error('illegal hexadecimal escape sequence', at);
        i += 2;
        return `\\x${m[0]}`;
      }
      case 'u': {
        const m = /^[0-9a-fA-F]{4}/.exec(pattern.slice(i));
        if (!m) return error('illegal Unicode escape sequence', at);
        i += 4;
        return `\\u${m[0]}`;
      }
      default:
        if (/[a-zA-Z0-9]/.test(c)) return error(`illegal or unsupported escape sequence \\${c}`, at);
        // Java lets any other character be escaped to stand for itself.
        return inClass ? classLiteral(c) : literal(c);
    }
  }

  /** A character class from `[` (at `i`) to its `]`, as JavaScript class text. */
  function parseClass(): string {
    const open = i;
    i++; // [
    let negated = false;
    if (pattern[i] === '^') {
      negated = true;
      i++;
    }
    let content = '';
    let first = true;
    for (;;) {
      const c = pattern[i];
      if (c === undefined) return error('unclosed character class', open);
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      if (c === '[') {
        // A nested class is a union; positive ones merge into this class.
        if (pattern[i + 1] === '^') return error('a negated class inside a class is not supported', i);
        const inner = parseClass();
        content += inner.slice(1, -1);
        continue;
      }
      if (c === '&' && pattern[i + 1] === '&') return error('class intersection (&&) is not supported', i);
      if (c === '\\') {
        const at = i;
        i++;
        const e = pattern[i];
        if (e === undefined) return error('unexpected end of pattern after \\', at);
        if (e === 's') {
          i++;
          content += JAVA_SPACE;
        } else if (e === 'S') {
          i++;
          content += '\\S';
        } else if (e === 'h') {
          i++;
          content += JAVA_HSPACE;
        } else if (e === 'v') {
          i++;
          content += JAVA_VSPACE;
        } else if (e === 'p') {
          content += propertyClass(at);
        } else if (e === 'Q') {
          i++;
          const end = pattern.indexOf('\\E', i);
          const text = end < 0 ? pattern.slice(i) : pattern.slice(i, end);
          i = end < 0 ? pattern.length : end + 2;
          for (const ch of text)
            content +=
              ch.length > 1
                ? error('a supplementary character inside a character class', at)
                : classLiteral(ch);
        } else if (e === 'b' || e === 'B' || e === 'H' || e === 'V' || e === 'P' || e === 'R') {
          return error(`\\${e} is not supported inside a character class`, at);
        } else {
          content += simpleEscape(at, true);
        }
        continue;
      }
      const cp = pattern.codePointAt(i) as number;
      if (cp > 0xffff) return error('a supplementary character inside a character class', i);
      i++;
      content += c === '-' ? '-' : classLiteral(c);
    }
    return `[${negated ? '^' : ''}${content}]`;
  }
}

/** A parsed pattern emitted as JavaScript. */
export interface EmittedRegex {
  source: string;
  flags: string;
  /** JavaScript group number of the first occurrence of each requested name. */
  groups: ReadonlyMap<string, number>;
}

/**
 * Emit a parsed pattern as JavaScript. Only the first occurrence of each name in `capture`
 * (and groups that a back-reference reads) stay capturing; java-grok reads a repeated name from
 * its first occurrence, so later ones need not capture.
 */
export function emitJavaRegex(parsed: ParsedJavaRegex, capture: ReadonlySet<string>): EmittedRegex {
  let count = 0;
  const javaToJs = new Map<number, number>();
  const groups = new Map<string, number>();
  const seen = new Set<string>();

  const source = emit(parsed.root, false);
  return { source, flags: parsed.flags, groups };

  function emit(node: Node, behind: boolean): string {
    switch (node.t) {
      case 'text':
        return node.js;
      case 'seq': {
        let out = '';
        for (const item of node.items) out += emit(item, behind);
        return out;
      }
      case 'alt':
        return node.options.map((o) => emit(o, behind)).join('|');
      case 'backref': {
        const js = javaToJs.get(node.javaIndex);
        return js === undefined ? '(?!)' : `(?:\\${js})`;
      }
      case 'quant': {
        const q = node.q + (node.mode === 'lazy' ? '?' : '');
        if (node.mode === 'possessive' && !behind) {
          const n = ++count;
          return `(?:(?=(${atomText(node.body, behind)}${q}))\\${n})`;
        }
        return atomText(node.body, behind) + q;
      }
      case 'group':
        return emitGroup(node, behind);
    }
  }

  /** A quantifier's operand as one JavaScript atom. */
  function atomText(node: Node, behind: boolean): string {
    if (node.t === 'text' && node.atom) return node.js;
    if (node.t === 'group' && (node.kind === 'capture' || node.kind === 'named' || node.kind === 'plain'))
      return emit(node, behind);
    return `(?:${emit(node, behind)})`;
  }

  function emitGroup(node: Extract<Node, { t: 'group' }>, behind: boolean): string {
    switch (node.kind) {
      case 'plain':
        return `(?:${emit(node.body, behind)})`;
      case 'capture':
      case 'named': {
        const index = node.javaIndex as number;
        let wanted = false;
        if (node.name !== undefined) {
          wanted = !seen.has(node.name) && capture.has(node.name);
          seen.add(node.name);
        }
        if (!wanted && !parsed.backrefTargets.has(index)) return `(?:${emit(node.body, behind)})`;
        const n = ++count;
        javaToJs.set(index, n);
        if (wanted) groups.set(node.name as string, n);
        return `(${emit(node.body, behind)})`;
      }
      case 'atomic': {
        // Inside a lookbehind JavaScript matches right to left; atomicity is dropped there.
        if (behind) return `(?:${emit(node.body, behind)})`;
        const n = ++count;
        return `(?:(?=(${emit(node.body, behind)}))\\${n})`;
      }
      case 'ahead':
        return `(?=${emit(node.body, behind)})`;
      case 'nahead':
        return `(?!${emit(node.body, behind)})`;
      case 'behind':
        return `(?<=${emit(node.body, true)})`;
      case 'nbehind':
        return `(?<!${emit(node.body, true)})`;
    }
  }
}
