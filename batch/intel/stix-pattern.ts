/**
 * The part of STIX 2.1 patterning that names indicators one can look up exactly: comparisons
 * `[<object-type>:<path> = '<value>']` (also `IN ('a', 'b')`, and `ISSUBSET '<cidr>'` on IP
 * addresses) joined by OR, inside one observation or across several. The whole grammar is
 * parsed, so whatever else a pattern says — AND, FOLLOWEDBY, LIKE, MATCHES, !=, >, NOT,
 * EXISTS, qualifiers — is named in `unsupported`, never silently dropped. A pattern of
 * disjuncts some of which are unsupported still yields the others: each alone is a match.
 */

/** An indicator a pattern names: its default Metron type and its value as written. */
export interface PatternIndicator {
  type: string;
  value: string;
}

/** What a pattern gives: its indicators, and a reason for each part that is not read. */
export interface PatternRead {
  indicators: PatternIndicator[];
  unsupported: string[];
}

/** Metron threat-intel types of the STIX cyber-observable types read (their `value`, or a file's hashes). */
export const STIX_METRON_TYPES: Readonly<Record<string, string>> = {
  'ipv4-addr': 'malicious_ip',
  'ipv6-addr': 'malicious_ip',
  'domain-name': 'malicious_domain',
  url: 'malicious_url',
  'email-addr': 'malicious_email',
  file: 'malicious_hash',
};

/** Hash algorithms read from `file:hashes`, by their STIX name; other spellings are matched loosely. */
export const STIX_HASHES: readonly string[] = ['MD5', 'SHA-1', 'SHA-256', 'SHA-512'];

/** A STIX hash algorithm name as one of {@link STIX_HASHES} (`sha256` → `SHA-256`), else undefined. */
export function stixHashName(name: string): string | undefined {
  const loose = name.toUpperCase().replace(/-/g, '');
  return STIX_HASHES.find((h) => h.replace(/-/g, '') === loose);
}

/**
 * Read a STIX pattern's indicators. A pattern that does not parse gives one `unsupported`
 * reason saying where.
 *
 * @example
 * readStixPattern("[ipv4-addr:value = '198.51.100.1'] OR [url:value = 'http://evil.example/']")
 * // { indicators: [{ type: 'malicious_ip', value: '198.51.100.1' },
 * //                { type: 'malicious_url', value: 'http://evil.example/' }], unsupported: [] }
 */
export function readStixPattern(pattern: string): PatternRead {
  const out: PatternRead = { indicators: [], unsupported: [] };
  let tree: Node;
  try {
    tree = new Parser(pattern).parse();
  } catch (e) {
    if (!(e instanceof PatternSyntaxError)) throw e;
    out.unsupported.push(`invalid STIX pattern: ${e.message} at column ${e.at + 1}`);
    return out;
  }
  collect(tree, pattern, out);
  return out;
}

// --- The syntax tree -------------------------------------------------------------------------

type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number' | 'bool' | 'binary' | 'hex' | 'timestamp'; value: string };

interface Span {
  start: number;
  end: number;
}

type Node = Span &
  (
    | { k: 'or' | 'and' | 'followedby'; level: 'observation' | 'comparison'; items: Node[] }
    | { k: 'observation'; comparison: Node }
    | { k: 'qualified'; qualifier: string; inner: Node }
    | {
        k: 'test';
        objectType: string;
        path: (string | number | '*')[];
        pathText: string;
        negated: boolean;
        operator: string;
        values: Literal[];
      }
  );

// --- Reading the tree ------------------------------------------------------------------------

function collect(node: Node, pattern: string, out: PatternRead): void {
  const text = () => fragment(pattern, node);
  switch (node.k) {
    case 'or':
      for (const item of node.items) collect(item, pattern, out);
      return;
    case 'observation':
      collect(node.comparison, pattern, out);
      return;
    case 'and':
      out.unsupported.push(
        `AND (${node.level === 'comparison' ? 'comparisons' : 'observations'} that must all match): ${text()}`,
      );
      return;
    case 'followedby':
      out.unsupported.push(`FOLLOWEDBY: ${text()}`);
      return;
    case 'qualified':
      out.unsupported.push(`${node.qualifier} qualifier: ${text()}`);
      return;
    case 'test':
      readTest(node, text, out);
  }
}

