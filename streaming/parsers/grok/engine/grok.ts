import { createContext, Script } from 'node:vm';
import {
  emitJavaRegex,
  type FieldValue,
  type ParsedJavaRegex,
  parseJavaRegex,
  tightenWildcards,
} from '#core';
import { isBlank, javaTrim } from './java-text.js';
import type { PatternLibrary } from './patterns.js';

/**
 * A grok expression compiled the way java-grok 0.1.0 (the version Metron ships) does it, then
 * run as one JavaScript regex:
 *
 * - `%{NAME}`, `%{NAME:field}` and `%{NAME=inline regex}` are expanded textually: the first
 *   reference left in the text is replaced, everywhere it occurs, by a named group around
 *   the pattern's definition, until none is left. A reference without a field name is captured
 *   under the pattern's own name (`%{CISCOTAG}` yields `CISCOTAG`).
 * - A field name may end in a type, `%{INT:port:int}` (`int`, `long`, `float`, `double`,
 *   `boolean`, `string`). Untyped values that read as a Java `int` become numbers, as
 *   java-grok 0.1.0 does (`"000"` → `0`, `"0.5"` stays a string); a value in matching quotes
 *   loses them.
 * - Matching is a search (Java's `find()`), not anchored; a blank line never matches.
 * - Every field of the expression is present in a match, `null` when its group did not take
 *   part; a name that occurs several times reads its first occurrence; fields named
 *   `UNWANTED` are dropped.
 * - Bounded time: an expression with several `DATA`/`GREEDYDATA` runs between delimiters can
 *   backtrack for seconds on a damaged line (in Java as here). Such an expression first runs a
 *   stricter twin whose runs cannot cross their delimiter (`tightenWildcards`): a line the twin
 *   matches is matched for real at once; a line it does not is searched in full, but for at most
 *   {@link GROK_MATCH_BUDGET_MS}, after which {@link GrokTimeout} says so.
 */

/** How long a full search may take once the quick twin has failed, in milliseconds. */
export const GROK_MATCH_BUDGET_MS = 100;

/** A search that ran out of its time budget: the record is an error, never a stalled worker. */
export class GrokTimeout extends Error {}

// The full search runs through node:vm, whose timeout can stop a regex mid-backtrack.
const SANDBOX = createContext({ regex: /(?:)/, text: '' });
const EXEC = new Script('regex.exec(text)');

function execWithin(regex: RegExp, text: string, ms: number): RegExpExecArray | null {
  SANDBOX.regex = regex;
  SANDBOX.text = text;
  try {
    return EXEC.runInContext(SANDBOX, { timeout: ms }) as RegExpExecArray | null;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new GrokTimeout(`matching took over ${ms} ms (the pattern backtracks too much on this line)`);
    }
    throw e;
  } finally {
    SANDBOX.text = '';
  }
}

/** A value type a field name may end with. */
export type GrokType = 'int' | 'long' | 'float' | 'double' | 'boolean' | 'string';
const TYPES: ReadonlySet<string> = new Set<GrokType>(['int', 'long', 'float', 'double', 'boolean', 'string']);

/** java-grok's reference syntax (`[A-z]` includes `_` and a few punctuation marks, as in Java). */
const REFERENCE = /%\{([A-z0-9]+)(?::([A-z0-9_:@]+))?(?:=([^{}]+))?\}/;
/** java-grok gives up after this many expansions (a pattern that refers to itself). */
const MAX_EXPANSIONS = 1000;
/** Expanded expressions larger than this are refused rather than compiled. */
const MAX_REGEX_LENGTH = 4 * 1024 * 1024;

interface Field {
  key: string;
  group: number;
  type: GrokType | undefined;
}

/** A problem in a grok expression or its patterns, found at compile time. */
export class GrokError extends Error {}

/** A compiled grok expression. */
export class Grok {
  private constructor(
    /** The expression it was compiled from, e.g. `%{YAF_DELIMITED}`. */
    readonly expression: string,
    /** The JavaScript regex it runs. */
    readonly regex: RegExp,
    private readonly fields: readonly Field[],
    /** Fields typed `float` or `double` (so the lake keeps them floating point even when integral). */
    readonly floatingKeys: ReadonlySet<string>,
    /** The stricter twin tried first, when the expression has runs to tighten. */
    private readonly quick: RegExp | undefined,
  ) {}

