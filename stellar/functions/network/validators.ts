import { javaTrim } from '../coerce.js';
import { isKnownSuffixLabel } from './domain.js';
import { unicodeToAscii } from './idna.js';

/**
 * The IS_* validators as commons-validator 1.6 decides them: `InetAddressValidator` (IPv4 and
 * IPv6 text), `DomainValidator` (RFC 1034/1123 names under an ICANN top-level domain),
 * `EmailValidator`, `UrlValidator` (http, https and ftp) and `LongValidator`.
 */

/** `InetAddressValidator.isValidInet4Address`: four decimal octets ≤ 255, no leading zeros. */
export function isValidInet4(s: string): boolean {
  let octets = 0;
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i < s.length && s.charCodeAt(i) !== 46) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) return false;
      continue;
    }
    const len = i - start;
    if (len < 1 || len > 3 || ++octets > 4) return false;
    if (len > 1 && s.charCodeAt(start) === 48) return false;
    if (Number(s.slice(start, i)) > 255) return false;
    start = i + 1;
  }
  return octets === 4;
}

const HEX_GROUP = /^[+-]?[0-9a-fA-F]+$/;

/** `InetAddressValidator.isValidInet6Address` (1.6: no zone or prefix suffix). */
export function isValidInet6(s: string): boolean {
  const compressed = s.includes('::');
  if (compressed && s.indexOf('::') !== s.lastIndexOf('::')) return false;
  if ((s.startsWith(':') && !s.startsWith('::')) || (s.endsWith(':') && !s.endsWith('::'))) return false;
  // Java's split drops trailing empty strings.
  let groups = s.split(':');
  while (groups.length > 0 && groups[groups.length - 1] === '') groups.pop();
  if (compressed) {
    if (s.endsWith('::')) groups.push('');
    else if (s.startsWith('::') && groups.length > 0) groups = groups.slice(1);
  }
  if (groups.length > 8) return false;
  let valid = 0;
  let empty = 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] as string;
    if (g.length === 0) {
      if (++empty > 1) return false;
    } else {
      empty = 0;
      if (i === groups.length - 1 && g.includes('.')) {
        if (!isValidInet4(g)) return false;
        valid += 2;
        continue;
      }
      if (g.length > 4 || !HEX_GROUP.test(g)) return false;
      const v = Number.parseInt(g, 16);
      if (v < 0 || v > 0xffff) return false;
    }
    valid++;
  }
  return !(valid > 8 || (valid < 8 && !compressed));
}

const DOMAIN_NAME =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)\.?$/;

/** `DomainValidator.isValidTld` without local TLDs: an ICANN top-level domain. */
function isValidTld(tld: string): boolean {
  let key = unicodeToAscii(tld).toLowerCase();
  if (key.startsWith('.')) key = key.slice(1);
  return key !== '' && !key.includes('.') && isKnownSuffixLabel(key, true);
}

/** `DomainValidator.getInstance().isValid`. */
export function isValidDomain(raw: string): boolean {
  const domain = unicodeToAscii(raw);
  if (domain.length > 253) return false;
  const m = DOMAIN_NAME.exec(domain);
  return m !== null && isValidTld(m[1] as string);
}

/** Java's `\s` and line terminators, for the e-mail patterns. */
const EMAIL_SHAPE =
  /^[ \t\n\v\f\r]*?([^\n\r\u0085\u2028\u2029]+)@([^\n\r\u0085\u2028\u2029]+?)[ \t\n\v\f\r]*$/;
const IP_DOMAIN = /^\[([^\n\r\u0085\u2028\u2029]*)\]$/;

const isJavaSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isLineEnd = (c: number): boolean => c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029;

/** A char commons-validator allows unquoted in a user name (besides '\x' escapes and "'"). */
function isUserChar(c: number): boolean {
  if (isJavaSpace(c) || c < 32 || c === 127) return false;
  return !'()<>@,;:\'\\".[]'.includes(String.fromCharCode(c));
}

/** Ends of the words (unquoted or quoted) that can start at `i`. */
function userWordEnds(s: string, i: number): number[] {
  const ends: number[] = [];
  if (s.charCodeAt(i) === 34) {
    // "…": any chars, a '"' only as '\"'; a '\' may also stand alone, so track both readings.
    let states = new Set<number>([i + 1]);
    while (states.size > 0) {
      const next = new Set<number>();
      for (const p of states) {
        if (p >= s.length) continue;
        const c = s.charCodeAt(p);
        if (c === 34) {
          ends.push(p + 1);
          continue;
        }
        next.add(p + 1);
        if (c === 92 && s.charCodeAt(p + 1) === 34) next.add(p + 2);
      }
      states = next;
    }
    return ends;
  }
  let p = i;
  for (;;) {
    const c = s.charCodeAt(p);
    if (c === 92 && p + 1 < s.length && !isLineEnd(s.charCodeAt(p + 1))) p += 2;
    else if (p < s.length && (c === 39 || isUserChar(c))) p += 1;
    else break;
    ends.push(p);
  }
  return ends;
}

