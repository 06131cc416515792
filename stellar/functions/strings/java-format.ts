import { isNumber, kindOf, numValue, toJavaString, typeName, type Value } from '../../values.js';
import { firstIfCollection } from '../coerce.js';
import { MONTHS, pad, SHORT_MONTHS, SHORT_WEEKDAYS, WEEKDAYS } from '../java-date-format.js';
import { fail } from '../types.js';
import { printFloat, printInteger } from './format-number.js';
import {
  F_ALT,
  F_UPPER,
  type FormatSpec,
  formatError,
  justify,
  mismatch,
  parseFormat,
} from './format-spec.js';

/**
 * Java's `String.format` in the US locale and the UTC zone, as Metron's FORMAT calls it: the
 * specifiers come from format-spec.ts, numbers print through format-number.ts, and this module
 * matches each specifier to its argument (`%2$s`, `%<s`), checks the argument's Java type and
 * prints text, characters, booleans, hash codes and `%t` date fields.
 */

function conversionError(s: FormatSpec, arg: Value): never {
  const conv = s.conv === 't' ? s.field : s.flags & F_UPPER ? s.conv.toUpperCase() : s.conv;
  return formatError('IllegalFormatConversionException', `${conv} != ${javaClassName(arg)}`);
}

function javaClassName(v: Value): string {
  if (isNumber(v))
    return {
      int: 'java.lang.Integer',
      long: 'java.lang.Long',
      float: 'java.lang.Float',
      double: 'java.lang.Double',
    }[kindOf(v)];
  if (typeof v === 'string') return 'java.lang.String';
  if (typeof v === 'boolean') return 'java.lang.Boolean';
  if (Array.isArray(v)) return 'java.util.ArrayList';
  if (v instanceof Map) return 'java.util.HashMap';
  if (v instanceof Set) return 'java.util.LinkedHashSet';
  return typeName(v);
}

/** Java's `String.format(format, args…)` in the US locale and the UTC zone. */
export function javaFormat(format: string, args: readonly Value[]): string {
  let out = '';
  let last = -1;
  let ordinary = -1;
  for (const part of parseFormat(format)) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    if (part.index === -2) {
      out += part.conv === 'n' ? '\n' : justify(part, '%');
      continue;
    }
    if (part.index === -1) {
      if (last < 0 || last >= args.length)
        formatError('MissingFormatArgumentException', `Format specifier '${part.text}'`);
    } else if (part.index === 0) {
      last = ++ordinary;
      if (ordinary >= args.length)
        formatError('MissingFormatArgumentException', `Format specifier '${part.text}'`);
    } else {
      last = part.index - 1;
      if (last >= args.length)
        formatError('MissingFormatArgumentException', `Format specifier '${part.text}'`);
    }
    out += formatArg(part, args[last] as Value);
  }
  return out;
}

/** Java's `print(String)`: precision truncates, upper-case conversions upper-case, then width pads. */
function printText(s: FormatSpec, text: string): string {
  let t = s.precision !== -1 && s.precision < text.length ? text.slice(0, s.precision) : text;
  if (s.flags & F_UPPER) t = t.toUpperCase();
  return justify(s, t);
}

function formatArg(s: FormatSpec, arg: Value): string {
  switch (s.conv) {
    case 'b':
      return printText(s, arg === null ? 'false' : typeof arg === 'boolean' ? String(arg) : 'true');
    case 'h':
      return printText(s, arg === null ? 'null' : (javaHashCode(arg) >>> 0).toString(16));
    case 's':
      if (s.flags & F_ALT) mismatch(s, F_ALT);
      return printText(s, arg === null ? 'null' : toJavaString(arg));
    case 'c': {
      if (arg === null) return printText(s, 'null');
      if (!isNumber(arg) || kindOf(arg) !== 'int') return conversionError(s, arg);
      const cp = numValue(arg);
      if (cp < 0 || cp > 0x10ffff)
        formatError('IllegalFormatCodePointException', `Code point = 0x${(cp >>> 0).toString(16)}`);
      return printText(s, String.fromCodePoint(cp));
    }
    case 'd':
    case 'o':
    case 'x': {
      if (arg === null) return printText(s, 'null');
      const kind = isNumber(arg) ? kindOf(arg) : undefined;
      if (!isNumber(arg) || (kind !== 'int' && kind !== 'long')) return conversionError(s, arg);
      return printInteger(s, BigInt(numValue(arg)), kind === 'int' ? 32n : 64n);
    }
    case 't': {
      if (arg === null) return printText(s, 'null');
      if (!isNumber(arg) || kindOf(arg) !== 'long') return conversionError(s, arg);
      const text = dateField(s.field, numValue(arg));
      return justify(s, s.flags & F_UPPER ? text.toUpperCase() : text);
    }
    default: {
      if (arg === null) return printText(s, 'null');
      const kind = isNumber(arg) ? kindOf(arg) : undefined;
      if (!isNumber(arg) || (kind !== 'float' && kind !== 'double')) return conversionError(s, arg);
      return printFloat(s, numValue(arg));
    }
  }
}

