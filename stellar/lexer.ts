import { type Span, StellarError } from './diagnostics.js';
import type { NumKind } from './values.js';

/**
 * Stellar's tokens, as Metron's grammar (Stellar.g4) defines them: keywords in all-lower or
 * all-upper case only (`if`/`IF`, not `If`); identifiers that may hold `.` and `:` (not at
 * the end), so `enrichments.geo.ip_dst_addr.country` is one name; numbers with Java's
 * suffixes (`1L`, `1.5f`, `2e3d`); strings in either quote with `\' \" \\ \n \r \t`; `//`
 * comments to the end of the line.
 *
 * A `-` right before a digit belongs to the number only where an operand is expected, so
 * `a-1` is a subtraction (Metron's lexer would read `-1` and then fail to parse).
 */

export type TokenKind =
  | 'number'
  | 'string'
  | 'ident'
  | 'in'
  | 'not in'
  | 'and'
  | 'or'
  | 'not'
  | 'true'
  | 'false'
  | 'if'
  | 'then'
  | 'else'
  | 'null'
  | 'NaN'
  | 'match'
  | 'default'
  | 'exists'
  | '->'
  | '=>'
  | ','
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '?'
  | ':'
  | '-'
  | '+'
  | '/'
  | '*'
  | '{'
  | '}'
  | '['
  | ']'
  | '('
  | ')'
  | 'eof';

export interface Token {
  kind: TokenKind;
  span: Span;
  /** Identifier name, string contents, or the number's text. */
  text: string;
  /** Numbers: the value and Java kind. */
  value?: number;
  numKind?: NumKind;
}

const KEYWORDS: ReadonlyMap<string, TokenKind> = new Map(
  (
    [
      'in',
      'and',
      'or',
      'not',
      'true',
      'false',
      'if',
      'then',
      'else',
      'null',
      'match',
      'default',
      'exists',
    ] as const
  ).map((k) => [k, k]),
);

/** A keyword when the word is one in all-lower or all-upper case; `NaN` exactly. */
function keyword(word: string): TokenKind | undefined {
  if (word === 'NaN') return 'NaN';
  const lower = word.toLowerCase();
  const kind = KEYWORDS.get(lower);
  return kind && (word === lower || word === word.toUpperCase()) ? kind : undefined;
}

const PUNCTUATION: readonly TokenKind[] = [
  '->',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  ',',
  '<',
  '>',
  '?',
  ':',
  '-',
  '+',
  '/',
  '*',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
] as TokenKind[];

const NUMBER = /(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[dDfFlL]?/y;
const IDENT = /[a-zA-Z_$][a-zA-Z_.:0-9]*/y;
const INT_MAX = 2147483647;

/** Token kinds after which a `-` is subtraction, not a sign. */
const OPERAND_END = new Set<TokenKind>([
  'number',
  'string',
  'ident',
  'true',
  'false',
  'null',
  'NaN',
  ')',
  ']',
  '}',
]);

/** Split `source` into tokens (ending with `eof`); throws S101 on what no token can start with. */
export function lex(source: string): Token[] {
  const tokens: Token[] = [];
  const fail = (message: string, start: number, end: number): never => {
    throw new StellarError('S101', message, { start, end }, source);
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '/') {
      const nl = source.indexOf('\n', i);
      i = nl < 0 ? source.length : nl + 1;
      continue;
    }
    if (c === "'" || c === '"') {
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= source.length) fail('unterminated string', start, source.length);
        const d = source[i] as string;
        if (d === c) break;
        if (d === '\\') {
          const e = source[i + 1];
          if (e === undefined) fail('unterminated string', start, source.length);
          const escaped =
            e === 'n'
              ? '\n'
              : e === 'r'
                ? '\r'
                : e === 't'
                  ? '\t'
                  : e === "'" || e === '"' || e === '\\'
                    ? e
                    : undefined;
          if (escaped === undefined)
            fail(`invalid escape \\${e ?? ''} (use \\' \\" \\\\ \\n \\r \\t)`, i, i + 2);
          text += escaped;
          i += 2;
          continue;
        }
        text += d;
        i++;
      }
      i++;
      tokens.push({ kind: 'string', span: { start, end: i }, text });
      continue;
    }
    const prev = tokens[tokens.length - 1]?.kind;
    const signed = c === '-' && !(prev && OPERAND_END.has(prev)) && /[\d.]/.test(source[i + 1] ?? '');
    if (/\d/.test(c) || (c === '.' && /\d/.test(source[i + 1] ?? '')) || signed) {
      const start = i;
      NUMBER.lastIndex = signed ? i + 1 : i;
      const m = NUMBER.exec(source);
      if (m) {
        i = NUMBER.lastIndex;
        tokens.push(number(source.slice(start, i), { start, end: i }, source));
        continue;
      }
    }
    if (/[a-zA-Z_$]/.test(c)) {
      const start = i;
      IDENT.lastIndex = i;
      let word = (IDENT.exec(source) as RegExpExecArray)[0];
      // An identifier may not end in ':' (so `{k:v}` and `x:y` in maps read as expected).
      while (word.endsWith(':')) word = word.slice(0, -1);
      i = start + word.length;
      const kind = keyword(word);
      const nin = word === 'not' ? ' in' : word === 'NOT' ? ' IN' : undefined;
      if (nin && source.startsWith(nin, i) && !/[a-zA-Z_.:0-9$]/.test(source[i + 3] ?? '')) {
        i += 3;
        tokens.push({ kind: 'not in', span: { start, end: i }, text: source.slice(start, i) });
        continue;
      }
      tokens.push({ kind: kind ?? 'ident', span: { start, end: i }, text: word });
      continue;
    }
    const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (punct) {
      const kind: TokenKind = (punct as string) === '&&' ? 'and' : (punct as string) === '||' ? 'or' : punct;
      tokens.push({ kind, span: { start: i, end: i + punct.length }, text: punct });
      i += punct.length;
      continue;
    }
    fail(`unexpected character '${c}'`, i, i + 1);
  }
  tokens.push({ kind: 'eof', span: { start: source.length, end: source.length }, text: '' });
  return tokens;
}

/** A number token with its Java kind: `L` long, `f` float, `.`/exponent/`d` double, else int. */
function number(text: string, span: Span, source: string): Token {
  const suffix = text[text.length - 1]?.toLowerCase();
  const body = suffix === 'l' || suffix === 'f' || suffix === 'd' ? text.slice(0, -1) : text;
  const floating = /[.eE]/.test(body);
  let numKind: NumKind;
  if (suffix === 'l') {
    if (floating) throw new StellarError('S101', `invalid long literal ${text}`, span, source);
    numKind = 'long';
  } else if (suffix === 'f') numKind = 'float';
  else if (suffix === 'd' || floating) numKind = 'double';
  else numKind = 'int';
  let value = Number(body);
  if (numKind === 'float') value = Math.fround(value);
  if (numKind === 'int' && Math.abs(value) > INT_MAX + (value < 0 ? 1 : 0)) {
    throw new StellarError(
      'S101',
      `integer literal ${text} is out of range (write ${text}L for a long)`,
      span,
      source,
    );
  }
  return { kind: 'number', span, text, value, numKind };
}
