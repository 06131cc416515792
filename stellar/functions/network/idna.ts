/**
 * Java's `java.net.IDN` (IDNA2003): nameprep (RFC 3491) and punycode (RFC 3492), for the IDN
 * domains commons-validator converts before checking and for the punycode forms of homoglyph
 * typosquats. Node's `url.domainToASCII` follows UTS 46, which maps and rejects differently.
 */

/** The ideographic, full-width and half-width full stops, which IDNA (and Guava) read as dots. */
export const isUnicodeDot = (c: number): boolean => c === 0x3002 || c === 0xff0e || c === 0xff61;

class IdnaError extends Error {}

const isLabelDot = (c: number): boolean => c === 0x2e || isUnicodeDot(c);

/** Ranges written as hex code points, `lo-hi` or a single `cp`, separated by spaces. */
function hexRanges(spec: string): readonly (readonly [number, number])[] {
  return spec.split(' ').map((r) => {
    const [lo = '', hi = lo] = r.split('-');
    return [Number.parseInt(lo, 16), Number.parseInt(hi, 16)] as const;
  });
}

/** Code points without a case mapping in Unicode 3.2 (nameprep's version) that JS would lower-case. */
const NO_FOLD_RANGES = hexRanges(
  '0221 023a-024f 0370-0377 037f 03cf 03f7-03ff 04c0 04f6-04f7 04fa-04ff 0510-052f 10a0-10ff 13a0-13ff 1c80-1cbf 1e9e 2132 2183-2184 2c00-2dff a640-a7ff ab70-abbf 104b0-104ff 10570-105bf 10c80-10cff 118a0-118ff 16e40-16e9f 1e900-1e95f',
);

const inRanges = (cp: number, ranges: readonly (readonly [number, number])[]): boolean => {
  for (const [lo, hi] of ranges) if (cp >= lo && cp <= hi) return true;
  return false;
};

/** Nameprep table B.1: mapped to nothing. */
const isMappedToNothing = (cp: number): boolean =>
  cp === 0x00ad ||
  cp === 0x034f ||
  cp === 0x1806 ||
  (cp >= 0x180b && cp <= 0x180d) ||
  (cp >= 0x200b && cp <= 0x200d) ||
  cp === 0x2060 ||
  (cp >= 0xfe00 && cp <= 0xfe0f) ||
  cp === 0xfeff;

/** Nameprep's prohibited tables C.1.2, C.2.2 and C.3–C.9. */
const PROHIBITED = hexRanges(
  '00a0 0080-009f 0340-0341 06dd 070f 1680 180e 2000-200f 2028-202f 205f-2063 206a-206f 2ff0-2ffb 3000 d800-f8ff fdd0-fdef feff fff9-ffff 1d173-1d17a e0001 e0020-e007f f0000-10ffff',
);

const UNASSIGNED = /^\p{Cn}$/u;
const RAND_AL = /^[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]$/u;
const LETTER = /^[\p{L}\p{Mc}]$/u;

function isRandAL(ch: string, cp: number): boolean {
  return cp === 0x200f || (LETTER.test(ch) && RAND_AL.test(ch));
}

/** RFC 3491 nameprep of one label; throws {@link IdnaError} on a prohibited or invalid label. */
function nameprep(label: string, allowUnassigned: boolean): string {
  let mapped = '';
  for (const ch of label) {
    const cp = ch.codePointAt(0) as number;
    if (isMappedToNothing(cp)) continue;
    if (cp === 0xdf) mapped += 'ss';
    else if (cp === 0x3c2) mapped += '\u03c3';
    else if (inRanges(cp, NO_FOLD_RANGES)) mapped += ch;
    else mapped += ch.toLowerCase();
  }
  const prepared = mapped.normalize('NFKC');
  let randAL = false;
  let lcat = false;
  for (const ch of prepared) {
    const cp = ch.codePointAt(0) as number;
    if (inRanges(cp, PROHIBITED)) throw new IdnaError(`prohibited code point U+${cp.toString(16)}`);
    if (!allowUnassigned && UNASSIGNED.test(ch))
      throw new IdnaError(`unassigned code point U+${cp.toString(16)}`);
    if (isRandAL(ch, cp)) randAL = true;
    else if (LETTER.test(ch)) lcat = true;
  }
  if (randAL) {
    const chars = [...prepared];
    const first = chars[0] ?? '';
    const last = chars[chars.length - 1] ?? '';
    if (lcat || !isRandAL(first, first.codePointAt(0) ?? 0) || !isRandAL(last, last.codePointAt(0) ?? 0)) {
      throw new IdnaError('bidi rule violated');
    }
  }
  return prepared;
}

const PUNY_BASE = 36;
const PUNY_TMIN = 1;
const PUNY_TMAX = 26;

function punyAdapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / 700) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  while (d > ((PUNY_BASE - PUNY_TMIN) * PUNY_TMAX) >> 1) {
    d = Math.floor(d / (PUNY_BASE - PUNY_TMIN));
    k += PUNY_BASE;
  }
  return k + Math.floor(((PUNY_BASE - PUNY_TMIN + 1) * d) / (d + 38));
}

const punyDigit = (d: number): string => String.fromCharCode(d < 26 ? 97 + d : 22 + d);

