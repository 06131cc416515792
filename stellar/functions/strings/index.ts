import { double, type NumKind, toJavaString, type Value } from '../../values.js';
import { castString, convertNumber, firstIfCollection, javaTrim } from '../coerce.js';
import type { FunctionDef, FunctionExample, ParamDef } from '../types.js';
import { fuzzy, JAVA_LANGUAGE_TAGS } from './fuzzy.js';
import { format } from './java-format.js';
import { regexpGroupVal, regexpMatch, regexpReplace } from './java-regex.js';
import { parseJsonArg } from './json.js';
import {
  affixIfMissing,
  chomp,
  chop,
  countMatches,
  fill,
  join,
  split,
  stringEntropy,
  substring,
} from './text.js';

/**
 * Stellar's string, regex, conversion and JSON functions: Metron's StringFunctions,
 * TextFunctions, RegExFunctions and ConversionFunctions. This file holds the definitions; the
 * Java library behaviour they inherit lives beside it — `String.format` (java-format.ts),
 * `java.util.regex` (java-regex.ts), commons-lang `StringUtils` (text.ts), commons-text
 * `FuzzyScore` (fuzzy.ts), Jackson's JSON typing (json.ts) — and commons-beanutils number
 * conversion is shared with other families in ../coerce.ts.
 */

interface Spec {
  name: string;
  family: 'string' | 'regex' | 'conversion';
  description: string;
  params: readonly ParamDef[];
  returns: string;
  examples: readonly FunctionExample[];
  call: (args: readonly Value[]) => Value;
}

const define = (s: Spec): FunctionDef => ({ ...s, namespace: '', pure: true });

const STRING: ParamDef = {
  name: 'input',
  description: 'the string (any other value is converted with Java toString)',
};

/** A function of its argument's Java string form (TO_LOWER, TRIM, …); null stays null. */
const ofJavaString =
  (f: (s: string) => Value) =>
  ([x]: readonly Value[]): Value =>
    x === null || x === undefined ? null : f(toJavaString(x));

/** A function of its argument cast to a string (CHOP, CHOMP): null stays null, a non-string fails. */
const ofString =
  (fn: string, f: (s: string) => Value) =>
  ([x]: readonly Value[]): Value => {
    const s = castString(fn, x);
    return s === null ? null : f(s);
  };

/** STARTS_WITH and ENDS_WITH: both arguments cast to strings, the affix first (its error wins); false when either is null. */
const affixTest =
  (fn: string, test: (str: string, affix: string) => boolean) =>
  ([s, a]: readonly Value[]): boolean => {
    const affix = castString(fn, a);
    const str = castString(fn, s);
    return str !== null && affix !== null && test(str, affix);
  };

/** A TO_INTEGER/TO_LONG/TO_FLOAT/TO_DOUBLE definition. */
function conversion(
  name: string,
  kind: NumKind,
  javaType: string,
  examples: readonly FunctionExample[],
): FunctionDef {
  return define({
    name,
    family: 'conversion',
    description: `Converts a number, numeric string or boolean to a Java ${javaType}; null when it cannot.`,
    params: [
      {
        name: 'input',
        description: 'a number, a string in Java numeric syntax, a boolean, or a list (its first element)',
      },
    ],
    returns: `a ${kind}, or null when the input is null or not convertible`,
    examples,
    call: ([x]) => convertNumber(x ?? null, kind),
  });
}

