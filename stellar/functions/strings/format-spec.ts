import { fail } from '../types.js';

/**
 * The format strings of Java's `String.format`: parsed into literal text and specifiers, and
 * checked the way `java.util.Formatter` checks them before printing anything (a bad flag or a
 * missing width fails the whole call, even when its argument is never reached). The parse of
 * each format string is cached, since rules pass the same few formats on every event.
 */

export const F_LEFT = 1;
export const F_ALT = 2;
export const F_PLUS = 4;
export const F_SPACE = 8;
export const F_ZERO = 16;
export const F_GROUP = 32;
export const F_PAREN = 64;
export const F_UPPER = 128;
const FLAG_BITS: Record<string, number> = {
  '-': F_LEFT,
  '#': F_ALT,
  '+': F_PLUS,
  ' ': F_SPACE,
  '0': F_ZERO,
  ',': F_GROUP,
  '(': F_PAREN,
};

/** A format specifier; `index` is the explicit argument (1-based), 0 for the next, -1 for `<`, -2 for none. */
export interface FormatSpec {
  index: number;
  flags: number;
  width: number;
  precision: number;
  /** The conversion, lower-cased (`F_UPPER` says it was upper-case); `t` for date/time. */
  conv: string;
  /** The date/time field after `t`/`T`. */
  field: string;
  text: string;
}

