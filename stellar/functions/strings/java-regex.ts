import { compileJavaRegex, type JavaRegex, JavaRegexError } from '#core';
import { toJavaString, type Value } from '../../values.js';
import { castString, convertInt, iterableOf } from '../coerce.js';
import { fail } from '../types.js';

/**
 * Java regular expressions as Metron's RegExFunctions use them: a pattern is translated to
 * JavaScript once (by core's Java regex translator) and cached, so a rule's regex costs a lookup
 * per event; `replaceAll` follows `Matcher.appendReplacement`'s syntax for `$n`, `${name}` and `\x`.
 */

/** A Java pattern compiled by core, with what Stellar's functions add: a global `find()` loop and parsed replacements. */
export interface JavaPattern extends JavaRegex {
  /** Global: Java's `find()` loop, as `replaceAll` runs it. */
  readonly findAll: RegExp;
  /** Parsed `replaceAll` replacement strings, by text. */
  readonly replacements: Map<string, Replacement>;
}

const PATTERN_CACHE = new Map<string, JavaPattern>();
const PATTERN_CACHE_SIZE = 1000;

/** Compile (once, then from the cache) a Java regex; a syntax error is a Stellar error. */
export function javaPattern(pattern: string): JavaPattern {
  const cached = PATTERN_CACHE.get(pattern);
  if (cached !== undefined) return cached;
  let compiled: JavaPattern;
  try {
    const r = compileJavaRegex(pattern);
    compiled = { ...r, findAll: new RegExp(r.source, `${r.flags}g`), replacements: new Map() };
  } catch (e) {
    if (e instanceof JavaRegexError) {
      return fail(`invalid regular expression '${pattern}': ${e.description} near index ${e.index}`);
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
  return input.replace(p.findAll, (...m: unknown[]) => {
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
// REGEXP_MATCH, REGEXP_GROUP_VAL and REGEXP_REPLACE

export function regexpMatch(args: readonly Value[]): boolean {
  const str = castString('REGEXP_MATCH', args[0]);
  const patterns = args[1];
  if (str === null || patterns === null || patterns === undefined) return false;
  if (typeof patterns === 'string') return javaPattern(patterns).whole.test(str);
  const list = iterableOf(patterns);
  if (list === undefined) return false;
  for (const p of list) if (p !== null && javaPattern(toJavaString(p)).whole.test(str)) return true;
  return false;
}

export function regexpGroupVal(args: readonly Value[]): Value {
  const pattern = castString('REGEXP_GROUP_VAL', args[1]);
  const str = castString('REGEXP_GROUP_VAL', args[0]);
  const group = convertInt(args[2]);
  if (group === null) return null;
  if (group === 0) return str;
  if (str === null || pattern === null) return null;
  const p = javaPattern(pattern);
  const m = p.whole.exec(str);
  if (m === null || p.groupCount === 0 || p.groupCount < group) return null;
  if (group < 0) return fail(`REGEXP_GROUP_VAL: No group ${group}`);
  return m[p.jsGroup[group] as number] ?? null;
}

export function regexpReplace(args: readonly Value[]): Value {
  const str = castString('REGEXP_REPLACE', args[0]);
  const pattern = castString('REGEXP_REPLACE', args[1]);
  const value = castString('REGEXP_REPLACE', args[2]);
  if (str === null || str === '') return null;
  if (pattern === null || pattern === '' || value === null || value === '') return str;
  return javaReplaceAll(str, javaPattern(pattern), value);
}