/** A `%t` field of an epoch-millisecond long, in UTC. */
function dateField(field: string, ms: number): string {
  const d = new Date(ms);
  const hour = d.getUTCHours();
  const hour12 = hour % 12 === 0 ? 12 : hour % 12;
  const year = d.getUTCFullYear();
  switch (field) {
    case 'H':
      return pad(hour, 2);
    case 'I':
      return pad(hour12, 2);
    case 'k':
      return String(hour);
    case 'l':
      return String(hour12);
    case 'M':
      return pad(d.getUTCMinutes(), 2);
    case 'S':
      return pad(d.getUTCSeconds(), 2);
    case 'L':
      return pad(d.getUTCMilliseconds(), 3);
    case 'N':
      return pad(d.getUTCMilliseconds() * 1_000_000, 9);
    case 'p':
      return hour < 12 ? 'am' : 'pm';
    case 'z':
      return '+0000';
    case 'Z':
      return 'UTC';
    case 's':
      return String(Math.trunc(ms / 1000));
    case 'Q':
      return String(ms);
    case 'B':
      return MONTHS[d.getUTCMonth()] as string;
    case 'b':
    case 'h':
      return SHORT_MONTHS[d.getUTCMonth()] as string;
    case 'A':
      return WEEKDAYS[d.getUTCDay()] as string;
    case 'a':
      return SHORT_WEEKDAYS[d.getUTCDay()] as string;
    case 'C':
      return pad(Math.floor(year / 100), 2);
    case 'Y':
      return pad(year, 4);
    case 'y':
      return pad(year % 100, 2);
    case 'j':
      return pad(Math.floor((ms - Date.UTC(year, 0, 1)) / 86_400_000) + 1, 3);
    case 'm':
      return pad(d.getUTCMonth() + 1, 2);
    case 'd':
      return pad(d.getUTCDate(), 2);
    case 'e':
      return String(d.getUTCDate());
    case 'R':
      return `${dateField('H', ms)}:${dateField('M', ms)}`;
    case 'T':
      return `${dateField('H', ms)}:${dateField('M', ms)}:${dateField('S', ms)}`;
    case 'r':
      return `${dateField('I', ms)}:${dateField('M', ms)}:${dateField('S', ms)} ${dateField('p', ms).toUpperCase()}`;
    case 'D':
      return `${dateField('m', ms)}/${dateField('d', ms)}/${dateField('y', ms)}`;
    case 'F':
      return `${dateField('Y', ms)}-${dateField('m', ms)}-${dateField('d', ms)}`;
    default:
      return `${dateField('a', ms)} ${dateField('b', ms)} ${dateField('d', ms)} ${dateField('T', ms)} UTC ${dateField('Y', ms)}`;
  }
}

const HASH_VIEW = new DataView(new ArrayBuffer(8));

/** Java's `hashCode()` of a Stellar value (for `%h`). */
function javaHashCode(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'string') {
    let h = 0;
    for (let i = 0; i < v.length; i++) h = (Math.imul(31, h) + v.charCodeAt(i)) | 0;
    return h;
  }
  if (typeof v === 'boolean') return v ? 1231 : 1237;
  if (isNumber(v)) {
    const x = numValue(v);
    switch (kindOf(v)) {
      case 'int':
        return x | 0;
      case 'long': {
        const b = BigInt.asUintN(64, BigInt(x));
        return Number(BigInt.asIntN(32, b ^ (b >> 32n)));
      }
      case 'float':
        HASH_VIEW.setFloat32(0, Number.isNaN(x) ? Number.NaN : x);
        return HASH_VIEW.getInt32(0);
      default: {
        HASH_VIEW.setFloat64(0, Number.isNaN(x) ? Number.NaN : x);
        return (HASH_VIEW.getInt32(0) ^ HASH_VIEW.getInt32(4)) | 0;
      }
    }
  }
  if (Array.isArray(v)) {
    let h = 1;
    for (const x of v) h = (Math.imul(31, h) + javaHashCode(x)) | 0;
    return h;
  }
  if (v instanceof Set) {
    let h = 0;
    for (const x of v) h = (h + javaHashCode(x)) | 0;
    return h;
  }
  if (v instanceof Map) {
    let h = 0;
    for (const [k, x] of v) h = (h + (javaHashCode(k) ^ javaHashCode(x))) | 0;
    return h;
  }
  return fail(`FORMAT: %h of a ${typeName(v)} is not supported`);
}

/** FORMAT: the format string (a list gives its first element) and the arguments. */
export function format(args: readonly Value[]): string {
  const fmt = args[0];
  if (fmt === undefined) return fail('FORMAT: missing argument: format string');
  const first = firstIfCollection(fmt);
  if (first === null) return fail('FORMAT: the format string is null');
  return javaFormat(toJavaString(first), args.slice(1));
}
