import {
  checkBadFlags,
  F_ALT,
  F_GROUP,
  F_PAREN,
  F_PLUS,
  F_SPACE,
  F_UPPER,
  F_ZERO,
  type FormatSpec,
  formatError,
  justify,
} from './format-spec.js';

/**
 * How `java.util.Formatter` prints numbers: `%d %o %x` for ints and longs, `%e %f %g` for floats
 * and doubles. Java rounds the shortest decimal digits of a double half-up
 * (`FormattedFloatingDecimal`), which `Number.prototype.toFixed` does not, so the digits are
 * worked out here; signs, grouping, zero padding and parentheses follow the flags.
 */

function leadingSign(s: FormatSpec, negative: boolean): string {
  if (negative) return s.flags & F_PAREN ? '(' : '-';
  return s.flags & F_PLUS ? '+' : s.flags & F_SPACE ? ' ' : '';
}

const trailingSign = (s: FormatSpec, negative: boolean): string => (negative && s.flags & F_PAREN ? ')' : '');

/** The width left for the magnitude: a negative value in parentheses needs one more column. */
const adjustWidth = (s: FormatSpec, width: number, negative: boolean): number =>
  width !== -1 && negative && s.flags & F_PAREN ? width - 1 : width;

/** Java's `localizedMagnitude`: group separators before the dot, then zero padding after the sign. */
function magnitude(s: FormatSpec, prefix: string, digits: string, width: number): string {
  let dot = digits.indexOf('.');
  if (dot < 0) dot = digits.length;
  let body = '';
  const group = (s.flags & F_GROUP) !== 0;
  for (let j = 0; j < digits.length; j++) {
    body += digits[j];
    if (group && j < dot - 1 && (dot - j) % 3 === 1) body += ',';
  }
  const total = prefix.length + body.length;
  if (width !== -1 && s.flags & F_ZERO && total < width) body = '0'.repeat(width - total) + body;
  return prefix + body;
}

export function printInteger(s: FormatSpec, value: bigint, bits: bigint): string {
  if (s.conv === 'd') {
    const negative = value < 0n;
    const prefix = leadingSign(s, negative);
    const text = magnitude(
      s,
      prefix,
      (negative ? -value : value).toString(),
      adjustWidth(s, s.width, negative),
    );
    return justify(s, text + trailingSign(s, negative));
  }
  // Octal and hex print the two's complement of negative ints and longs; sign flags are BigInteger-only.
  checkBadFlags(s, F_PAREN | F_SPACE | F_PLUS);
  const unsigned = value < 0n ? value + (1n << bits) : value;
  let digits = unsigned.toString(s.conv === 'o' ? 8 : 16);
  const prefix = s.flags & F_ALT ? (s.conv === 'o' ? '0' : s.flags & F_UPPER ? '0X' : '0x') : '';
  if (s.flags & F_UPPER) digits = digits.toUpperCase();
  const zeros = s.flags & F_ZERO ? Math.max(0, s.width - prefix.length - digits.length) : 0;
  return justify(s, prefix + '0'.repeat(zeros) + digits);
}

/** The shortest decimal digits of a positive finite double and its exponent (value = 0.d₁d₂… × 10^exp). */
function decimalDigits(v: number): { digits: number[]; exp: number } {
  if (v === 0) return { digits: [0], exp: 0 };
  const text = v.toExponential();
  const e = text.indexOf('e');
  const digits: number[] = [];
  for (let i = 0; i < e; i++) if (text[i] !== '.') digits.push(text.charCodeAt(i) - 48);
  return { digits, exp: Number(text.slice(e + 1)) + 1 };
}

/** Java's FormattedFloatingDecimal.applyPrecision: round half-up on the decimal digits. */
function applyPrecision(exp: number, d: number[], prec: number): number {
  if (prec >= d.length || prec < 0) return exp;
  if (prec === 0) {
    if ((d[0] as number) >= 5) {
      d[0] = 1;
      d.fill(0, 1);
      return exp + 1;
    }
    d.fill(0);
    return exp;
  }
  if ((d[prec] as number) >= 5) {
    let i = prec - 1;
    let q = d[i] as number;
    if (q === 9) {
      while (q === 9 && i > 0) q = d[--i] as number;
      if (q === 9) {
        d[0] = 1;
        d.fill(0, 1);
        return exp + 1;
      }
    }
    d[i] = q + 1;
    d.fill(0, i + 1);
  } else d.fill(0, prec);
  return exp;
}

