import type { BinaryOp, Node } from './ast.js';
import { type Span, StellarError } from './diagnostics.js';
import { lex, type Token, type TokenKind } from './lexer.js';

/**
 * A hand-written recursive-descent parser for Metron's Stellar grammar. From loosest to
 * tightest:
 *
 *     expr        if L then expr else expr | L ? expr : expr | match{…} | lambda | L
 *     L (logic)   in-expr (and|or) L          and/or share one level, right-associative, as in Stellar.g4
 *     in-expr     comparison (in|not in) in-expr | comparison
 *                 so `'grok' in 'grokbar' == true` is `'grok' in ('grokbar' == true)`
 *     comparison  additive ((==|!=|<|<=|>|>=) additive)*
 *     additive    term ((+|-) term)*
 *     term        primary ((*|/) primary)*
 *     primary     literal | [list] | {map} | f(args) | variable | exists(v) | not(expr) | (expr)
 *
 * Limits keep a hostile rule from exhausting the stack or memory: nesting depth and node count.
 */

export interface ParseLimits {
  /** Deepest nesting of expressions (default 200). */
  maxDepth: number;
  /** Most nodes in the tree (default 20,000). */
  maxNodes: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxDepth: 200, maxNodes: 20_000 };

const COMPARISONS = new Set<TokenKind>(['==', '!=', '<', '<=', '>', '>=']);
const ADDITIVE = new Set<TokenKind>(['+', '-']);
const MULTIPLICATIVE = new Set<TokenKind>(['*', '/']);

const DESCRIBE: Partial<Record<TokenKind, string>> = {
  eof: 'the end of the expression',
  number: 'a number',
  string: 'a string',
  ident: 'a name',
};

