import { toJavaString, type Value } from '../../values.js';
import { castString, convertInt, iterableOf } from '../coerce.js';
import { fail } from '../types.js';
import { RegexSyntaxError, RegexTranslator } from './java-regex-translator.js';

/**
 * Java regular expressions as Metron's RegExFunctions use them: a pattern is translated to
 * JavaScript once (see java-regex-translator.ts) and cached, so a rule's regex costs a lookup per
 * event; `replaceAll` follows `Matcher.appendReplacement`'s syntax for `$n`, `${name}` and `\x`.
 */

/** A Java pattern compiled to JavaScript: `matches()` and `find()` forms plus group mapping. */
export interface JavaPattern {
  /** Anchored at both ends: Java's `Matcher.matches()`. */
  readonly full: RegExp;
  /** Global: Java's `find()` loop, as `replaceAll` runs it. */
  readonly find: RegExp;
  /** Java's `groupCount()`. */
  readonly groupCount: number;
  /** The JavaScript group index of each Java group (index 0 is the whole match). */
  readonly jsGroup: readonly number[];
  /** Named groups: name → Java group number. */
  readonly names: ReadonlyMap<string, number>;
  /** Parsed `replaceAll` replacement strings, by text. */
  readonly replacements: Map<string, Replacement>;
}

const LEADING_FLAGS = /^\(\?([idmsuxU]*)(?:-([idmsuxU]*))?\)/;
const TURNS_OFF_CASE = /\(\?[idmsuxU]*-[idmsuxU]*i/;
const BACK_REFERENCE = /\\[1-9]|\\k</;

/**
 * Whether a pattern can use JavaScript's `i` flag: it must be case-insensitive from its first
 * token and never switch back. Java's plain `(?i)` folds ASCII only, while JavaScript's `i`
 * folds Unicode (é/É, the Kelvin sign K/k), so plain `(?i)` expands letters instead — unless
 * the pattern has back references, which only the flag makes case-insensitive.
 */
function usesJsIgnoreCase(pattern: string): boolean {
  const m = LEADING_FLAGS.exec(pattern);
  const on = m?.[1] ?? '';
  if (!on.includes('i') || (m?.[2] ?? '').includes('i') || TURNS_OFF_CASE.test(pattern)) return false;
  return /[uU]/.test(on) || BACK_REFERENCE.test(pattern);
}

const PATTERN_CACHE = new Map<string, JavaPattern>();
const PATTERN_CACHE_SIZE = 1000;

/** Compile (once, then from the cache) a Java regex; a syntax error is a Stellar error. */
export function javaPattern(pattern: string): JavaPattern {
  const cached = PATTERN_CACHE.get(pattern);
  if (cached !== undefined) return cached;
  const jsIgnoreCase = usesJsIgnoreCase(pattern);
  const t = new RegexTranslator(pattern, jsIgnoreCase);
  let compiled: JavaPattern;
  try {
    const source = t.run();
    const flags = jsIgnoreCase ? 'vi' : 'v';
    compiled = {
      full: new RegExp(`^(?:${source})$`, flags),
      find: new RegExp(source, `${flags}g`),
      groupCount: t.groupCount,
      jsGroup: t.jsGroup,
      names: t.names,
      replacements: new Map(),
    };
  } catch (e) {
    if (e instanceof RegexSyntaxError || e instanceof SyntaxError) {
      return fail(`invalid regular expression '${pattern}': ${e.message}`);
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
  return input.replace(p.find, (...m: unknown[]) => {
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
  if (typeof patterns === 'string') return javaPattern(patterns).full.test(str);
  const list = iterableOf(patterns);
  if (list === undefined) return false;
  for (const p of list) if (p !== null && javaPattern(toJavaString(p)).full.test(str)) return true;
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
  const m = p.full.exec(str);
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