function fillDecimal(precision: number, d: number[], exp: number): string {
  const n = d.length;
  const part = (from: number, to: number): string => d.slice(from, to).join('');
  if (exp > 0) {
    if (n < exp) return part(0, n) + '0'.repeat(exp - n);
    const t = Math.min(n - exp, precision);
    return part(0, exp) + (t > 0 ? `.${part(exp, exp + t)}` : '');
  }
  const zeros = Math.max(0, Math.min(-exp, precision));
  const t = Math.max(0, Math.min(n, precision + exp));
  if (zeros > 0) return `0.${'0'.repeat(zeros)}${part(0, t)}`;
  if (t > 0) return `0.${part(0, t)}`;
  return '0';
}

function fillScientific(precision: number, d: number[], exp: number): { mantissa: string; exponent: string } {
  const t = Math.max(0, Math.min(d.length - 1, precision));
  const mantissa = t > 0 ? `${d[0]}.${d.slice(1, 1 + t).join('')}` : String(d[0]);
  const e = exp <= 0 ? -exp + 1 : exp - 1;
  return { mantissa, exponent: `${exp <= 0 ? '-' : '+'}${e <= 9 ? '0' : ''}${e}` };
}

/** Java's `addZeros`: pad the fraction to `prec` digits (never truncates). */
function addZeros(mantissa: string, prec: number): string {
  const dot = mantissa.indexOf('.');
  const have = dot < 0 ? 0 : mantissa.length - dot - 1;
  if (have >= prec) return mantissa;
  return (dot < 0 ? `${mantissa}.` : mantissa) + '0'.repeat(prec - have);
}

export function printFloat(s: FormatSpec, value: number): string {
  if (Number.isNaN(value)) return justify(s, s.flags & F_UPPER ? 'NAN' : 'NaN');
  const negative = value < 0 || Object.is(value, -0);
  const v = Math.abs(value);
  const sign = leadingSign(s, negative);
  if (!Number.isFinite(v)) {
    return justify(s, sign + (s.flags & F_UPPER ? 'INFINITY' : 'Infinity') + trailingSign(s, negative));
  }
  if (s.conv === 'a')
    return formatError(
      'UnknownFormatConversionException',
      "hexadecimal floating point '%a' is not supported",
    );
  const upper = s.flags & F_UPPER;
  let body: string;
  if (s.conv === 'f') {
    const prec = s.precision === -1 ? 6 : s.precision;
    const { digits, exp } = decimalDigits(v);
    let mant = addZeros(fillDecimal(prec, digits, applyPrecision(exp, digits, exp + prec)), prec);
    if (s.flags & F_ALT && prec === 0) mant += '.';
    body = magnitude(s, sign, mant, adjustWidth(s, s.width, negative));
  } else if (s.conv === 'e') {
    const prec = s.precision === -1 ? 6 : s.precision;
    const { digits, exp } = decimalDigits(v);
    const sci = fillScientific(prec, digits, applyPrecision(exp, digits, prec + 1));
    let mant = addZeros(sci.mantissa, prec);
    if (s.flags & F_ALT && prec === 0) mant += '.';
    const exponent = v === 0 ? '+00' : sci.exponent;
    const width = s.width === -1 ? -1 : adjustWidth(s, s.width - exponent.length - 1, negative);
    body = `${magnitude(s, sign, mant, width)}${upper ? 'E' : 'e'}${exponent}`;
  } else {
    let prec = s.precision === -1 ? 6 : s.precision === 0 ? 1 : s.precision;
    let mant: string;
    let exponent: string | undefined;
    if (v === 0) {
      mant = '0';
      prec -= 1;
    } else {
      const { digits, exp } = decimalDigits(v);
      const rounded = applyPrecision(exp, digits, prec);
      if (rounded - 1 < -4 || rounded - 1 >= prec) {
        const sci = fillScientific(prec - 1, digits, rounded);
        mant = sci.mantissa;
        exponent = sci.exponent;
        prec -= 1;
      } else {
        mant = fillDecimal(prec - rounded, digits, rounded);
        prec -= rounded;
      }
    }
    mant = addZeros(mant, prec);
    const width =
      s.width === -1
        ? -1
        : adjustWidth(s, exponent === undefined ? s.width : s.width - exponent.length - 1, negative);
    body =
      magnitude(s, sign, mant, width) + (exponent === undefined ? '' : `${upper ? 'E' : 'e'}${exponent}`);
  }
  return justify(s, body + trailingSign(s, negative));
}