function readTest(node: Extract<Node, { k: 'test' }>, text: () => string, out: PatternRead): void {
  const op = node.operator;
  if (node.negated) {
    out.unsupported.push(`operator NOT ${op}: ${text()}`);
    return;
  }
  if (op !== '=' && op !== 'IN' && op !== 'ISSUBSET') {
    out.unsupported.push(`operator ${op}: ${text()}`);
    return;
  }
  const type = metronTypeOf(node.objectType, node.path);
  if (type === undefined) {
    out.unsupported.push(`object path ${node.pathText} (not an indicator Palisade reads): ${text()}`);
    return;
  }
  if (op === 'ISSUBSET' && node.objectType !== 'ipv4-addr' && node.objectType !== 'ipv6-addr') {
    out.unsupported.push(`ISSUBSET on ${node.pathText} (only on IP addresses): ${text()}`);
    return;
  }
  if (node.values.length === 0) {
    out.unsupported.push(`an empty IN set: ${text()}`);
    return;
  }
  if (node.values.some((v) => v.kind !== 'string')) {
    out.unsupported.push(`a value that is not a string: ${text()}`);
    return;
  }
  for (const v of node.values) out.indicators.push({ type, value: v.value });
}

/** The Metron type of a comparison's object path, when it is one Palisade reads. */
function metronTypeOf(objectType: string, path: readonly (string | number)[]): string | undefined {
  const type = Object.hasOwn(STIX_METRON_TYPES, objectType) ? STIX_METRON_TYPES[objectType] : undefined;
  if (type === undefined) return undefined;
  if (objectType === 'file') {
    const [first, hash, ...rest] = path;
    return first === 'hashes' && typeof hash === 'string' && stixHashName(hash) && rest.length === 0
      ? type
      : undefined;
  }
  return path.length === 1 && path[0] === 'value' ? type : undefined;
}

/** A node's source text, on one line and cut short, for a reason. */
function fragment(pattern: string, span: Span): string {
  const text = pattern.slice(span.start, span.end).replace(/\s+/g, ' ');
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}

// --- Tokens ----------------------------------------------------------------------------------

type TokenKind = 'literal' | 'ident' | 'keyword' | 'op' | 'punct' | 'eof';

interface Token extends Span {
  kind: TokenKind;
  text: string;
  literal?: Literal;
}

class PatternSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'FOLLOWEDBY',
  'LIKE',
  'MATCHES',
  'ISSUPERSET',
  'ISSUBSET',
  'EXISTS',
  'LAST',
  'IN',
  'START',
  'STOP',
  'SECONDS',
  'WITHIN',
  'REPEATS',
  'TIMES',
]);
const OPERATORS = ['==', '!=', '<>', '<=', '>=', '=', '<', '>'];
const PUNCT = '[](),:.*';
const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /[+-]?(?:\d+(?:\.\d+)?|\.\d+)/y;
const SPACE = /(?:\s+|\/\*[\s\S]*?\*\/|\/\/[^\r\n]*)+/y;
const TYPED: Record<string, Literal['kind']> = { b: 'binary', h: 'hex', t: 'timestamp' };

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const sticky = (re: RegExp): string | undefined => {
    re.lastIndex = at;
    return re.exec(pattern)?.[0];
  };
  for (;;) {
    at += sticky(SPACE)?.length ?? 0;
    if (at >= pattern.length) break;
    const start = at;
    const c = pattern[at] as string;
    if (c === "'") {
      const { value, end } = readString(pattern, at);
      tokens.push({
        kind: 'literal',
        text: pattern.slice(start, end),
        literal: { kind: 'string', value },
        start,
        end,
      });
      at = end;
      continue;
    }
    const ident = sticky(IDENT);
    if (ident !== undefined) {
      const typed = TYPED[ident];
      if (typed !== undefined && pattern[at + 1] === "'") {
        const { value, end } = readString(pattern, at + 1);
        tokens.push({
          kind: 'literal',
          text: pattern.slice(start, end),
          literal: { kind: typed, value },
          start,
          end,
        });
        at = end;
      } else if (ident === 'true' || ident === 'false') {
        const end = at + ident.length;
        tokens.push({ kind: 'literal', text: ident, literal: { kind: 'bool', value: ident }, start, end });
        at = end;
      } else {
        at += ident.length;
        tokens.push({ kind: KEYWORDS.has(ident) ? 'keyword' : 'ident', text: ident, start, end: at });
      }
      continue;
    }
    const number = sticky(NUMBER);
    if (number !== undefined) {
      at += number.length;
      tokens.push({
        kind: 'literal',
        text: number,
        literal: { kind: 'number', value: number },
        start,
        end: at,
      });
      continue;
    }
    const op = OPERATORS.find((o) => pattern.startsWith(o, at));
    if (op !== undefined) {
      at += op.length;
      tokens.push({ kind: 'op', text: op === '==' ? '=' : op === '<>' ? '!=' : op, start, end: at });
      continue;
    }
    if (PUNCT.includes(c)) {
      at++;
      tokens.push({ kind: 'punct', text: c, start, end: at });
      continue;
    }
    throw new PatternSyntaxError(`unexpected character '${c}'`, at);
  }
  tokens.push({ kind: 'eof', text: 'end of pattern', start: pattern.length, end: pattern.length });
  return tokens;
}

