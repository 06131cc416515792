import { isNumber, toJavaString, typeName, type Value } from '../../values.js';
import { castString, convertInt, intValue, iterableOf } from '../coerce.js';
import { fail } from '../types.js';

/**
 * The plain text functions' Java behaviour: commons-lang `StringUtils` (padding, affixes, chop,
 * chomp, countMatches), `String.substring` with its bounds errors, Guava's splitter and joiner as
 * Metron's SPLIT and JOIN use them, and the Shannon entropy of STRING_ENTROPY.
 */

/**
 * Shannon entropy in bits, summed in the order Java's `HashMap<Character, Integer>` iterates
 * (bucket by char code, then insertion), so the floating-point result matches Metron's bit for bit.
 */
export function stringEntropy(s: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let capacity = 16;
  while (counts.size > capacity * 0.75) capacity *= 2;
  const order = [...counts].sort((a, b) => (a[0] & (capacity - 1)) - (b[0] & (capacity - 1)));
  const log2 = Math.log(2);
  let h = 0;
  for (const [, count] of order) {
    const p = count / s.length;
    h -= (p * Math.log(p)) / log2;
  }
  return h;
}

/** commons-lang `leftPad`/`rightPad` with a single fill char. */
function pad1(input: string, size: number, fill: string, left: boolean): string {
  const n = size - input.length;
  if (n <= 0) return input;
  return left ? fill.repeat(n) + input : input + fill.repeat(n);
}

export function fill(fn: string, args: readonly Value[], left: boolean): Value {
  const [input, fillObj, lengthObj] = args;
  if (input === null || input === undefined) return null;
  if (fillObj === null || fillObj === undefined || lengthObj === null || lengthObj === undefined) {
    return fail(`${fn}: Required Length and Fill String are both required`);
  }
  const fillText = toJavaString(fillObj);
  if (fillText === '') return fail(`${fn}: The fill cannot be an empty string`);
  const length = convertInt(lengthObj);
  if (length === null) return fail(`${fn}: Required Length not a valid Integer: ${toJavaString(lengthObj)}`);
  return pad1(toJavaString(input), length, fillText.charAt(0), left);
}

/** commons-lang `prependIfMissing` / `appendIfMissing` with an optional extra affix. */
export function affixIfMissing(fn: string, args: readonly Value[], prepend: boolean): Value {
  const str = castString(fn, args[0]);
  const affix = castString(fn, args[1]);
  const extra = args.length > 2 ? castString(fn, args[2]) : undefined;
  const has = (a: string | null | undefined): boolean =>
    a !== null && a !== undefined && str !== null && (prepend ? str.startsWith(a) : str.endsWith(a));
  if (str === null || affix === null || affix === '' || has(affix) || has(extra)) return str;
  return prepend ? affix + str : str + affix;
}

/** SUBSTRING: Java's `substring(start[, end])` with Metron's argument checks; null for a null input or start. */
export function substring(args: readonly Value[]): Value {
  const [input, startObj, endObj] = args;
  if (input !== null && input !== undefined && typeof input !== 'string')
    return fail('SUBSTRING input must be a String');
  if (startObj !== null && startObj !== undefined && !isNumber(startObj))
    return fail('SUBSTRING start must be an Number');
  if (endObj !== null && endObj !== undefined && !isNumber(endObj))
    return fail('SUBSTRING end must be an Number');
  if (input === null || input === undefined || startObj === null || startObj === undefined) return null;
  if (input.length === 0) return input;
  const start = intValue(startObj);
  const end = endObj === null || endObj === undefined ? input.length : intValue(endObj);
  if (start < 0 || end > input.length || start > end) {
    return fail(
      `SUBSTRING: begin ${start}, end ${end}, length ${input.length} (StringIndexOutOfBoundsException)`,
    );
  }
  return input.slice(start, end);
}

/** commons-lang `StringUtils.chop`: drop the last char, or a trailing \r\n. */
export function chop(s: string): string {
  if (s.length < 2) return '';
  const last = s.length - 1;
  return s.charCodeAt(last) === 10 && s.charCodeAt(last - 1) === 13 ? s.slice(0, last - 1) : s.slice(0, last);
}

/** commons-lang `StringUtils.chomp`: drop one trailing \n, \r or \r\n. */
export function chomp(s: string): string {
  if (s.length === 0) return s;
  if (s.length === 1) return s === '\r' || s === '\n' ? '' : s;
  let end = s.length - 1;
  const last = s.charCodeAt(end);
  if (last === 10) {
    if (s.charCodeAt(end - 1) === 13) end--;
  } else if (last !== 13) end++;
  return s.slice(0, end);
}

/** commons-lang `countMatches`: non-overlapping occurrences; 0 when either side is empty or null. */
export function countMatches(s: string | null, sub: string | null): number {
  if (s === null || sub === null || s === '' || sub === '') return 0;
  let count = 0;
  let i = s.indexOf(sub);
  while (i >= 0) {
    count++;
    i = s.indexOf(sub, i + sub.length);
  }
  return count;
}

/** JOIN: the non-null elements of a list or set in their Java string form, between delimiters. */
export function join(args: readonly Value[]): string {
  const [list, delim] = args;
  const items = iterableOf(list);
  if (items === undefined)
    return fail(`JOIN: the first argument must be a list or set, got ${typeName(list ?? null)}`);
  if (typeof delim !== 'string')
    return fail(`JOIN: the delimiter must be a string, got ${typeName(delim ?? null)}`);
  let out = '';
  let first = true;
  for (const x of items) {
    if (x === null) continue;
    if (!first) out += delim;
    out += toJavaString(x);
    first = false;
  }
  return out;
}

/** SPLIT: on a literal, non-empty delimiter, keeping empty pieces (Guava `Splitter.on`). */
export function split(args: readonly Value[]): string[] {
  const [input, delim] = args;
  if (input === null || input === undefined) return [];
  if (typeof delim !== 'string')
    return fail(`SPLIT: the delimiter must be a string, got ${typeName(delim ?? null)}`);
  if (delim === '') return fail('SPLIT: The separator may not be the empty string.');
  return toJavaString(input).split(delim);
}