const punyThreshold = (k: number, bias: number): number =>
  k <= bias ? PUNY_TMIN : k >= bias + PUNY_TMAX ? PUNY_TMAX : k - bias;

/** RFC 3492 punycode of a label's code points. */
function punycodeEncode(input: string): string {
  const cps = Array.from(input, (ch) => ch.codePointAt(0) as number);
  let out = '';
  for (const c of cps) if (c < 0x80) out += String.fromCharCode(c);
  const basic = out.length;
  let handled = basic;
  if (basic > 0) out += '-';
  let n = 0x80;
  let delta = 0;
  let bias = 72;
  while (handled < cps.length) {
    let m = Number.POSITIVE_INFINITY;
    for (const c of cps) if (c >= n && c < m) m = c;
    delta += (m - n) * (handled + 1);
    n = m;
    for (const c of cps) {
      if (c < n) delta++;
      if (c === n) {
        let q = delta;
        for (let k = PUNY_BASE; ; k += PUNY_BASE) {
          const t = punyThreshold(k, bias);
          if (q < t) break;
          out += punyDigit(t + ((q - t) % (PUNY_BASE - t)));
          q = Math.floor((q - t) / (PUNY_BASE - t));
        }
        out += punyDigit(q);
        bias = punyAdapt(delta, handled + 1, handled === basic);
        delta = 0;
        handled++;
      }
    }
    delta++;
    n++;
  }
  return out;
}

/** RFC 3492 decoding; null when the text is not valid punycode. */
function punycodeDecode(input: string): string | null {
  const lastDash = input.lastIndexOf('-');
  const cps: number[] = [];
  for (let j = 0; j < Math.max(lastDash, 0); j++) {
    const c = input.charCodeAt(j);
    if (c >= 0x80) return null;
    cps.push(c);
  }
  let n = 0x80;
  let i = 0;
  let bias = 72;
  for (let pos = lastDash > 0 ? lastDash + 1 : 0; pos < input.length; ) {
    const old = i;
    let w = 1;
    for (let k = PUNY_BASE; ; k += PUNY_BASE) {
      if (pos >= input.length) return null;
      const c = input.charCodeAt(pos++);
      const digit =
        c >= 48 && c <= 57 ? c - 22 : c >= 65 && c <= 90 ? c - 65 : c >= 97 && c <= 122 ? c - 97 : -1;
      if (digit < 0) return null;
      i += digit * w;
      const t = punyThreshold(k, bias);
      if (digit < t) break;
      w *= PUNY_BASE - t;
      if (i > 0x10ffff * 0x100) return null;
    }
    bias = punyAdapt(i - old, cps.length + 1, old === 0);
    n += Math.floor(i / (cps.length + 1));
    i %= cps.length + 1;
    if (n > 0x10ffff) return null;
    cps.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...cps);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

function toAsciiLabel(label: string, allowUnassigned: boolean): string {
  const ascii = isAscii(label);
  let dest = ascii ? label : nameprep(label, allowUnassigned);
  if (dest.length === 0) throw new IdnaError('Empty label is not a legal name');
  if (!ascii && !isAscii(dest)) {
    if (dest.slice(0, 4).toLowerCase() === 'xn--')
      throw new IdnaError('The input starts with the ACE Prefix');
    dest = `xn--${punycodeEncode(dest).toLowerCase()}`;
  }
  if (dest.length > 63) throw new IdnaError('The label in the input is too long');
  return dest;
}

/** Split on IDNA label separators ('.', '。', '．', '｡') as Java's IDN does. */
function idnLabels(input: string, each: (label: string) => string): string {
  if (input.length === 1 && isLabelDot(input.charCodeAt(0))) return '.';
  let out = '';
  let p = 0;
  while (p < input.length) {
    let q = p;
    while (q < input.length && !isLabelDot(input.charCodeAt(q))) q++;
    out += each(input.slice(p, q));
    if (q !== input.length) out += '.';
    p = q + 1;
  }
  return out;
}

/** `IDN.toASCII(input[, ALLOW_UNASSIGNED])`; throws {@link IdnaError} where Java throws. */
export function idnToAscii(input: string, allowUnassigned: boolean): string {
  return idnLabels(input, (label) => toAsciiLabel(label, allowUnassigned));
}

/** `IDN.toUnicode`: labels that do not decode cleanly are kept as they are. */
export function idnToUnicode(input: string): string {
  return idnLabels(input, (label) => {
    if (label.slice(0, 4).toLowerCase() !== 'xn--') return label;
    const decoded = punycodeDecode(label.slice(4));
    if (decoded === null) return label;
    try {
      return toAsciiLabel(decoded, true).toLowerCase() === label.toLowerCase() ? decoded : label;
    } catch {
      return label;
    }
  });
}

/** commons-validator's `DomainValidator.unicodeToASCII`: the input unchanged when it cannot convert. */
export function unicodeToAscii(input: string): string {
  if (isAscii(input)) return input;
  try {
    const ascii = idnToAscii(input, false);
    const last = input.charCodeAt(input.length - 1);
    return isLabelDot(last) && !ascii.endsWith('.') ? `${ascii}.` : ascii;
  } catch {
    return input;
  }
}