/** The string, regex, conversion and JSON functions. */
export const STRING_FUNCTIONS: readonly FunctionDef[] = [
  define({
    name: 'TO_LOWER',
    family: 'string',
    description: 'Lower-cases a value (converted to a string first).',
    params: [STRING],
    returns: 'the lower-case string, or null for null',
    examples: [
      { expr: "TO_LOWER('CaSeY')", expect: 'casey' },
      { expr: 'TO_LOWER(2.0)', expect: '2.0' },
      { expr: 'TO_LOWER(null)', expect: null },
    ],
    call: ofJavaString((s) => s.toLowerCase()),
  }),
  define({
    name: 'TO_UPPER',
    family: 'string',
    description: 'Upper-cases a value (converted to a string first).',
    params: [STRING],
    returns: 'the upper-case string, or null for null',
    examples: [
      { expr: "TO_UPPER('casey')", expect: 'CASEY' },
      { expr: 'TO_UPPER(null)', expect: null },
    ],
    call: ofJavaString((s) => s.toUpperCase()),
  }),
  define({
    name: 'TRIM',
    family: 'string',
    description: 'Strips leading and trailing whitespace and control characters (Java String.trim).',
    params: [STRING],
    returns: 'the trimmed string, or null for null',
    examples: [
      { expr: "TRIM('  casey \\t')", expect: 'casey' },
      { expr: 'TRIM(null)', expect: null },
    ],
    call: ofJavaString(javaTrim),
  }),
  define({
    name: 'STARTS_WITH',
    family: 'string',
    description: 'Tests whether a string starts with a prefix.',
    params: [
      { name: 'string', description: 'the string to test' },
      { name: 'prefix', description: 'the proposed prefix' },
    ],
    returns: 'true when the string starts with the prefix; false when either is null',
    examples: [
      { expr: "STARTS_WITH('casey', 'case')", expect: true },
      { expr: "STARTS_WITH('casey', 'sey')", expect: false },
      { expr: "STARTS_WITH(null, 'sey')", expect: false },
      { expr: "STARTS_WITH(5, '5')", error: true },
    ],
    call: affixTest('STARTS_WITH', (str, prefix) => str.startsWith(prefix)),
  }),
  define({
    name: 'ENDS_WITH',
    family: 'string',
    description: 'Tests whether a string ends with a suffix.',
    params: [
      { name: 'string', description: 'the string to test' },
      { name: 'suffix', description: 'the proposed suffix' },
    ],
    returns: 'true when the string ends with the suffix; false when either is null',
    examples: [
      { expr: "ENDS_WITH('casey', 'sey')", expect: true },
      { expr: "ENDS_WITH('casey', null)", expect: false },
    ],
    call: affixTest('ENDS_WITH', (str, suffix) => str.endsWith(suffix)),
  }),
  define({
    name: 'SPLIT',
    family: 'string',
    description: 'Splits a string on a literal delimiter, keeping empty pieces (Guava Splitter).',
    params: [
      { name: 'input', description: 'the string to split (other values are converted with toString)' },
      { name: 'delim', description: 'the delimiter, a non-empty string' },
    ],
    returns: 'a list of strings; an empty list for a null input',
    examples: [
      { expr: "SPLIT('casey:bar', ':')", expect: ['casey', 'bar'] },
      { expr: "SPLIT('a,,b,', ',')", expect: ['a', '', 'b', ''] },
      { expr: "SPLIT(null, ',')", expect: [] },
      { expr: "SPLIT('abc', '')", error: true },
    ],
    call: split,
  }),
  define({
    name: 'JOIN',
    family: 'string',
    description: 'Joins the elements of a list or set with a delimiter, skipping nulls.',
    params: [
      { name: 'list', description: 'a list or set; elements are converted with Java toString' },
      { name: 'delim', description: 'the delimiter' },
    ],
    returns: 'the joined string',
    examples: [
      { expr: "JOIN(['casey', null, 'bar', 1.0], ',')", expect: 'casey,bar,1.0' },
      { expr: "JOIN(SET_INIT([1, 2, 1]), '-')", expect: '1-2' },
      { expr: "JOIN(null, ',')", error: true },
    ],
    call: join,
  }),
  define({
    name: 'SUBSTRING',
    family: 'string',
    description: 'Takes a substring by 0-based start (inclusive) and optional end (exclusive).',
    params: [
      { name: 'input', description: 'the string' },
      { name: 'start', description: 'the start position, 0-based and inclusive' },
      {
        name: 'end',
        description: 'the end position, exclusive (default: the end of the string)',
        optional: true,
      },
    ],
    returns: 'the substring; null when the input or start is null',
    examples: [
      { expr: "SUBSTRING('apache metron', 7)", expect: 'metron' },
      { expr: "SUBSTRING('apache metron', 7, 9)", expect: 'me' },
      { expr: "SUBSTRING('apache metron', null, 9)", expect: null },
      { expr: "SUBSTRING('apache metron', 7, null)", expect: 'metron' },
      { expr: "SUBSTRING('apache', 9)", error: true },
      { expr: "SUBSTRING('apache metron', '7')", error: true },
    ],
    call: substring,
  }),
  define({
    name: 'FILL_LEFT',
    family: 'string',
    description: 'Pads a string on the left with a fill character up to a length.',
    params: [
      { name: 'input', description: 'the string' },
      { name: 'fill', description: 'the fill character (the first char of this string)' },
      { name: 'len', description: 'the required length' },
    ],
    returns: 'the padded string (unchanged when already that long); null for a null input',
    examples: [
      { expr: "FILL_LEFT('123', 'X', 10)", expect: 'XXXXXXX123' },
      { expr: "FILL_LEFT('123', 'XY', '5')", expect: 'XX123' },
      { expr: "FILL_LEFT('123', '', 10)", error: true },
    ],
    call: (args) => fill('FILL_LEFT', args, true),
  }),
  define({
    name: 'FILL_RIGHT',
    family: 'string',
    description: 'Pads a string on the right with a fill character up to a length.',
    params: [
      { name: 'input', description: 'the string' },
      { name: 'fill', description: 'the fill character (the first char of this string)' },
      { name: 'len', description: 'the required length' },
    ],
    returns: 'the padded string (unchanged when already that long); null for a null input',
    examples: [
      { expr: "FILL_RIGHT('123', 'X', 10)", expect: '123XXXXXXX' },
      { expr: "FILL_RIGHT('1234567890', 'X', 3)", expect: '1234567890' },
      { expr: "FILL_RIGHT('123', 'X', 'z')", error: true },
      { expr: "FILL_RIGHT('123', null, 7)", error: true },
    ],
    call: (args) => fill('FILL_RIGHT', args, false),
  }),
  define({
    name: 'CHOP',
    family: 'string',
    description: 'Removes the last character of a string (a trailing \\r\\n counts as one).',
    params: [{ name: 'input', description: 'the string, may be null' }],
    returns: 'the string without its last character; null for null',
    examples: [
      { expr: "CHOP('abc')", expect: 'ab' },
      { expr: "CHOP('abc\\r\\n')", expect: 'abc' },
      { expr: 'CHOP(null)', expect: null },
      { expr: 'CHOP(123)', error: true },
    ],
    call: ofString('CHOP', chop),
  }),
  define({
    name: 'CHOMP',
    family: 'string',
    description: 'Removes one trailing newline (\\n, \\r or \\r\\n) from a string, if there is one.',
    params: [{ name: 'input', description: 'the string, may be null' }],
    returns: 'the string without a trailing newline; null for null',
    examples: [
      { expr: "CHOMP('abc\\r\\n')", expect: 'abc' },
      { expr: "CHOMP('abc')", expect: 'abc' },
      { expr: 'CHOMP(null)', expect: null },
      { expr: 'CHOMP(123)', error: true },
    ],
    call: ofString('CHOMP', chomp),
  }),
  define({
    name: 'PREPEND_IF_MISSING',
    family: 'string',
    description: 'Prepends a prefix unless the string already starts with it or with the additional prefix.',
    params: [
      { name: 'str', description: 'the string' },
      { name: 'prefix', description: 'the prefix to prepend' },
      { name: 'additionalprefix', description: 'another prefix that also counts as present', optional: true },
    ],
    returns: 'the prefixed string, or the string unchanged; null for null',
    examples: [
      { expr: "PREPEND_IF_MISSING('abc', 'xyz')", expect: 'xyzabc' },
      { expr: "PREPEND_IF_MISSING('XYZabc', 'xyz', 'mno')", expect: 'xyzXYZabc' },
      { expr: "PREPEND_IF_MISSING('mnoXYZabc', 'xyz', 'mno')", expect: 'mnoXYZabc' },
      { expr: "PREPEND_IF_MISSING('', 'xyz', null)", expect: 'xyz' },
      { expr: "PREPEND_IF_MISSING(123, 'abc')", error: true },
    ],
    call: (args) => affixIfMissing('PREPEND_IF_MISSING', args, true),
  }),
  define({
    name: 'APPEND_IF_MISSING',
    family: 'string',
    description: 'Appends a suffix unless the string already ends with it or with the additional suffix.',
    params: [
      { name: 'str', description: 'the string' },
      { name: 'suffix', description: 'the suffix to append' },
      { name: 'additionalsuffix', description: 'another suffix that also counts as present', optional: true },
    ],
    returns: 'the suffixed string, or the string unchanged; null for null',
    examples: [
      { expr: "APPEND_IF_MISSING('apache', 'metron')", expect: 'apachemetron' },
      { expr: "APPEND_IF_MISSING('abcXYZ', 'xyz', 'mno')", expect: 'abcXYZxyz' },
      { expr: "APPEND_IF_MISSING('abcmno', 'xyz', 'mno')", expect: 'abcmno' },
      { expr: 'APPEND_IF_MISSING(null, null, null)', expect: null },
    ],
    call: (args) => affixIfMissing('APPEND_IF_MISSING', args, false),
  }),
  define({
    name: 'COUNT_MATCHES',
    family: 'string',
    description: 'Counts the non-overlapping occurrences of a substring.',
    params: [
      { name: 'str', description: 'the string to search, may be null' },
      { name: 'sub', description: 'the substring to count, may be null' },
    ],
    returns: 'an int; 0 when either is null or empty',
    examples: [
      { expr: "COUNT_MATCHES('apachemetron', 'e')", expect: 2 },
      { expr: "COUNT_MATCHES('aaaa', 'aa')", expect: 2 },
      { expr: "COUNT_MATCHES(null, '*')", expect: 0 },
      { expr: 'COUNT_MATCHES(123, 456)', error: true },
    ],
    call: ([s, sub]) => countMatches(castString('COUNT_MATCHES', s), castString('COUNT_MATCHES', sub)),
  }),
  define({
    name: 'FORMAT',
    family: 'string',
    description: "Formats arguments with Java's String.format conventions (US locale, UTC for %t).",
    params: [
      {
        name: 'format',
        description:
          'the Java format string (%s %d %x %f %e %g %b %c %h %n %% %t…, with flags, width, precision)',
      },
      {
        name: 'arguments',
        description: 'the values to format; %d needs an int or long, %f a float or double',
        optional: true,
        variadic: true,
      },
    ],
    returns: 'the formatted string',
    examples: [
      { expr: "FORMAT('%d > %d', 234, 3)", expect: '234 > 3' },
      { expr: "FORMAT('%06d|%-5s|%5.1f', 234, 'ab', 3.14159)", expect: '000234|ab   |  3.1' },
      { expr: "FORMAT('%.2f %,d %x %b', 1.005, 1234567, 255, null)", expect: '1.01 1,234,567 ff false' },
      { expr: "FORMAT('%e|%g', 12345.678, 0.0001)", expect: '1.234568e+04|0.000100000' },
      { expr: "FORMAT('%2$s %1$s', 'a', 'b')", expect: 'b a' },
      { expr: "FORMAT('%1$tY-%1$tm-%1$td', 1500000000000L)", expect: '2017-07-14' },
      { expr: "FORMAT('missing arg: %d')", error: true },
      { expr: "FORMAT('%d', 1.5)", error: true },
    ],
    call: format,
  }),
  define({
    name: 'STRING_ENTROPY',
    family: 'string',
    description: 'Computes the base-2 Shannon entropy of a string, over its characters.',
    params: [{ name: 'input', description: 'the string (other values are converted with toString)' }],
    returns: 'the entropy in bits, a double (0.0 for null or empty)',
    examples: [
      { expr: "STRING_ENTROPY('aaaaaaaaaabbbbbccccc')", expect: 1.5 },
      { expr: "STRING_ENTROPY('')", expect: 0 },
    ],
    call: ([x]) => {
      const v = firstIfCollection(x);
      const s = v === null ? '' : toJavaString(v);
      return double(s === '' ? 0 : stringEntropy(s));
    },
  }),
  define({
    name: 'TO_STRING',
    family: 'string',
    description:
      'Converts a value to its Java string form (2.0 for a double, [a, b] for a list, {k=v} for a map).',
    params: [{ name: 'input', description: 'any value' }],
    returns: 'the string, or null for null',
    examples: [
      { expr: 'TO_STRING(5)', expect: '5' },
      { expr: 'TO_STRING(2.0)', expect: '2.0' },
      { expr: "TO_STRING(['a', 1])", expect: '[a, 1]' },
      { expr: 'TO_STRING(null)', expect: null },
    ],
    call: ofJavaString((s) => s),
  }),
  define({
    name: 'TO_JSON_OBJECT',
    family: 'string',
    description: 'Parses a JSON string into a map, list, string, number or boolean.',
    params: [{ name: 'str', description: 'the JSON text, may be null' }],
    returns: 'the parsed value; null for null, the empty string for the empty string',
    examples: [
      { expr: 'TO_JSON_OBJECT(\'{ "foo" : 2, "bar" : [1.5, "x"] }\')', expect: { foo: 2, bar: [1.5, 'x'] } },
      { expr: 'TO_JSON_OBJECT(\'[ "foo", 2 ]\')', expect: ['foo', 2] },
      { expr: "TO_JSON_OBJECT('123, 456')", error: true },
    ],
    call: ([x]) => parseJsonArg('TO_JSON_OBJECT', x, 'any'),
  }),
  define({
    name: 'TO_JSON_MAP',
    family: 'string',
    description: 'Parses a JSON object string into a map.',
    params: [{ name: 'str', description: 'the JSON text of an object, may be null' }],
    returns: 'the map; null for null, the empty string for the empty string',
    examples: [
      { expr: 'TO_JSON_MAP(\'{ "foo" : "abc", "bar" : "def" }\')', expect: { foo: 'abc', bar: 'def' } },
      { expr: 'TO_JSON_MAP(\'[ "foo", 2 ]\')', error: true },
    ],
    call: ([x]) => parseJsonArg('TO_JSON_MAP', x, 'map'),
  }),
  define({
    name: 'TO_JSON_LIST',
    family: 'string',
    description: 'Parses a JSON array string into a list.',
    params: [{ name: 'str', description: 'the JSON text of an array, may be null' }],
    returns: 'the list; null for null, the empty string for the empty string',
    examples: [
      { expr: 'TO_JSON_LIST(\'[ "foo", 2, {"a": null} ]\')', expect: ['foo', 2, { a: null }] },
      { expr: 'TO_JSON_LIST(\'{ "foo" : 2 }\')', error: true },
    ],
    call: ([x]) => parseJsonArg('TO_JSON_LIST', x, 'list'),
  }),
  define({
    name: 'FUZZY_SCORE',
    family: 'string',
    description:
      'commons-text fuzzy score: one point per matched character, two bonus points for each consecutive match.',
    params: [
      { name: 'term', description: 'the full term to match against' },
      { name: 'query', description: 'the query to match' },
      { name: 'lang', description: 'the IETF BCP 47 language tag for lower-casing (see FUZZY_LANGS)' },
    ],
    returns: 'an int score (0 when an argument is not a string or the term or query is empty)',
    examples: [
      { expr: "FUZZY_SCORE('metron', 'metron', 'en')", expect: 16 },
      { expr: "FUZZY_SCORE('Apache Software Foundation', 'asf', 'en')", expect: 3 },
      { expr: "FUZZY_SCORE('metron', 'z', 'en')", expect: 0 },
      { expr: "FUZZY_SCORE('metron', 'z', 'Kling')", error: true },
    ],
    call: fuzzy,
  }),
  define({
    name: 'FUZZY_LANGS',
    family: 'string',
    description: 'Lists the IETF BCP 47 language tags FUZZY_SCORE accepts (the Java 8 JVM locales).',
    params: [],
    returns: 'a list of language tag strings',
    examples: [{ expr: "'fr' in FUZZY_LANGS() && 'en' in FUZZY_LANGS()", expect: true }],
    call: () => [...JAVA_LANGUAGE_TAGS],
  }),
  define({
    name: 'REGEXP_MATCH',
    family: 'regex',
    description:
      'Tests whether a Java regex matches the whole string; with a list of patterns, whether any does.',
    params: [
      { name: 'string', description: 'the string to test' },
      { name: 'pattern', description: 'a Java regex, or a list of them (null elements are skipped)' },
    ],
    returns: 'true on a full match; false when the string or pattern is null',
    examples: [
      { expr: "REGEXP_MATCH('12345', '\\\\d(\\\\d)(\\\\d).*')", expect: true },
      { expr: "REGEXP_MATCH('abcde', ['\\\\d+', '[a-zA-Z]+'])", expect: true },
      { expr: "REGEXP_MATCH('ABC', '(?i)abc')", expect: true },
      { expr: "REGEXP_MATCH('abc', 'b')", expect: false },
      { expr: "REGEXP_MATCH('aaa', 'a++a')", expect: false },
      { expr: "REGEXP_MATCH(null, 'a')", expect: false },
      { expr: "REGEXP_MATCH('a', '(')", error: true },
    ],
    call: regexpMatch,
  }),
  define({
    name: 'REGEXP_GROUP_VAL',
    family: 'regex',
    description: 'Returns a capture group of a Java regex that matches the whole string.',
    params: [
      { name: 'string', description: 'the string to match' },
      { name: 'pattern', description: 'the Java regex' },
      { name: 'group', description: 'the group number, starting at 1 (0 returns the string itself)' },
    ],
    returns: 'the group text; null when there is no match, no such group, or it did not participate',
    examples: [
      { expr: "REGEXP_GROUP_VAL('12345', '\\\\d(\\\\d)(\\\\d).*', 2)", expect: '3' },
      { expr: "REGEXP_GROUP_VAL('abcde', '\\\\d(\\\\d)(\\\\d).*', 2)", expect: null },
      { expr: "REGEXP_GROUP_VAL('12345', '\\\\d\\\\d\\\\d.*', 1)", expect: null },
    ],
    call: regexpGroupVal,
  }),
  define({
    name: 'REGEXP_REPLACE',
    family: 'regex',
    description:
      'Replaces every match of a Java regex; the replacement may reference groups as $n or by name.',
    params: [
      { name: 'string', description: 'the input string' },
      { name: 'pattern', description: 'the Java regex' },
      { name: 'value', description: 'the replacement, in Java Matcher.replaceAll syntax' },
    ],
    returns:
      'the replaced string; null for a null or empty input; the input when the pattern or value is empty',
    examples: [
      { expr: "REGEXP_REPLACE('123-456', '(\\\\d+)-(\\\\d+)', '$2-$1')", expect: '456-123' },
      { expr: "REGEXP_REPLACE('a.b.c', '\\\\.', '_')", expect: 'a_b_c' },
      { expr: "REGEXP_REPLACE('12345', '\\\\d', '')", expect: '12345' },
      { expr: "REGEXP_REPLACE('', '\\\\d', 'x')", expect: null },
    ],
    call: regexpReplace,
  }),
  conversion('TO_INTEGER', 'int', 'Integer', [
    { expr: "TO_INTEGER('5')", expect: 5 },
    { expr: 'TO_INTEGER(10.7)', expect: 10 },
    { expr: "TO_INTEGER('5.0')", expect: null },
    { expr: 'TO_INTEGER(3000000000L)', expect: null },
  ]),
  conversion('TO_LONG', 'long', 'Long', [
    { expr: "TO_LONG('00232321')", expect: 232321 },
    { expr: "TO_LONG('not a number')", expect: null },
    { expr: 'TO_LONG(true)', expect: 1 },
  ]),
  conversion('TO_FLOAT', 'float', 'Float', [
    { expr: "TO_FLOAT('1.5f')", expect: 1.5 },
    { expr: 'TO_FLOAT(1) == 1.0', expect: true },
    { expr: "TO_FLOAT('x')", expect: null },
  ]),
  conversion('TO_DOUBLE', 'double', 'Double', [
    { expr: "TO_DOUBLE('5.1')", expect: 5.1 },
    { expr: "TO_DOUBLE(' 1e3 ')", expect: 1000 },
    { expr: 'TO_DOUBLE(null)', expect: null },
  ]),
];