  /** Compile `expression` against `library`. Throws {@link GrokError} naming what is wrong. */
  static compile(expression: string, library: PatternLibrary): Grok {
    const patterns = new Map(library);
    const names = new Map<string, string>();
    let regex = expression;
    for (let index = 0; ; index++) {
      const m = REFERENCE.exec(regex);
      if (!m) break;
      if (index >= MAX_EXPANSIONS) {
        throw new GrokError(
          `${expression}: more than ${MAX_EXPANSIONS} pattern expansions (does a pattern refer to itself?)`,
        );
      }
      const [whole, name, field, inline] = m as unknown as [
        string,
        string,
        string | undefined,
        string | undefined,
      ];
      if (inline !== undefined) patterns.set(name, inline);
      const definition = patterns.get(name);
      if (definition === undefined)
        throw new GrokError(`${expression}: unknown pattern %{${name}}${hint(name, patterns)}`);
      const group = `name${index}`;
      names.set(group, field ?? name);
      regex = regex.split(whole).join(`(?<${group}>${definition})`);
      if (regex.length > MAX_REGEX_LENGTH) {
        throw new GrokError(`${expression}: expands to more than ${MAX_REGEX_LENGTH} characters`);
      }
    }
    let parsed: ParsedJavaRegex;
    try {
      // java-grok compiles with named-regexp, which takes any group name and lets one repeat.
      parsed = parseJavaRegex(regex, { groupNames: 'named-regexp' });
    } catch (e) {
      throw new GrokError(`${expression}: ${(e as Error).message}`);
    }
    // java-grok puts each named group's value under its field in order of first appearance, so
    // when two groups share a field the later one wins (even with null).
    const owners = new Map<string, { group: string; type: GrokType | undefined }>();
    const seen = new Set<string>();
    for (const group of parsed.names) {
      if (seen.has(group)) continue;
      seen.add(group);
      const { key, type } = splitType(names.get(group) ?? group);
      owners.delete(key);
      owners.set(key, { group, type });
    }
    owners.delete('UNWANTED');
    const emitted = emitJavaRegex(parsed, new Set([...owners.values()].map((o) => o.group)));
    let compiled: RegExp;
    try {
      compiled = new RegExp(emitted.source, emitted.flags);
    } catch (e) {
      throw new GrokError(`${expression}: the translated regex does not compile: ${(e as Error).message}`);
    }
    const fields: Field[] = [];
    const floating = new Set<string>();
    for (const [key, { group, type }] of owners) {
      fields.push({ key, group: emitted.groups.get(group) as number, type });
      if (type === 'float' || type === 'double') floating.add(key);
    }
    const tight = tightenWildcards(parsed);
    let quick: RegExp | undefined;
    if (tight !== undefined) {
      const twin = emitJavaRegex(tight, new Set());
      quick = new RegExp(twin.source, twin.flags);
    }
    return new Grok(expression, compiled, fields, floating, quick);
  }

  /** The fields of a match, or undefined when the text does not match. Throws {@link GrokTimeout}. */
  match(text: string): Record<string, FieldValue> | undefined {
    if (isBlank(text)) return undefined;
    const m =
      this.quick === undefined || this.quick.test(text)
        ? this.regex.exec(text)
        : execWithin(this.regex, text, GROK_MATCH_BUDGET_MS);
    if (!m) return undefined;
    const out: Record<string, FieldValue> = {};
    for (const f of this.fields) {
      const v = m[f.group];
      out[f.key] = v === undefined ? null : convert(v, f.type);
    }
    return out;
  }
}

function hint(name: string, patterns: PatternLibrary): string {
  const upper = name.toUpperCase();
  const near = [...patterns.keys()].find((k) => k.toUpperCase() === upper);
  return near ? ` (did you mean %{${near}}?)` : '';
}

/** `port:int` → key `port`, type int; a suffix that is not a type stays part of the key. */
function splitType(spec: string): { key: string; type: GrokType | undefined } {
  const at = spec.lastIndexOf(':');
  if (at > 0) {
    const type = spec.slice(at + 1);
    if (TYPES.has(type)) return { key: spec.slice(0, at), type: type as GrokType };
  }
  return { key: spec, type: undefined };
}

const INTEGER = /^[+-]?\d+$/;
const FLOATING = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Java's `Integer.parseInt`, or undefined where it throws. */
export function javaInt(s: string): number | undefined {
  if (!INTEGER.test(s)) return undefined;
  const n = Number(s);
  return n >= INT_MIN && n <= INT_MAX ? n + 0 : undefined;
}

/** A captured string as its field value: typed conversion, or java-grok 0.1.0's int-or-unquoted rule. */
function convert(v: string, type: GrokType | undefined): FieldValue {
  switch (type) {
    case undefined:
      return javaInt(v) ?? unquote(v);
    case 'string':
      return unquote(v);
    case 'int':
      return javaInt(v) ?? v;
    case 'long': {
      if (!INTEGER.test(v)) return v;
      const n = Number(v);
      return Number.isSafeInteger(n) ? n + 0 : v;
    }
    case 'float':
    case 'double': {
      // Java's parse trims ASCII control characters and spaces.
      const t = javaTrim(v);
      if (!FLOATING.test(t)) return v;
      const n = Number(t.replace(/[fFdD]$/, ''));
      return Number.isFinite(n) ? n : v;
    }
    case 'boolean':
      return v.toLowerCase() === 'true';
  }
}

/** java-grok strips one pair of matching double or single quotes around a value. */
function unquote(v: string): string {
  if (v.length < 2) return v;
  const first = v[0];
  if ((first === '"' || first === "'") && v[v.length - 1] === first) return v.slice(1, -1);
  return v;
}