/** `EmailValidator.isValidUser`: at most 64 chars of dot-separated words. */
function isValidEmailUser(user: string): boolean {
  if (user.length > 64) return false;
  let start = 0;
  while (start < user.length && isJavaSpace(user.charCodeAt(start))) start++;
  const seen = new Set<number>();
  let frontier = userWordEnds(user, start);
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const end of frontier) {
      if (end === user.length) return true;
      if (seen.has(end)) continue;
      seen.add(end);
      if (user.charCodeAt(end) === 46) next.push(...userWordEnds(user, end + 1));
    }
    frontier = next;
  }
  return false;
}

/** `EmailValidator.getInstance().isValid`. */
export function isValidEmail(email: string): boolean {
  if (email.endsWith('.')) return false;
  const m = EMAIL_SHAPE.exec(email);
  if (m === null) return false;
  if (!isValidEmailUser(m[1] as string)) return false;
  const domain = m[2] as string;
  const ip = IP_DOMAIN.exec(domain);
  if (ip !== null) return isValidInet4(ip[1] as string) || isValidInet6(ip[1] as string);
  return isValidDomain(domain);
}

const URL_SHAPE = /^(([^:/?#]+):)?(\/\/([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$/;
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+\-.]*$/;
const URL_SCHEMES = new Set(['http', 'https', 'ftp']);
const AUTHORITY =
  /^(?:\[([0-9a-fA-F:]+)\]|(?:[a-zA-Z0-9%-._~!$&'()*+,;=]+(?::[a-zA-Z0-9%-._~!$&'()*+,;=]*)?@)?([A-Za-z0-9\-.]*))(?::([0-9]*))?(.*)$/;
const URL_PATH = /^(\/[-\w:@&?=+,.!/~*'%$_;()]*)?$/;
const URL_QUERY = /^[^ \t\n\v\f\r]*$/;

/** `java.net.URI.normalize()` of a path: drop '.' segments, fold 'x/..'. */
function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const segments = path.split('/');
  if (absolute) segments.shift();
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    const last = i === segments.length - 1;
    if (seg === '.') {
      if (last) out.push('');
      continue;
    }
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..' && out[out.length - 1] !== '') {
      out.pop();
      if (last) out.push('');
      continue;
    }
    out.push(seg);
  }
  return (absolute ? '/' : '') + out.join('/');
}

function isValidUrlAuthority(authority: string): boolean {
  const m = AUTHORITY.exec(unicodeToAscii(authority));
  if (m === null) return false;
  if (m[1] !== undefined) {
    if (!isValidInet6(m[1])) return false;
  } else {
    const host = m[2] ?? '';
    if (!isValidDomain(host) && !isValidInet4(host)) return false;
    const port = m[3];
    // Integer.parseInt, then 0–65535 (leading zeros are fine).
    if (port !== undefined && port.length > 0 && Number(port) > 65535) return false;
  }
  const extra = m[4];
  return extra === undefined || javaTrim(extra).length === 0;
}

/** `UrlValidator.getInstance().isValid`: http, https and ftp URLs with a valid host. */
export function isValidUrl(url: string): boolean {
  const m = URL_SHAPE.exec(url);
  if (m === null) return false;
  const scheme = m[2];
  if (scheme === undefined || !URL_SCHEME.test(scheme) || !URL_SCHEMES.has(scheme.toLowerCase()))
    return false;
  const authority = m[4];
  if (authority === undefined || !isValidUrlAuthority(authority)) return false;
  const path = m[5] ?? '';
  if (!URL_PATH.test(path)) return false;
  const norm = normalizePath(path);
  if (norm.startsWith('/../') || norm === '/..') return false;
  if (path.includes('//')) return false;
  const query = m[7];
  return query === undefined || URL_QUERY.test(query);
}

/**
 * `LongValidator.getInstance().isValid`: the trimmed text parses as a whole with the default
 * (en-US) `DecimalFormat`, integer part only, to a value that fits a long — so "1,000", "1E3"
 * and "-0" count, "1.0" and "+1" do not.
 */
export function isValidLong(raw: string): boolean {
  const s = javaTrim(raw);
  if (s === '') return false;
  let pos = 0;
  const negative = s.charCodeAt(0) === 45;
  if (negative) pos = 1;
  let digits = '';
  let backup = -1;
  let sawDigit = false;
  let exponent = 0;
  for (; pos < s.length; pos++) {
    const c = s.charCodeAt(pos);
    if (c >= 48 && c <= 57) {
      backup = -1;
      sawDigit = true;
      digits += s.charAt(pos);
    } else if (c === 44) {
      // A grouping separator counts only when a digit follows it.
      backup = pos;
    } else if (c === 69) {
      const m = /^E(-?)([0-9]+)/.exec(s.slice(pos));
      if (m !== null) {
        exponent = Number(m[2]) * (m[1] === '-' ? -1 : 1);
        pos += m[0].length;
      }
      break;
    } else {
      break;
    }
  }
  if (backup !== -1) pos = backup;
  if (!sawDigit || pos < s.length) return false;
  let mantissa = BigInt(digits);
  // Integer-only parsing lets "-0" through as the long 0.
  if (mantissa === 0n) return true;
  if (exponent > 19 || exponent < -(digits.length + 1)) return false;
  if (exponent >= 0) mantissa *= 10n ** BigInt(exponent);
  else {
    const div = 10n ** BigInt(-exponent);
    if (mantissa % div !== 0n) return false;
    mantissa /= div;
  }
  return negative ? mantissa <= 9223372036854775808n : mantissa <= 9223372036854775807n;
}
