/**
 * Stellar diagnostics: a stable code, a message, the span it is about, and a rendering with
 * the source line and a caret, like
 *
 *     error[S103]: unknown function TO_UPER (did you mean TO_UPPER?)
 *       |
 *     1 | TO_UPER(ip_src_addr)
 *       | ^^^^^^^
 *
 * Codes: S1xx are found before the rule runs (syntax, names, arity, limits), S2xx while it
 * runs (undefined variables, type errors, a function's own failure, the step budget).
 */

/** A half-open range of UTF-16 offsets into the source. */
export interface Span {
  start: number;
  end: number;
}

export const CODES = {
  /** A character or literal the lexer cannot read. */
  S101: 'invalid token',
  /** The tokens do not form an expression. */
  S102: 'syntax error',
  S103: 'unknown function',
  S104: 'wrong number of arguments',
  /** The rule exceeds the node or nesting limit. */
  S105: 'rule too large',
  /** A host function nobody bound (e.g. GEO_GET outside the enrichment stage). */
  S106: 'function not available here',
  S201: 'undefined variable',
  S202: 'type error',
  S203: 'division by zero',
  S204: 'function failed',
  S205: 'step budget exceeded',
  /** A predicate whose result is not a boolean. */
  S206: 'not a boolean',
} as const;

export type DiagnosticCode = keyof typeof CODES;

/** A Stellar error: compile-time (S1xx) or run-time (S2xx), with where it happened. */
export class StellarError extends Error {
  constructor(
    readonly code: DiagnosticCode,
    message: string,
    readonly span: Span | undefined,
    readonly source: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StellarError';
  }

  /** The message with its code, the source line and a caret under the span. */
  render(): string {
    const head = `error[${this.code}]: ${this.message}`;
    if (!this.span) return head;
    return `${head}\n${caret(this.source, this.span)}`;
  }
}

/** The lines of `source` the span touches (the first one), numbered, with carets under the span. */
export function caret(source: string, span: Span): string {
  const lineStart = source.lastIndexOf('\n', Math.max(0, span.start - 1)) + 1;
  const nl = source.indexOf('\n', span.start);
  const lineEnd = nl < 0 ? source.length : nl;
  const lineNo = source.slice(0, lineStart).split('\n').length;
  const gutter = String(lineNo);
  const pad = ' '.repeat(gutter.length);
  const from = span.start - lineStart;
  const width = Math.max(1, Math.min(span.end, lineEnd) - span.start);
  return `${pad} |\n${gutter} | ${source.slice(lineStart, lineEnd)}\n${pad} | ${' '.repeat(from)}${'^'.repeat(width)}`;
}

/** The candidate closest to `name` within a third of its length (at least 1, at most 3 edits). */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  const upper = name.toUpperCase();
  for (const c of candidates) {
    const d = editDistance(upper, c.toUpperCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