/** A quoted string from `start` (its opening quote): `\'` and `\\` are the only escapes. */
function readString(pattern: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "'") return { value, end: i + 1 };
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== "'" && next !== '\\') {
        throw new PatternSyntaxError(`invalid escape '\\${next ?? ''}' in a string (only \\' and \\\\)`, i);
      }
      value += next;
      i++;
    } else value += c;
  }
  throw new PatternSyntaxError('unterminated string', start);
}

// --- Parser ----------------------------------------------------------------------------------

const MAX_DEPTH = 64;

/** Recursive descent over the STIX 2.1 pattern grammar (STIXPattern.g4), keeping source spans. */
class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;

  constructor(pattern: string) {
    this.tokens = tokenize(pattern);
  }

  parse(): Node {
    const node = this.observations();
    this.expect('eof');
    return node;
  }

  private get token(): Token {
    return this.tokens[this.pos] as Token;
  }

  private is(kind: TokenKind, text?: string): boolean {
    return this.token.kind === kind && (text === undefined || this.token.text === text);
  }

  private accept(kind: TokenKind, text?: string): Token | undefined {
    if (!this.is(kind, text)) return undefined;
    return this.tokens[this.pos++];
  }

  private expect(kind: TokenKind, text?: string, what?: string): Token {
    const token = this.accept(kind, text);
    if (token) return token;
    throw new PatternSyntaxError(
      `expected ${what ?? text ?? kind}, found '${this.token.text}'`,
      this.token.start,
    );
  }

  /** Left-associative binary operator over `operand`. */
  private binary(
    keyword: string,
    k: 'or' | 'and' | 'followedby',
    level: 'observation' | 'comparison',
    operand: () => Node,
  ): Node {
    const first = operand();
    if (!this.is('keyword', keyword)) return first;
    const items = [first];
    while (this.accept('keyword', keyword)) items.push(operand());
    return { k, level, items, start: first.start, end: (items.at(-1) as Node).end };
  }

  private observations(): Node {
    return this.binary('FOLLOWEDBY', 'followedby', 'observation', () => this.observationOr());
  }

  private observationOr(): Node {
    return this.binary('OR', 'or', 'observation', () => this.observationAnd());
  }

  private observationAnd(): Node {
    return this.binary('AND', 'and', 'observation', () => this.observation());
  }

  private nested<T>(f: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new PatternSyntaxError('nested too deeply', this.token.start);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private observation(): Node {
    const open = this.token;
    let node: Node;
    if (this.accept('punct', '[')) {
      const comparison = this.nested(() => this.comparisonOr());
      const close = this.expect('punct', ']');
      node = { k: 'observation', comparison, start: open.start, end: close.end };
    } else if (this.accept('punct', '(')) {
      const inner = this.nested(() => this.observations());
      const close = this.expect('punct', ')');
      node = { ...inner, start: open.start, end: close.end };
    } else {
      throw new PatternSyntaxError(`expected '[' or '(', found '${open.text}'`, open.start);
    }
    for (;;) {
      const qualifier = this.qualifier();
      if (qualifier === undefined) return node;
      node = {
        k: 'qualified',
        qualifier: qualifier.name,
        inner: node,
        start: node.start,
        end: qualifier.end,
      };
    }
  }

  private qualifier(): { name: string; end: number } | undefined {
    const literal = (kind: Literal['kind'], what: string) => {
      const t = this.expect('literal', undefined, what);
      if (t.literal?.kind !== kind)
        throw new PatternSyntaxError(`expected ${what}, found '${t.text}'`, t.start);
      return t;
    };
    if (this.accept('keyword', 'START')) {
      literal('timestamp', "a timestamp t'…'");
      this.expect('keyword', 'STOP');
      return { name: 'START/STOP', end: literal('timestamp', "a timestamp t'…'").end };
    }
    if (this.accept('keyword', 'WITHIN')) {
      literal('number', 'a number of seconds');
      return { name: 'WITHIN', end: this.expect('keyword', 'SECONDS').end };
    }
    if (this.accept('keyword', 'REPEATS')) {
      literal('number', 'a count');
      return { name: 'REPEATS', end: this.expect('keyword', 'TIMES').end };
    }
    return undefined;
  }

  private comparisonOr(): Node {
    return this.binary('OR', 'or', 'comparison', () => this.comparisonAnd());
  }

  private comparisonAnd(): Node {
    return this.binary('AND', 'and', 'comparison', () => this.test());
  }

  private test(): Node {
    const open = this.token;
    if (this.accept('punct', '(')) {
      const inner = this.nested(() => this.comparisonOr());
      const close = this.expect('punct', ')');
      return { ...inner, start: open.start, end: close.end };
    }
    if (this.accept('keyword', 'EXISTS')) {
      const path = this.objectPath();
      return {
        k: 'test',
        ...path,
        negated: false,
        operator: 'EXISTS',
        values: [],
        start: open.start,
        end: path.end,
      };
    }
    const path = this.objectPath();
    const negated = this.accept('keyword', 'NOT') !== undefined;
    const op = this.token;
    if (op.kind === 'op') {
      this.pos++;
      const value = this.expect('literal', undefined, 'a value');
      return this.makeTest(path, negated, op.text, [value], open.start, value.end);
    }
    if (op.kind === 'keyword' && ['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET'].includes(op.text)) {
      this.pos++;
      const value = this.expect('literal', undefined, 'a string');
      return this.makeTest(path, negated, op.text, [value], open.start, value.end);
    }
    if (this.accept('keyword', 'IN')) {
      this.expect('punct', '(');
      const values: Token[] = [];
      if (!this.is('punct', ')')) {
        do values.push(this.expect('literal', undefined, 'a value'));
        while (this.accept('punct', ','));
      }
      const close = this.expect('punct', ')');
      return this.makeTest(path, negated, 'IN', values, open.start, close.end);
    }
    throw new PatternSyntaxError(`expected a comparison operator, found '${op.text}'`, op.start);
  }

  private makeTest(
    path: { objectType: string; path: (string | number | '*')[]; pathText: string },
    negated: boolean,
    operator: string,
    values: Token[],
    start: number,
    end: number,
  ): Node {
    return {
      k: 'test',
      ...path,
      negated,
      operator,
      values: values.map((v) => v.literal as Literal),
      start,
      end,
    };
  }

  private objectPath(): {
    objectType: string;
    path: (string | number | '*')[];
    pathText: string;
    end: number;
  } {
    const type = this.expect('ident', undefined, 'an object type');
    this.expect('punct', ':');
    const path: (string | number | '*')[] = [this.pathKey()];
    for (;;) {
      if (this.accept('punct', '.')) path.push(this.pathKey());
      else if (this.accept('punct', '[')) {
        if (this.accept('punct', '*')) path.push('*');
        else {
          const index = this.expect('literal', undefined, 'an index');
          if (index.literal?.kind !== 'number' || !/^[+-]?\d+$/.test(index.text))
            throw new PatternSyntaxError(`expected an index, found '${index.text}'`, index.start);
          path.push(Number(index.text));
        }
        this.expect('punct', ']');
      } else break;
    }
    const end = (this.tokens[this.pos - 1] as Token).end;
    const pathText = this.tokens
      .slice(this.tokens.indexOf(type), this.pos)
      .map((t) => t.text)
      .join('');
    return { objectType: type.text, path, pathText, end };
  }

  private pathKey(): string {
    const t = this.token;
    if (t.kind === 'ident' || t.kind === 'keyword') {
      this.pos++;
      return t.text;
    }
    if (t.kind === 'literal' && t.literal?.kind === 'string') {
      this.pos++;
      return t.literal.value;
    }
    throw new PatternSyntaxError(`expected a property name, found '${t.text}'`, t.start);
  }
}