/** Parse a Stellar expression; throws a {@link StellarError} (S101, S102 or S105). */
export function parse(source: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Node {
  return new Parser(source, lex(source), limits).parseAll();
}

class Parser {
  private pos = 0;
  private depth = 0;
  private nodes = 0;
  private inMatch = false;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
    private readonly limits: ParseLimits,
  ) {}

  parseAll(): Node {
    const node = this.expr();
    const t = this.peek();
    if (t.kind !== 'eof') this.unexpected(t, 'an operator or the end of the expression');
    return node;
  }

  // --- token helpers ---

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private accept(kind: TokenKind): Token | undefined {
    return this.peek().kind === kind ? this.next() : undefined;
  }

  private expect(kind: TokenKind, what = `'${kind}'`): Token {
    const t = this.peek();
    if (t.kind !== kind) this.unexpected(t, what);
    return this.next();
  }

  private unexpected(t: Token, expected: string): never {
    const found = DESCRIBE[t.kind] ?? `'${t.text}'`;
    throw new StellarError('S102', `expected ${expected}, found ${found}`, t.span, this.source);
  }

  private node<N extends Node>(n: N): N {
    if (++this.nodes > this.limits.maxNodes) {
      throw new StellarError(
        'S105',
        `expression has more than ${this.limits.maxNodes} nodes`,
        n.span,
        this.source,
      );
    }
    return n;
  }

  private span(start: Span, end: Span): Span {
    return { start: start.start, end: end.end };
  }

  private enter(t: Token): void {
    if (++this.depth > this.limits.maxDepth) {
      throw new StellarError(
        'S105',
        `expression nests deeper than ${this.limits.maxDepth}`,
        t.span,
        this.source,
      );
    }
  }

  // --- grammar ---

  private expr(): Node {
    const t = this.peek();
    this.enter(t);
    try {
      if (t.kind === 'if') return this.ifThenElse();
      if (t.kind === 'match') return this.match();
      const lambda = this.lambda();
      if (lambda) return lambda;
      const test = this.logical();
      if (this.accept('?')) {
        const then = this.expr();
        this.expect(':', "':' of the ternary");
        const otherwise = this.expr();
        return this.node({
          type: 'conditional',
          test,
          then,
          else: otherwise,
          span: this.span(test.span, otherwise.span),
        });
      }
      return test;
    } finally {
      this.depth--;
    }
  }

  private ifThenElse(): Node {
    const start = this.next();
    const test = this.logical();
    this.expect('then', "'then'");
    const then = this.expr();
    this.expect('else', "'else'");
    const otherwise = this.expr();
    return this.node({
      type: 'conditional',
      test,
      then,
      else: otherwise,
      span: this.span(start.span, otherwise.span),
    });
  }

  private match(): Node {
    const start = this.next();
    // Metron does not support a match inside a match; neither do we, so rules stay portable.
    if (this.inMatch) {
      throw new StellarError('S102', 'a match inside a match is not supported', start.span, this.source);
    }
    this.inMatch = true;
    try {
      return this.matchBody(start);
    } finally {
      this.inMatch = false;
    }
  }

  private matchBody(start: Token): Node {
    this.expect('{', "'{' after match");
    const clauses: { test: Node; value: Node }[] = [];
    let fallback: Node | undefined;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'default') {
        this.next();
        this.arrow();
        fallback = this.expr();
      } else {
        if (fallback) this.unexpected(t, "'}': default must be the last clause");
        const test = this.expr();
        this.arrow();
        clauses.push({ test, value: this.expr() });
      }
      if (!this.accept(',')) break;
    }
    const end = this.expect('}', "',' or '}' in match");
    if (!fallback) {
      throw new StellarError('S102', 'match needs a default clause: default => …', end.span, this.source);
    }
    return this.node({ type: 'match', clauses, fallback, span: this.span(start.span, end.span) });
  }

  private arrow(): void {
    this.expect('=>', "'=>'");
  }

  /** A lambda if one starts here: `x -> e`, `() -> e`, `(a, b) -> e`. */
  private lambda(): Node | undefined {
    const t = this.peek();
    let params: string[] | undefined;
    if (t.kind === 'ident' && this.peek(1).kind === '->') {
      params = [t.text];
      this.pos += 2;
    } else if (t.kind === '(') {
      const names: string[] = [];
      let i = 1;
      if (this.peek(i).kind !== ')') {
        for (;;) {
          const p = this.peek(i);
          if (p.kind !== 'ident') return undefined;
          names.push(p.text);
          i++;
          if (this.peek(i).kind === ',') i++;
          else break;
        }
      }
      if (this.peek(i).kind !== ')' || this.peek(i + 1).kind !== '->') return undefined;
      params = names;
      this.pos += i + 2;
    }
    if (!params) return undefined;
    const body = this.expr();
    return this.node({ type: 'lambda', params, body, span: this.span(t.span, body.span) });
  }

  private logical(): Node {
    const left = this.inExpr();
    const t = this.peek();
    if (t.kind !== 'and' && t.kind !== 'or') return left;
    this.next();
    this.enter(t);
    try {
      const right = this.logical();
      return this.node({ type: 'logical', op: t.kind, left, right, span: this.span(left.span, right.span) });
    } finally {
      this.depth--;
    }
  }

  private inExpr(): Node {
    const item = this.comparison();
    const t = this.peek();
    if (t.kind !== 'in' && t.kind !== 'not in') return item;
    this.next();
    this.enter(t);
    try {
      const collection = this.inExpr();
      return this.node({
        type: 'in',
        negated: t.kind === 'not in',
        item,
        collection,
        span: this.span(item.span, collection.span),
      });
    } finally {
      this.depth--;
    }
  }

  private comparison(): Node {
    return this.leftAssociative(COMPARISONS, () => this.additive());
  }

  private additive(): Node {
    return this.leftAssociative(ADDITIVE, () => this.term());
  }

  private term(): Node {
    return this.leftAssociative(MULTIPLICATIVE, () => this.primary());
  }

  /** One level of left-associative binary operators: `operand (op operand)*`. */
  private leftAssociative(ops: ReadonlySet<TokenKind>, operand: () => Node): Node {
    let left = operand();
    while (ops.has(this.peek().kind)) {
      const op = this.next();
      const right = operand();
      left = this.node({
        type: 'binary',
        op: op.kind as BinaryOp,
        left,
        right,
        span: this.span(left.span, right.span),
        opSpan: op.span,
      });
    }
    return left;
  }

  private primary(): Node {
    const t = this.peek();
    this.enter(t);
    try {
      return this.primaryInner(t);
    } finally {
      this.depth--;
    }
  }

  private primaryInner(t: Token): Node {
    switch (t.kind) {
      case 'number':
        this.next();
        return this.node({
          type: 'number',
          value: t.value as number,
          kind: t.numKind ?? 'int',
          span: t.span,
        });
      case 'NaN':
        this.next();
        return this.node({ type: 'number', value: Number.NaN, kind: 'double', span: t.span });
      case 'string':
        this.next();
        return this.node({ type: 'literal', value: t.text, span: t.span });
      case 'true':
      case 'false':
        this.next();
        return this.node({ type: 'literal', value: t.kind === 'true', span: t.span });
      case 'null':
        this.next();
        return this.node({ type: 'literal', value: null, span: t.span });
      case '[':
        return this.list();
      case '{':
        return this.map();
      case 'exists': {
        this.next();
        this.expect('(', "'(' after exists");
        const name = this.expect('ident', 'a variable name');
        const end = this.expect(')', "')'");
        return this.node({ type: 'exists', name: name.text, span: this.span(t.span, end.span) });
      }
      case 'not': {
        this.next();
        if (this.peek().kind !== '(') this.unexpected(this.peek(), "'(' after not (write not(...))");
        this.next();
        const operand = this.expr();
        const end = this.expect(')', "')'");
        return this.node({ type: 'not', operand, span: this.span(t.span, end.span) });
      }
      case 'ident': {
        this.next();
        if (this.peek().kind === '(') return this.call(t);
        return this.node({ type: 'variable', name: t.text, span: t.span });
      }
      case '(': {
        this.next();
        const inner = this.expr();
        this.expect(')', "')'");
        return inner;
      }
      case '-':
        throw new StellarError(
          'S102',
          "a '-' sign applies only to a number literal (write 0 - x)",
          t.span,
          this.source,
        );
      case 'default':
        throw new StellarError('S102', "'default' is only allowed as a match clause", t.span, this.source);
      default:
        return this.unexpected(t, 'a value');
    }
  }

  private call(name: Token): Node {
    this.next();
    const args: Node[] = [];
    if (this.peek().kind !== ')') {
      do args.push(this.expr());
      while (this.accept(','));
    }
    const end = this.expect(')', `',' or ')' in the arguments of ${name.text}`);
    return this.node({
      type: 'call',
      name: name.text,
      nameSpan: name.span,
      args,
      span: this.span(name.span, end.span),
    });
  }

  private list(): Node {
    const start = this.next();
    const items: Node[] = [];
    if (this.peek().kind !== ']') {
      do items.push(this.expr());
      while (this.accept(','));
    }
    const end = this.expect(']', "',' or ']' in the list");
    return this.node({ type: 'list', items, span: this.span(start.span, end.span) });
  }

  private map(): Node {
    const start = this.next();
    const entries: { key: Node; value: Node }[] = [];
    if (this.peek().kind !== '}') {
      do {
        const key = this.logical();
        this.expect(':', "':' after the map key");
        entries.push({ key, value: this.expr() });
      } while (this.accept(','));
    }
    const end = this.expect('}', "',' or '}' in the map");
    return this.node({ type: 'map', entries, span: this.span(start.span, end.span) });
  }
}