const SPEC = /%(\d+\$)?([-#+ 0,(<]*)?(\d+)?(\.\d+)?([tT])?([a-zA-Z%])/y;
const DATE_FIELDS = 'HIklMSLNpzZsQBbhAaCYyjmdeRTrDFc';
const FORMAT_CACHE = new Map<string, (string | FormatSpec)[]>();

function flagsText(flags: number): string {
  let s = '';
  for (const [c, bit] of Object.entries(FLAG_BITS)) if (flags & bit) s += c;
  return s;
}

export function formatError(kind: string, detail: string): never {
  return fail(`FORMAT: ${kind}: ${detail}`);
}

/** Parse (and validate, as Java's Formatter does before printing anything) a format string. */
export function parseFormat(format: string): (string | FormatSpec)[] {
  const cached = FORMAT_CACHE.get(format);
  if (cached !== undefined) return cached;
  const parts: (string | FormatSpec)[] = [];
  let i = 0;
  while (i < format.length) {
    const j = format.indexOf('%', i);
    if (j < 0) {
      parts.push(format.slice(i));
      break;
    }
    if (j > i) parts.push(format.slice(i, j));
    SPEC.lastIndex = j;
    const m = SPEC.exec(format);
    if (!m) formatError('UnknownFormatConversionException', `Conversion = '${format[j + 1] ?? '%'}'`);
    parts.push(makeSpec(m));
    i = SPEC.lastIndex;
  }
  if (FORMAT_CACHE.size >= 500) FORMAT_CACHE.clear();
  FORMAT_CACHE.set(format, parts);
  return parts;
}

function makeSpec(m: RegExpExecArray): FormatSpec {
  const text = m[0];
  let index = 0;
  if (m[1] !== undefined) {
    index = Number.parseInt(m[1], 10);
    if (index < 1)
      formatError('IllegalFormatArgumentIndexException', `Illegal format argument index = ${index}`);
  }
  let flags = 0;
  for (const c of m[2] ?? '') {
    if (c === '<') {
      index = -1;
      continue;
    }
    const bit = FLAG_BITS[c] as number;
    if (flags & bit) formatError('DuplicateFormatFlagsException', `Flags = '${c}'`);
    flags |= bit;
  }
  const width = m[3] === undefined ? -1 : Number.parseInt(m[3], 10);
  const precision = m[4] === undefined ? -1 : Number.parseInt(m[4].slice(1), 10);
  const c = m[6] as string;
  const spec: FormatSpec = { index, flags, width, precision, conv: c, field: '', text };
  if (m[5] !== undefined) {
    if (m[5] === 'T') spec.flags |= F_UPPER;
    spec.conv = 't';
    spec.field = c;
    if (!DATE_FIELDS.includes(c))
      formatError('UnknownFormatConversionException', `Conversion = '${m[5]}${c}'`);
    checkPrecision(spec);
    checkBadFlags(spec, F_ALT | F_PLUS | F_SPACE | F_ZERO | F_GROUP | F_PAREN);
    checkWidthForLeft(spec);
    return spec;
  }
  if ('BHSCXEGA'.includes(c)) {
    spec.flags |= F_UPPER;
    spec.conv = c.toLowerCase();
  }
  switch (spec.conv) {
    case 'b':
    case 'h':
    case 's':
      if (spec.conv !== 's' && flags & F_ALT) mismatch(spec, F_ALT);
      checkWidthForLeft(spec);
      checkBadFlags(spec, F_PLUS | F_SPACE | F_ZERO | F_GROUP | F_PAREN);
      break;
    case 'c':
      checkPrecision(spec);
      checkBadFlags(spec, F_ALT | F_PLUS | F_SPACE | F_ZERO | F_GROUP | F_PAREN);
      checkWidthForLeft(spec);
      break;
    case 'd':
    case 'o':
    case 'x':
      checkNumeric(spec);
      checkPrecision(spec);
      checkBadFlags(spec, spec.conv === 'd' ? F_ALT : F_GROUP);
      break;
    case 'e':
    case 'f':
    case 'g':
    case 'a':
      checkNumeric(spec);
      if (spec.conv === 'a') checkBadFlags(spec, F_PAREN | F_GROUP);
      else if (spec.conv === 'e') checkBadFlags(spec, F_GROUP);
      else if (spec.conv === 'g') checkBadFlags(spec, F_ALT);
      break;
    case '%':
      checkPrecision(spec);
      if (flags !== 0 && flags !== F_LEFT)
        formatError('IllegalFormatFlagsException', `Flags = '${flagsText(flags)}'`);
      checkWidthForLeft(spec);
      spec.index = -2;
      break;
    case 'n':
      checkPrecision(spec);
      if (spec.width !== -1) formatError('IllegalFormatWidthException', String(spec.width));
      if (flags !== 0) formatError('IllegalFormatFlagsException', `Flags = '${flagsText(flags)}'`);
      spec.index = -2;
      break;
    default:
      formatError('UnknownFormatConversionException', `Conversion = '${c}'`);
  }
  return spec;
}

function checkPrecision(s: FormatSpec): void {
  if (s.precision !== -1) formatError('IllegalFormatPrecisionException', String(s.precision));
}

function checkWidthForLeft(s: FormatSpec): void {
  if (s.width === -1 && s.flags & F_LEFT) formatError('MissingFormatWidthException', s.text);
}

function checkNumeric(s: FormatSpec): void {
  if (s.width === -1 && s.flags & (F_LEFT | F_ZERO)) formatError('MissingFormatWidthException', s.text);
  if ((s.flags & F_PLUS && s.flags & F_SPACE) || (s.flags & F_LEFT && s.flags & F_ZERO)) {
    formatError('IllegalFormatFlagsException', `Flags = '${flagsText(s.flags)}'`);
  }
}

export function checkBadFlags(s: FormatSpec, bad: number): void {
  for (const bit of [F_LEFT, F_ALT, F_PLUS, F_SPACE, F_ZERO, F_GROUP, F_PAREN])
    if (bad & bit & s.flags) mismatch(s, bit);
}

export function mismatch(s: FormatSpec, bit: number): never {
  return formatError(
    'FormatFlagsConversionMismatchException',
    `Conversion = ${s.conv}, Flags = ${flagsText(bit)}`,
  );
}

export function justify(s: FormatSpec, text: string): string {
  if (s.width === -1 || text.length >= s.width) return text;
  const pad = ' '.repeat(s.width - text.length);
  return s.flags & F_LEFT ? text + pad : pad + text;
}
