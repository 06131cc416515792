import { getPublicSuffix, parse as parseDomain } from 'tldts';
import { isNumber, numValue, toJavaString, type Value } from '../values.js';
import { type FunctionDef, fail } from './types.js';

/**
 * Network, domain, URL and validation functions, with Metron's semantics:
 *
 * - `IN_SUBNET` is commons-net 3.1's `SubnetUtils` (IPv4 only; the network and broadcast
 *   addresses are *not* in range, so a /31 or /32 matches nothing but 0.0.0.0).
 * - `DOMAIN_*` follow Guava's `InternetDomainName` (public suffix list, private section
 *   included), falling back to the last label for unknown suffixes exactly as Metron does.
 * - `URL_*` follow `java.net.URL` (http, https, ftp, file and mailto handlers).
 * - `IS_*` follow commons-validator 1.6 (`InetAddressValidator`, `DomainValidator`,
 *   `EmailValidator`, `UrlValidator`, `LongValidator`) and `SimpleDateFormat` (non-lenient).
 * - `DOMAIN_TYPOSQUAT` is metron-common's typosquat package (dnstwist strategies), with Java's
 *   IDNA2003 `IDN.toASCII` for the homoglyph punycode forms.
 */

// ---------------------------------------------------------------------------------------------
// Java-style conversions shared by several functions.

/** Java's `String.trim`: strips every char ≤ U+0020 at both ends. */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 32) start++;
  while (end > start && s.charCodeAt(end - 1) <= 32) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

const INT_TEXT = /^[+-]?[0-9]+$/;

/**
 * What BeanUtils converts when given a collection: its first element (null when it is empty);
 * any other value as is.
 */
export function firstIfCollection(v: Value): Value {
  if (Array.isArray(v)) return v.length > 0 ? (v[0] as Value) : null;
  if (v instanceof Set) {
    for (const x of v) return x;
    return null;
  }
  return v;
}

/**
 * Metron's `ConversionUtils.convert(x, Integer.class)` (BeanUtils' number converter with null
 * defaults): numbers truncate if they fit an int, strings parse as Java ints, booleans are 1/0,
 * a collection converts its first element.
 */
export function convertToInt(value: Value): number | null {
  const v = firstIfCollection(value);
  if (isNumber(v)) {
    const n = Math.trunc(numValue(v)) || 0;
    return n >= -2147483648 && n <= 2147483647 ? n : null;
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = javaTrim(v);
    if (!INT_TEXT.test(s)) return null;
    const n = Number(s);
    return n >= -2147483648 && n <= 2147483647 ? n : null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// IN_SUBNET: commons-net 3.1 SubnetUtils.

/** The usable host range of a CIDR as unsigned 32-bit numbers (low = high = 0 for /31 and /32). */
interface HostRange {
  readonly low: number;
  readonly high: number;
}

const SUBNET_CACHE_LIMIT = 10_000;
/** Parsed CIDRs by their text; a string entry is the error the CIDR raises. */
const subnets = new Map<string, HostRange | string>();

/**
 * Dotted-quad IPv4 as commons-net reads it (`\d{1,3}` × 4, each ≤ 255) from `s[from, to)`: the
 * unsigned 32-bit value, -1 when it does not match, -2 when an octet is over 255.
 */
function dottedQuad(s: string, from: number, to: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let tooBig = false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return -1;
      octet = octet * 10 + (c - 48);
    } else if (c === 46 && digits > 0 && dots < 3) {
      if (octet > 255) tooBig = true;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  if (octet > 255) tooBig = true;
  return tooBig ? -2 : value * 256 + octet;
}

function parseSubnet(cidr: string): HostRange | string {
  const slash = cidr.indexOf('/');
  const bad = `Could not parse [${cidr}]`;
  if (slash < 0) return bad;
  const address = dottedQuad(cidr, 0, slash);
  if (address === -1) return bad;
  const maskText = cidr.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(maskText)) return bad;
  if (address === -2) return 'Value out of range (-1,255]';
  const bits = Number(maskText);
  // commons-net 3.1 checks the mask with (0, 32]: /0 is refused.
  if (bits < 1 || bits > 32) return `Value [${bits}] not in range (0,32]`;
  const size = 2 ** (32 - bits);
  const network = Math.floor(address / size) * size;
  const broadcast = network + size - 1;
  // Without "inclusive host count" the network and broadcast addresses are not hosts, and a
  // subnet of one or two addresses has no hosts: commons-net then reports 0.0.0.0 as its range.
  return broadcast - network > 1 ? { low: network + 1, high: broadcast - 1 } : { low: 0, high: 0 };
}

function subnetOf(cidr: string): HostRange {
  let range = subnets.get(cidr);
  if (range === undefined) {
    if (subnets.size >= SUBNET_CACHE_LIMIT) subnets.clear();
    range = parseSubnet(cidr);
    subnets.set(cidr, range);
  }
  if (typeof range === 'string') return fail(range);
  return range;
}

function inSubnet(args: readonly Value[]): Value {
  const ip = args[0] ?? null;
  if (ip === null) return false;
  if (typeof ip !== 'string') return fail(`${toJavaString(ip)} is not a string IP address`);
  let address = -1;
  for (let i = 1; i < args.length; i++) {
    const cidr = args[i];
    if (cidr === null || cidr === undefined) continue;
    if (typeof cidr !== 'string') fail(`${toJavaString(cidr)} is not a string CIDR`);
    const range = subnetOf(cidr);
    if (address < 0) {
      address = dottedQuad(ip, 0, ip.length);
      if (address < 0) fail(address === -1 ? `Could not parse [${ip}]` : 'Value out of range (-1,255]');
    }
    if (address >= range.low && address <= range.high) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Domains: Guava's InternetDomainName (as Metron uses it) over tldts' public suffix list.

const SUFFIX_OPTIONS = {
  allowPrivateDomains: true,
  extractHostname: false,
  validateHostname: false,
  detectIp: false,
  mixedInputs: false,
} as const;

const ICANN_OPTIONS = { ...SUFFIX_OPTIONS, allowPrivateDomains: false } as const;

/** Whether a single label is a suffix the list knows (rather than one tldts assumed), by section. */
const knownLabels = { all: new Map<string, boolean>(), icann: new Map<string, boolean>() };

function isKnownSuffixLabel(label: string, icannOnly: boolean): boolean {
  const cache = icannOnly ? knownLabels.icann : knownLabels.all;
  let known = cache.get(label);
  if (known === undefined) {
    if (cache.size >= 5_000) cache.clear();
    const r = parseDomain(label, icannOnly ? ICANN_OPTIONS : SUFFIX_OPTIONS);
    known = r.isIcann === true || (!icannOnly && r.isPrivate === true);
    cache.set(label, known);
  }
  return known;
}

/** The public suffix of a normalised (lower-case, no trailing dot) name, or null if unknown. */
function publicSuffix(name: string): string | null {
  const suffix = getPublicSuffix(name, SUFFIX_OPTIONS);
  if (suffix === null || suffix === '') return null;
  // A multi-label suffix always comes from a rule; a single label may be tldts' default rule.
  if (suffix.includes('.')) return suffix;
  return isKnownSuffixLabel(suffix, false) ? suffix : null;
}

const isUnicodeDot = (c: number): boolean => c === 0x3002 || c === 0xff0e || c === 0xff61;

/** Guava's validation of the label `name[start, end)`: 1–63 chars, ASCII letters, digits, - and _ only, no - or _ at either end. */
function validGuavaPart(name: string, start: number, end: number, last: boolean): boolean {
  const n = end - start;
  if (n < 1 || n > 63) return false;
  for (let i = start; i < end; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x80) continue; // non-ASCII is accepted as is
    const ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95 || (c >= 65 && c <= 90);
    if (!ok) return false;
  }
  const first = name.charCodeAt(start);
  const final = name.charCodeAt(end - 1);
  if (first === 45 || first === 95 || final === 45 || final === 95) return false;
  // The last label may not start with a digit: that is what keeps 127.0.0.1 from being a domain.
  if (!last) return true;
  if (first < 0x80) return first < 48 || first > 57;
  return !/^\p{Nd}/u.test(name.slice(start, start + 2));
}

/**
 * `InternetDomainName.from(name)`: the normalised name (Unicode dots to '.', ASCII lower-cased,
 * trailing dot dropped) if it is a syntactically valid domain, else null.
 */
function guavaDomain(raw: string): string | null {
  let name = raw;
  for (let i = 0; i < name.length; i++) {
    if (isUnicodeDot(name.charCodeAt(i))) {
      name = name.replace(/[\u3002\uff0e\uff61]/g, '.');
      break;
    }
  }
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      name = name.replace(/[A-Z]+/g, (m) => m.toLowerCase());
      break;
    }
  }
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name.length > 253) return null;
  let start = 0;
  let parts = 0;
  for (;;) {
    const dot = name.indexOf('.', start);
    const end = dot < 0 ? name.length : dot;
    if (++parts > 127) return null;
    if (!validGuavaPart(name, start, end, dot < 0)) return null;
    if (dot < 0) break;
    start = dot + 1;
  }
  return name;
}

/** A domain argument: the text, null for null, an error for a non-string (as Metron's `toDomainName`). */
function domainText(v: Value | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string')
    return fail(`${toJavaString(v)} is not a string and therefore also not a domain.`);
  return v;
}

/**
 * Metron's `extractTld`: the public suffix of a valid name; otherwise whatever follows the last
 * '.' of the text as given (all of it when there is no dot).
 */
function extractTld(name: string | null, text: string): string {
  if (name !== null) {
    const suffix = publicSuffix(name);
    if (suffix !== null) return suffix;
  }
  const dot = text.lastIndexOf('.');
  return dot < 0 ? text : text.slice(dot + 1);
}

function domainToTld(args: readonly Value[]): Value {
  const text = domainText(args[0]);
  // Metron concatenates the argument with "" here, so a null domain gives the TLD "null".
  if (text === null) return 'null';
  return extractTld(guavaDomain(text), text);
}

function domainRemoveTld(args: readonly Value[]): Value {
  const text = domainText(args[0]);
  const name = text === null ? null : guavaDomain(text);
  if (text === null || name === null) return null;
  const rest = text.slice(0, text.length - extractTld(name, text).length);
  return rest === '' ? rest : rest.slice(0, -1);
}

function domainRemoveSubdomains(args: readonly Value[]): Value {
  if (args.length === 0) return null;
  const text = domainText(args[0]);
  const name = text === null ? null : guavaDomain(text);
  if (text === null || name === null) return null;
  const tld = extractTld(name, text);
  const rest = text.slice(0, text.length - tld.length);
  if (rest === '') return text;
  // The last label before the suffix ('' when the text ends in '.', as Metron gives it).
  const host = rest.slice(0, -1);
  return `${host.slice(host.lastIndexOf('.') + 1)}.${tld}`;
}

// ---------------------------------------------------------------------------------------------
// URLs: java.net.URL.

interface JavaUrl {
  protocol: string;
  host: string;
  /** -1 when the URL gives none. */
  port: number;
  path: string;
  defaultPort: number;
}

/** The stream handlers a JVM has for these protocols, by their default port. */
const URL_HANDLERS: Readonly<Record<string, number>> = {
  http: 80,
  https: 443,
  ftp: 21,
  file: -1,
  mailto: -1,
};

const JAVA_INT = /^[+-]?[0-9]+$/;

function javaParseInt(s: string): number {
  if (!JAVA_INT.test(s)) throw new Error(`For input string: "${s}"`);
  const n = Number(s);
  if (n < -2147483648 || n > 2147483647) throw new Error(`For input string: "${s}"`);
  return n;
}

function isValidProtocol(p: string): boolean {
  if (p.length < 1 || !/^\p{L}$/u.test(p.charAt(0))) return false;
  return /^[\p{L}\p{Nd}.+-]*$/u.test(p.slice(1));
}

/** `new URL(spec)`: null where Java throws MalformedURLException. */
function parseJavaUrl(spec: string): JavaUrl | null {
  let limit = spec.length;
  while (limit > 0 && spec.charCodeAt(limit - 1) <= 32) limit--;
  let start = 0;
  while (start < limit && spec.charCodeAt(start) <= 32) start++;
  if (spec.slice(start, start + 4).toLowerCase() === 'url:') start += 4;
  let protocol: string | undefined;
  if (spec.charAt(start) !== '#') {
    for (let i = start; i < limit; i++) {
      const c = spec.charAt(i);
      if (c === '/') break;
      if (c === ':') {
        const p = spec.slice(start, i).toLowerCase();
        if (isValidProtocol(p)) {
          protocol = p;
          start = i + 1;
        }
        break;
      }
    }
  }
  if (protocol === undefined) return null;
  const defaultPort = URL_HANDLERS[protocol];
  if (defaultPort === undefined) return null;
  const hash = spec.indexOf('#', start);
  if (hash >= 0 && hash < limit) limit = hash;
  try {
    if (protocol === 'mailto') {
      const file = start < limit ? spec.slice(start, limit) : '';
      if (file.trim() === '') return null;
      const q = file.lastIndexOf('?');
      return { protocol, host: '', port: -1, path: q < 0 ? file : file.slice(0, q), defaultPort };
    }
    return { protocol, ...parseHierarchical(spec, start, limit), defaultPort };
  } catch {
    return null;
  }
}

/** `URLStreamHandler.parseURL` for a URL without a context. */
function parseHierarchical(
  whole: string,
  from: number,
  to: number,
): { host: string; port: number; path: string } {
  let spec = whole;
  let start = from;
  let limit = to;
  if (start < limit) {
    const q = spec.indexOf('?');
    if (q !== -1 && q < limit) {
      limit = q;
      spec = spec.slice(0, q);
    }
  }
  let host: string | null = '';
  let port = -1;
  let path: string | null = null;
  let authority: string | null = null;
  const unc = start <= limit - 4 && spec.startsWith('////', start);
  if (!unc && start <= limit - 2 && spec.startsWith('//', start)) {
    start += 2;
    let i = spec.indexOf('/', start);
    if (i < 0 || i > limit) {
      i = spec.indexOf('?', start);
      if (i < 0 || i > limit) i = limit;
    }
    authority = spec.slice(start, i);
    host = authority;
    const at = authority.indexOf('@');
    if (at !== -1) host = at !== authority.lastIndexOf('@') ? null : authority.slice(at + 1);
    if (host !== null) {
      if (host.startsWith('[')) {
        const close = host.indexOf(']');
        if (close <= 2) throw new Error(`Invalid authority field: ${authority}`);
        const literal = host.slice(1, close);
        const rest = host.slice(close + 1);
        host = host.slice(0, close + 1);
        if (!isValidInet6(literal)) throw new Error(`Invalid host: ${host}`);
        if (rest !== '') {
          if (!rest.startsWith(':')) throw new Error(`Invalid authority field: ${authority}`);
          if (rest.length > 1) port = javaParseInt(rest.slice(1));
        }
      } else {
        const colon = host.indexOf(':');
        if (colon >= 0) {
          if (host.length > colon + 1) port = javaParseInt(host.slice(colon + 1));
          host = host.slice(0, colon);
        }
      }
    } else {
      host = '';
    }
    if (port < -1) throw new Error(`Invalid port number :${port}`);
    start = i;
    if (authority.length > 0) path = '';
  }
  if (start < limit) {
    path =
      spec.charAt(start) === '/'
        ? spec.slice(start, limit)
        : `${authority !== null ? '/' : ''}${spec.slice(start, limit)}`;
  }
  return { host, port, path: path ?? '' };
}

function urlArg(v: Value | undefined): JavaUrl | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') return fail(`${toJavaString(v)} is not a string and therefore also not a URL.`);
  return parseJavaUrl(v);
}

// ---------------------------------------------------------------------------------------------
// PROTOCOL_TO_NAME: Metron's table of IANA protocol numbers (with its gaps, and 88 as "").

const PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map(
  (
    '1 ICMP|2 IGMP|3 GGP|4 IP-in-IP|5 ST|6 TCP|7 CBT|8 EGP|9 IGP|10 BBN-RCC-MON|11 NVP-II|12 PUP|13 ARGUS|' +
    '14 EMCON|15 XNET|16 CHAOS|17 UDP|18 MUX|19 DCN-MEAS|20 HMP|21 PRM|22 XNS-IDP|23 TRUNK-1|24 TRUNK-2|' +
    '25 LEAF-1|26 LEAF-2|27 RDP|28 IRTP|29 ISO-TP4|30 NETBLT|31 MFE-NSP|32 MERIT-INP|33 DCCP|34 3PC|35 IDPR|' +
    '36 XTP|37 DDP|38 IDPR-CMTP|39 TP++|40 IL|41 IPv6|42 SDRP|43 IPv6-Route|44 IPv6-Frag|45 IDRP|46 RSVP|' +
    '47 GRE|48 MHRP|49 BNA|50 ESP|51 AH|52 I-NLSP|53 SWIPE|54 NARP|55 MOBILE|56 TLSP|57 SKIP|58 IPv6-ICMP|' +
    '59 IPv6-NoNxt|60 IPv6-Opts|62 CFTP|64 SAT-EXPAK|65 KRYPTOLAN|66 RVD|67 IPPC|68 SAT-MON|70 VISA|71 IPCU|' +
    '72 CPNX|73 CPHB|74 WSN|75 PVP|76 BR-SAT-MON|77 SUN-ND|78 WB-MON|79 WB-EXPAK|80 ISO-IP|81 VMTP|' +
    '82 SECURE-VMTP|83 VINES|84 TTP|85 NSFNET-IGP|86 DGP|87 TCF|88 |89 OSPF|90 Sprite-RP|91 LARP|92 MTP|' +
    '93 AX.25|94 IPIP|95 MICP|96 SCC-SP|97 ETHERIP|98 ENCAP|100 GMTP|101 IFMP|102 PNNI|103 PIM|104 ARIS|' +
    '105 SCPS|106 QNX|107 A/N|108 IPComp|109 SNP|110 Compaq-Peer|111 IPX-in-IP|112 VRRP|113 PGM|115 L2TP|' +
    '116 DDX|117 IATP|118 STP|119 SRP|120 UTI|121 SMP|122 SM|123 PTP|124 IS-IS|125 FIRE|126 CRTP|127 CRUDP|' +
    '128 SSCOPMCE|129 IPLT|130 SPS|131 PIPE|132 SCTP|133 FC|134 RSVP-E2E-IGNORE|135 Mobility Header|' +
    '136 UDPLite|137 MPLS-in-IP|138 manet|139 HIP|140 Shim6|141 WESP|142 ROHC'
  )
    .split('|')
    .map((entry): [number, string] => {
      const space = entry.indexOf(' ');
      return [Number(entry.slice(0, space)), entry.slice(space + 1)];
    }),
);

function protocolToName(args: readonly Value[]): Value {
  const v = args[0] ?? null;
  if (v === null) return null;
  const key = convertToInt(v);
  if (key === null) return v;
  return PROTOCOL_NAMES.get(key) ?? v;
}

// ---------------------------------------------------------------------------------------------
// IDNA2003 (Java's java.net.IDN): nameprep and punycode, for IDN domains in the validators and
// the homoglyph typosquats.

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
function idnToAscii(input: string, allowUnassigned: boolean): string {
  return idnLabels(input, (label) => toAsciiLabel(label, allowUnassigned));
}

/** `IDN.toUnicode`: labels that do not decode cleanly are kept as they are. */
function idnToUnicode(input: string): string {
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
function unicodeToAscii(input: string): string {
  if (isAscii(input)) return input;
  try {
    const ascii = idnToAscii(input, false);
    const last = input.charCodeAt(input.length - 1);
    return isLabelDot(last) && !ascii.endsWith('.') ? `${ascii}.` : ascii;
  } catch {
    return input;
  }
}

// ---------------------------------------------------------------------------------------------
// commons-validator 1.6.

/** `InetAddressValidator.isValidInet4Address`: four decimal octets ≤ 255, no leading zeros. */
function isValidInet4(s: string): boolean {
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
function isValidInet6(s: string): boolean {
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
function isValidDomain(raw: string): boolean {
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
function isValidEmail(email: string): boolean {
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
function isValidUrl(url: string): boolean {
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
function isValidLong(raw: string): boolean {
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

// ---------------------------------------------------------------------------------------------
// IS_DATE: a non-lenient SimpleDateFormat parse (en-US symbols, Gregorian/Julian calendar).

type DateToken = { literal: string } | { letter: string; count: number };

const PATTERN_LETTERS = 'GyMdkHmsSEDFwWahKzZYuXL';
const MONTHS = 'January February March April May June July August September October November December'.split(
  ' ',
);
const SHORT_MONTHS = MONTHS.map((m) => m.slice(0, 3));
const WEEKDAYS = 'Sunday Monday Tuesday Wednesday Thursday Friday Saturday'.split(' ');
const SHORT_WEEKDAYS = WEEKDAYS.map((d) => d.slice(0, 3));
const ERAS = ['BC', 'AD'];
const AM_PM = ['AM', 'PM'];
/** Zone names `z` accepts besides GMT±hh:mm and RFC 822 offsets (a common subset of Java's), in minutes. */
const ZONE_NAMES: ReadonlyMap<string, number> = new Map(
  'utc=0|gmt=0|coordinated universal time=0|greenwich mean time=0|ut=0|wet=0|bst=60|cet=60|cest=120|met=60|mest=120|eet=120|eest=180|msk=180|ist=330|jst=540|kst=540|hkt=480|sgt=480|aest=600|aedt=660|acst=570|awst=480|nzst=720|nzdt=780|est=-300|edt=-240|eastern standard time=-300|eastern daylight time=-240|cst=-360|cdt=-300|central standard time=-360|central daylight time=-300|mst=-420|mdt=-360|mountain standard time=-420|mountain daylight time=-360|pst=-480|pdt=-420|pacific standard time=-480|pacific daylight time=-420|akst=-540|akdt=-480|hst=-600'
    .split('|')
    .map((e): [string, number] => {
      const eq = e.indexOf('=');
      return [e.slice(0, eq), Number(e.slice(eq + 1))];
    }),
);

const dateFormats = new Map<string, readonly DateToken[] | string>();

/** `new SimpleDateFormat(pattern)`'s compile step: tokens, or the IllegalArgumentException text. */
function compileDatePattern(pattern: string): readonly DateToken[] | string {
  const tokens: DateToken[] = [];
  let literal = '';
  let inQuote = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === "'") {
      // '' is one quote, inside or outside a quoted section.
      if (pattern.charAt(i + 1) === "'") {
        literal += c;
        i++;
      } else {
        inQuote = !inQuote;
      }
      continue;
    }
    if (inQuote || !/[a-zA-Z]/.test(c)) {
      literal += c;
      continue;
    }
    if (!PATTERN_LETTERS.includes(c)) return `Illegal pattern character '${c}'`;
    let count = 1;
    while (pattern.charAt(i + count) === c) count++;
    if (c === 'X' && count > 3) return `invalid ISO 8601 format: length=${count}`;
    if (literal !== '') tokens.push({ literal });
    literal = '';
    tokens.push({ letter: c, count });
    i += count - 1;
  }
  if (inQuote) return 'Unterminated quote';
  if (literal !== '') tokens.push({ literal });
  return tokens;
}

function datePattern(pattern: string): readonly DateToken[] {
  let tokens = dateFormats.get(pattern);
  if (tokens === undefined) {
    if (dateFormats.size >= 1_000) dateFormats.clear();
    tokens = compileDatePattern(pattern);
    dateFormats.set(pattern, tokens);
  }
  if (typeof tokens === 'string') return fail(tokens);
  return tokens;
}

/** The integer `DecimalFormat` of SimpleDateFormat (no grouping) reading `text[pos, end)`. */
function dateNumber(text: string, pos: number, end: number): { value: number; end: number } | null {
  let p = pos;
  const negative = text.charCodeAt(p) === 45;
  if (negative) p++;
  const first = p;
  let value = 0;
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
    p++;
  }
  if (p === first) return null;
  return { value: negative ? -value : value, end: p };
}

/** Case-insensitive longest match of `names` at `start`: [index, end] or null. */
function matchName(text: string, start: number, names: readonly string[]): [number, number] | null {
  let best = -1;
  let bestLength = 0;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (
      name.length > bestLength &&
      text.slice(start, start + name.length).toLowerCase() === name.toLowerCase()
    ) {
      best = i;
      bestLength = name.length;
    }
  }
  return best < 0 ? null : [best, start + bestLength];
}

/** `+hh[[:]mm]` after the sign at `start - 1`: the offset in minutes and the end, or null. */
function numericZone(text: string, start: number, count: number, colon: boolean): [number, number] | null {
  const digit = (i: number) => {
    const c = text.charCodeAt(i);
    return c >= 48 && c <= 57 ? c - 48 : -1;
  };
  let i = start;
  let hours = digit(i++);
  if (hours < 0) return null;
  const d2 = digit(i);
  if (d2 >= 0) {
    hours = hours * 10 + d2;
    i++;
  } else if (count > 0 || !colon) return null;
  if (hours > 23) return null;
  let minutes = 0;
  if (count !== 1) {
    if (colon) {
      if (text.charAt(i) !== ':') return null;
      i++;
    }
    const m1 = digit(i);
    const m2 = digit(i + 1);
    if (m1 < 0 || m2 < 0) return null;
    minutes = m1 * 10 + m2;
    if (minutes > 59) return null;
    i += 2;
  }
  return [hours * 60 + minutes, i];
}

type DateFields = Map<string, number>;

/** One field of `SimpleDateFormat.subParse`: the new position, or -1. */
function parseDateField(
  text: string,
  start: number,
  letter: string,
  count: number,
  obeyCount: boolean,
  fields: DateFields,
  centuryStart: number,
): number {
  let pos = start;
  for (;;) {
    if (pos >= text.length) return -1;
    const c = text.charCodeAt(pos);
    if (c !== 32 && c !== 9) break;
    pos++;
  }
  const actualStart = pos;
  const number = () => {
    if (obeyCount && start + count > text.length) return null;
    return dateNumber(text, pos, obeyCount ? start + count : text.length);
  };
  switch (letter) {
    case 'G': {
      const m = matchName(text, start, ERAS);
      if (m === null) return -1;
      fields.set('era', m[0]);
      return m[1];
    }
    case 'y':
    case 'Y': {
      const n = number();
      if (n === null) return -1;
      let value = n.value;
      if (count <= 2 && n.end - actualStart === 2 && /^[0-9]{2}$/.test(text.slice(actualStart, n.end))) {
        const ambiguous = centuryStart % 100;
        value += Math.floor(centuryStart / 100) * 100 + (value < ambiguous ? 100 : 0);
      }
      fields.set('year', value);
      return n.end;
    }
    case 'M':
    case 'L': {
      if (count <= 2) {
        const n = number();
        if (n === null) return -1;
        fields.set('month', n.value - 1);
        return n.end;
      }
      const m = matchName(text, start, MONTHS) ?? matchName(text, start, SHORT_MONTHS);
      if (m === null) return -1;
      fields.set('month', m[0]);
      return m[1];
    }
    case 'E': {
      const m = matchName(text, start, WEEKDAYS) ?? matchName(text, start, SHORT_WEEKDAYS);
      if (m === null) return -1;
      fields.set('dayOfWeek', m[0] + 1);
      return m[1];
    }
    case 'a': {
      const m = matchName(text, start, AM_PM);
      if (m === null) return -1;
      fields.set('ampm', m[0]);
      return m[1];
    }
    case 'k': {
      const n = number();
      if (n === null || n.value < 1 || n.value > 24) return -1;
      fields.set('hourOfDay', n.value === 24 ? 0 : n.value);
      return n.end;
    }
    case 'h': {
      const n = number();
      if (n === null || n.value < 1 || n.value > 12) return -1;
      fields.set('hour', n.value === 12 ? 0 : n.value);
      return n.end;
    }
    case 'z':
    case 'Z': {
      const c = text.charAt(pos);
      if (c === '+' || c === '-') {
        const z = numericZone(text, pos + 1, 0, false);
        if (z === null) return -1;
        fields.set('zone', c === '-' ? -z[0] : z[0]);
        return z[1];
      }
      if (text.slice(start, start + 3).toLowerCase() === 'gmt') {
        const after = text.charAt(start + 3);
        if (after !== '+' && after !== '-') {
          fields.set('zone', 0);
          return start + 3;
        }
        const z = numericZone(text, start + 4, 0, true);
        if (z === null) return -1;
        fields.set('zone', after === '-' ? -z[0] : z[0]);
        return z[1];
      }
      let best: [number, number] | null = null;
      for (const [name, offset] of ZONE_NAMES) {
        if (
          (best === null || name.length > best[1] - pos) &&
          text.slice(pos, pos + name.length).toLowerCase() === name
        ) {
          best = [offset, pos + name.length];
        }
      }
      if (best === null) return -1;
      fields.set('zone', best[0]);
      return best[1];
    }
    case 'X': {
      const c = text.charAt(pos);
      if (c === 'Z') {
        fields.set('zone', 0);
        return pos + 1;
      }
      if (c !== '+' && c !== '-') return -1;
      const z = numericZone(text, pos + 1, count, count === 3);
      if (z === null) return -1;
      fields.set('zone', c === '-' ? -z[0] : z[0]);
      return z[1];
    }
    default: {
      const n = number();
      if (n === null) return -1;
      const field = GENERIC_FIELDS[letter] as string;
      let value = n.value;
      // 'u' is the ISO day number (Monday = 1); the calendar counts from Sunday = 1.
      if (letter === 'u' && value >= 1 && value <= 7) value = value === 7 ? 1 : value + 1;
      fields.set(field, value);
      return n.end;
    }
  }
}

const GENERIC_FIELDS: Readonly<Record<string, string>> = {
  d: 'day',
  H: 'hourOfDay',
  m: 'minute',
  s: 'second',
  S: 'millis',
  D: 'dayOfYear',
  F: 'dayOfWeekInMonth',
  w: 'weekOfYear',
  W: 'weekOfMonth',
  K: 'hour',
  u: 'dayOfWeek',
};

/** GregorianCalendar's minimum and maximum of each field. */
const FIELD_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  era: [0, 1],
  year: [1, 292278994],
  month: [0, 11],
  weekOfYear: [1, 53],
  weekOfMonth: [0, 6],
  day: [1, 31],
  dayOfYear: [1, 366],
  dayOfWeek: [1, 7],
  dayOfWeekInMonth: [-1, 6],
  ampm: [0, 1],
  hour: [0, 11],
  hourOfDay: [0, 23],
  minute: [0, 59],
  second: [0, 59],
  millis: [0, 999],
  zone: [-13 * 60, 14 * 60],
};

/** Julian day number of a date in Java's calendar (Julian before 1582-10-15); null in the gap. */
function julianDay(year: number, month: number, day: number): number | null {
  const a = Math.floor((14 - month) / 12);
  const y = year + 4800 - a;
  const m = month + 12 * a - 3;
  const gregorian = year > 1582 || (year === 1582 && (month > 10 || (month === 10 && day >= 15)));
  if (gregorian) {
    return (
      day +
      Math.floor((153 * m + 2) / 5) +
      365 * y +
      Math.floor(y / 4) -
      Math.floor(y / 100) +
      Math.floor(y / 400) -
      32045
    );
  }
  if (year === 1582 && month === 10 && day > 4) return null;
  return day + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4) - 32083;
}

function monthLength(year: number, month: number): number {
  if (month === 2) {
    const leap = year > 1582 ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 : year % 4 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Calendar date of a Julian day number, in Java's calendar. */
function fromJulianDay(jd: number): [number, number, number] {
  let a: number;
  if (jd >= 2299161) {
    const b = jd + 32044;
    const c = Math.floor((4 * b + 3) / 146097);
    a = b - Math.floor((146097 * c) / 4);
    const d = Math.floor((4 * a + 3) / 1461);
    const e = a - Math.floor((1461 * d) / 4);
    const m = Math.floor((5 * e + 2) / 153);
    return [
      100 * c + d - 4800 + Math.floor(m / 10),
      m + 3 - 12 * Math.floor(m / 10),
      e - Math.floor((153 * m + 2) / 5) + 1,
    ];
  }
  const c = jd + 32082;
  const d = Math.floor((4 * c + 3) / 1461);
  const e = c - Math.floor((1461 * d) / 4);
  const m = Math.floor((5 * e + 2) / 153);
  return [
    d - 4800 + Math.floor(m / 10),
    m + 3 - 12 * Math.floor(m / 10),
    e - Math.floor((153 * m + 2) / 5) + 1,
  ];
}

const dayOfWeekOf = (jd: number): number => ((((jd + 1) % 7) + 7) % 7) + 1;

/** US weeks (Sunday first, one day makes a week): week number of `jd` in the period from `day1`. */
function weekNumber(day1: number, jd: number): number {
  const weekStart = day1 - (dayOfWeekOf(day1) - 1);
  return Math.floor((jd - weekStart) / 7) + 1;
}

/** GregorianCalendar's non-lenient check: every field in range and all of them one date. */
function validDateFields(f: DateFields): boolean {
  for (const [field, value] of f) {
    const range = FIELD_RANGES[field];
    if (range && (value < range[0] || value > range[1])) return false;
  }
  const era = f.get('era') ?? 1;
  const year = era === 0 ? 1 - (f.get('year') ?? 1970) : (f.get('year') ?? 1970);
  const month = (f.get('month') ?? 0) + 1;
  const day = f.get('day');
  const dayOfYear = f.get('dayOfYear');
  let jd: number | null = null;
  if (day !== undefined) {
    if (day > monthLength(year, month)) return false;
    jd = julianDay(year, month, day);
    if (jd === null) return false;
  } else if (dayOfYear !== undefined) {
    const jan1 = julianDay(year, 1, 1) as number;
    const next = julianDay(year + 1, 1, 1) as number;
    if (jan1 + dayOfYear - 1 >= next) return false;
    jd = jan1 + dayOfYear - 1;
    if (f.has('month') && fromJulianDay(jd)[1] !== month) return false;
  }
  if (jd !== null) {
    const [y, m, d] = fromJulianDay(jd);
    const jan1 = julianDay(y, 1, 1) as number;
    const first = julianDay(y, m, 1) as number;
    if (dayOfYear !== undefined && jd - jan1 + 1 !== dayOfYear) return false;
    const dow = f.get('dayOfWeek');
    if (dow !== undefined && dow !== dayOfWeekOf(jd)) return false;
    const dowim = f.get('dayOfWeekInMonth');
    if (dowim !== undefined && dowim !== Math.floor((d - 1) / 7) + 1) return false;
    const wom = f.get('weekOfMonth');
    if (wom !== undefined && wom !== weekNumber(first, jd)) return false;
    const woy = f.get('weekOfYear');
    if (woy !== undefined) {
      let w = weekNumber(jan1, jd);
      if (w >= 52) {
        const nextJan1 = julianDay(y + 1, 1, 1) as number;
        const nextWeek = nextJan1 + ((8 - dayOfWeekOf(nextJan1)) % 7);
        if (nextWeek - nextJan1 >= 1 && jd >= nextWeek - 7) w = 1;
      }
      if (w !== woy) return false;
    }
  }
  const hourOfDay = f.get('hourOfDay');
  if (hourOfDay !== undefined) {
    const ampm = f.get('ampm');
    const hour = f.get('hour');
    if (ampm !== undefined && ampm !== (hourOfDay >= 12 ? 1 : 0)) return false;
    if (hour !== undefined && hour !== hourOfDay % 12) return false;
  }
  return true;
}

/** `SimpleDateFormat(format)` with `setLenient(false)` then `parse(date)`: did it parse? */
function isValidDate(date: string, format: string, now: number): boolean {
  const tokens = datePattern(format);
  const fields: DateFields = new Map();
  const centuryStart = new Date(now).getUTCFullYear() - 80;
  let pos = 0;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t] as DateToken;
    if ('literal' in token) {
      if (!date.startsWith(token.literal, pos)) return false;
      pos += token.literal.length;
      continue;
    }
    const next = tokens[t + 1];
    pos = parseDateField(
      date,
      pos,
      token.letter,
      token.count,
      next !== undefined && !('literal' in next),
      fields,
      centuryStart,
    );
    if (pos < 0) return false;
  }
  // DateFormat.parse refuses a parse that consumed nothing; trailing text is ignored.
  return pos > 0 && validDateFields(fields);
}

// ---------------------------------------------------------------------------------------------
// DOMAIN_TYPOSQUAT: metron-common's typosquat strategies.

/** Neighbouring keys on QWERTY, QWERTZ and AZERTY keyboards: each entry is a key followed by its neighbours. */
const KEYBOARDS: readonly ReadonlyMap<string, string>[] = [
  'jikmnhu w3esaq2 vcfgb lkop y7uhgt6 xzsdc r5tfde4 u8ijhy7 aqwsz q12wa cxdfv bvghn e4rdsw3 drfcxse gyhbvft plo0 i9okju8 hujnbgy kolmji ftgvcdr mnjk sedxzaw o0plki9 nbhjm 12q 0po9 34ew2 23wq1 56tr4 45re3 78uy6 67yt5 90oi8 89iu7 zasx t6ygfr5',
  'jikmnhu w3esaq2 vcfgb lkop yasx xysdc r5tfde4 u8ijhz7 aqwsy q12wa cxdfv bvghn e4rdsw3 drfcxse gzhbvft plo0 i9okju8 hujnbgz kolmji ftgvcdr mnjk sedxyaw o0plki9 nbhjm 12q 0po9 34ew2 23wq1 56tr4 45re3 78uz6 67zt5 90oi8 89iu7 z7uhgt6 t6zgfr5',
  'jiknhu wsxq vcfgb lkopm y7uhgt6 xzsdc r5tfde4 u8ijhy7 a2zq1 qzswa cxdfv bvghn e4rdsz3 drfcxse gyhbvft plo0m i9okju8 hujnbgy kolji ftgvcdr mlp sedxwqz o0plki9 nbhj 12a 0po9 34ez2 23za1 56tr4 45re3 78uy6 67yt5 90oi8 89iu7 z3esqa2 t6ygfr5',
].map((layout) => new Map(layout.split(' ').map((e) => [e.charAt(0), e.slice(1)])));

/** Look-alikes of each letter (Metron's list), space-separated. */
const HOMOGLYPHS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries({
    a: 'à á â ã ä å ɑ а ạ ǎ ă ȧ ӓ',
    b: 'd lb ib ʙ Ь b̔ ɓ Б',
    c: 'ϲ с ƈ ċ ć ç',
    d: 'b cl dl di ԁ ժ ɗ đ',
    e: 'é ê ë ē ĕ ě ė е ẹ ę є ϵ ҽ',
    f: 'Ϝ ƒ Ғ',
    g: 'q ɢ ɡ Ԍ ġ ğ ց ǵ ģ',
    h: 'lh ih һ հ Ꮒ н',
    i: '1 l Ꭵ í ï ı ɩ ι ꙇ ǐ ĭ',
    j: 'ј ʝ ϳ ɉ',
    k: 'lk ik lc κ ⲕ',
    l: '1 i ɫ ł',
    m: 'n nn rn rr ṃ ᴍ м ɱ',
    n: 'm r ń',
    o: '0 Ο ο О о Օ ȯ ọ ỏ ơ ó ö ӧ',
    p: 'ρ р ƿ Ϸ Þ',
    q: 'g զ ԛ գ ʠ',
    r: 'ʀ Г ᴦ ɼ ɽ',
    s: 'Ⴝ Ꮪ ʂ ś ѕ',
    t: 'τ т ţ',
    u: 'μ υ Ս ս ц ᴜ ǔ ŭ',
    v: 'ѵ ν v̇',
    w: 'vv ѡ ա ԝ',
    x: 'х ҳ ẋ',
    y: 'ʏ γ у Ү ý',
    z: 'ʐ ż ź ᴢ',
  }).map(([letter, glyphs]) => [letter, glyphs.split(' ')]),
);

const isAce = (domain: string): boolean => {
  const lower = domain.toLowerCase();
  return lower.startsWith('xn--') || lower.includes('.xn--');
};

const VOWELS = 'aeiou';

/** Every candidate of every strategy, in strategy order (addition, bitsquatting, homoglyph, …). */
function typosquats(domain: string): Set<Value> {
  const out = new Set<Value>();
  const add = (candidate: string) => {
    if (candidate !== domain) out.add(candidate);
  };
  const n = domain.length;
  const at = (i: number) => domain.charAt(i);
  // Addition: a letter appended.
  for (let c = 97; c < 123; c++) add(domain + String.fromCharCode(c));
  // Bitsquatting: one bit of one char flipped, keeping to [0-9a-z-].
  for (let i = 0; i < n; i++) {
    const code = domain.charCodeAt(i);
    for (let bit = 1; bit < 256; bit <<= 1) {
      const flipped = code ^ bit;
      if ((flipped >= 48 && flipped <= 57) || (flipped >= 97 && flipped <= 122) || flipped === 45) {
        add(domain.slice(0, i) + String.fromCharCode(flipped) + domain.slice(i + 1));
      }
    }
  }
  homoglyphs(domain, add);
  // Hyphenation: a '-' between two chars.
  for (let i = 1; i < n; i++) add(`${domain.slice(0, i)}-${domain.slice(i)}`);
  // Insertion: a neighbouring key before or after an inner char.
  for (let i = 1; i < n - 1; i++) {
    for (const keyboard of KEYBOARDS) {
      const near = keyboard.get(at(i));
      if (near === undefined) continue;
      for (const k of near) {
        add(domain.slice(0, i) + k + at(i) + domain.slice(i + 1));
        add(domain.slice(0, i) + at(i) + k + domain.slice(i + 1));
      }
    }
  }
  // Omission: one char dropped.
  for (let i = 0; i < n; i++) add(domain.slice(0, i) + domain.slice(i + 1));
  // Repetition: a letter doubled.
  for (let i = 0; i < n; i++) {
    if (/^\p{L}$/u.test(at(i))) add(domain.slice(0, i) + at(i) + at(i) + domain.slice(i + 1));
  }
  // Replacement: a char replaced by a neighbouring key.
  for (let i = 0; i < n; i++) {
    for (const keyboard of KEYBOARDS) {
      const near = keyboard.get(at(i));
      if (near === undefined) continue;
      for (const k of near) add(domain.slice(0, i) + k + domain.slice(i + 1));
    }
  }
  // Subdomain: a '.' between two chars, neither of them '-' or '.'.
  for (let i = 1; i < n; i++) {
    const c = at(i);
    const prev = at(i - 1);
    if (c !== '-' && c !== '.' && prev !== '-' && prev !== '.')
      add(`${domain.slice(0, i)}.${domain.slice(i)}`);
  }
  // Transposition: two different neighbours swapped.
  for (let i = 0; i < n - 1; i++) {
    if (at(i) !== at(i + 1)) add(domain.slice(0, i) + at(i + 1) + at(i) + domain.slice(i + 2));
  }
  // Vowel swap: a vowel replaced by each vowel.
  for (let i = 0; i < n; i++) {
    if (VOWELS.includes(at(i))) for (const v of VOWELS) add(domain.slice(0, i) + v + domain.slice(i + 1));
  }
  return out;
}

/**
 * Homoglyphs as Metron generates them: in every window of the name (shorter than the whole
 * name), every occurrence of one letter is replaced by a look-alike; each result is kept in
 * Unicode and, when it converts, as punycode.
 */
function homoglyphs(original: string, add: (candidate: string) => void): void {
  if (original === '') return;
  const domain = isAce(original) ? idnToUnicode(original) : original;
  const n = domain.length;
  const ascii = new Map<string, string | null>();
  for (let ws = 1; ws < n; ws++) {
    for (let i = 0; i + ws <= n; i++) {
      const win = domain.slice(i, i + ws);
      for (let j = 0; j < ws; j++) {
        const c = win.charAt(j);
        const glyphs = HOMOGLYPHS.get(c);
        if (glyphs === undefined) continue;
        for (const g of glyphs) {
          const d = domain.slice(0, i) + win.split(c).join(g) + domain.slice(i + ws);
          add(d);
          if (isAce(d)) continue;
          let converted = ascii.get(d);
          if (converted === undefined) {
            try {
              converted = idnToAscii(d, true);
            } catch {
              converted = null;
            }
            ascii.set(d, converted);
          }
          if (converted !== null && converted !== d) add(converted);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The definitions.

/** `SimpleValidation.test`: every argument present and valid (and at least one argument). */
function allValid(args: readonly Value[], valid: (s: string) => boolean): boolean {
  if (args.length === 0) return false;
  for (const a of args) if (a === null || a === undefined || !valid(toJavaString(a))) return false;
  return true;
}

const URL_PARAM = [{ name: 'url', description: 'the URL as a string' }] as const;

export const NETWORK_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: 'IN_SUBNET',
    namespace: '',
    family: 'network',
    description: 'Tests whether an IPv4 address is a host address of any of the given CIDR ranges.',
    params: [
      { name: 'ip', description: 'the IPv4 address as a string (null gives false)' },
      {
        name: 'cidr',
        description: 'a range in CIDR notation, e.g. 192.168.0.0/24 (null ranges are skipped)',
      },
      { name: 'cidrs', description: 'more ranges; true if the address is in any of them', variadic: true },
    ],
    returns: 'a boolean (the network and broadcast addresses are not in range, as in commons-net)',
    pure: true,
    examples: [
      { expr: "IN_SUBNET('192.168.0.1', '192.168.0.0/24')", expect: true },
      { expr: "IN_SUBNET('192.168.1.1', '192.168.0.0/24', '10.0.0.0/8')", expect: false },
      { expr: "IN_SUBNET('192.168.0.255', '192.168.0.0/24')", expect: false },
    ],
    call: inSubnet,
  },
  {
    name: 'DOMAIN_TO_TLD',
    namespace: 'DOMAIN',
    family: 'network',
    description:
      'The public suffix of a domain (co.uk for www.google.co.uk); the last label when the suffix is unknown.',
    params: [{ name: 'domain', description: 'a fully qualified domain name' }],
    returns: 'a string',
    pure: true,
    examples: [
      { expr: "DOMAIN_TO_TLD('mail.yahoo.co.uk')", expect: 'co.uk' },
      { expr: "DOMAIN_TO_TLD('www.subdomain.google.turtle')", expect: 'turtle' },
    ],
    call: domainToTld,
  },
  {
    name: 'DOMAIN_REMOVE_TLD',
    namespace: 'DOMAIN',
    family: 'network',
    description: 'A domain without its public suffix (mail.yahoo for mail.yahoo.co.uk).',
    params: [{ name: 'domain', description: 'a fully qualified domain name' }],
    returns: 'a string, or null when the argument is not a valid domain',
    pure: true,
    examples: [
      { expr: "DOMAIN_REMOVE_TLD('mail.yahoo.co.uk')", expect: 'mail.yahoo' },
      { expr: "DOMAIN_REMOVE_TLD('com')", expect: '' },
    ],
    call: domainRemoveTld,
  },
  {
    name: 'DOMAIN_REMOVE_SUBDOMAINS',
    namespace: 'DOMAIN',
    family: 'network',
    description: 'A domain reduced to its registrable part (yahoo.com for mail.yahoo.com).',
    params: [{ name: 'domain', description: 'a fully qualified domain name', optional: true }],
    returns: 'a string, or null when the argument is not a valid domain',
    pure: true,
    examples: [
      { expr: "DOMAIN_REMOVE_SUBDOMAINS('mail.yahoo.com')", expect: 'yahoo.com' },
      { expr: "DOMAIN_REMOVE_SUBDOMAINS('www.google.co.uk')", expect: 'google.co.uk' },
      { expr: "DOMAIN_REMOVE_SUBDOMAINS('co.uk.co.uk')", expect: 'uk.co.uk' },
    ],
    call: domainRemoveSubdomains,
  },
  {
    name: 'URL_TO_HOST',
    namespace: 'URL',
    family: 'network',
    description: 'The host name of a URL.',
    params: URL_PARAM,
    returns: 'a string, or null when the URL does not parse',
    pure: true,
    examples: [
      { expr: "URL_TO_HOST('http://www.yahoo.com/foo')", expect: 'www.yahoo.com' },
      { expr: "URL_TO_HOST('http://localhost:8080/a')", expect: 'localhost' },
    ],
    call: (args) => urlArg(args[0])?.host ?? null,
  },
  {
    name: 'URL_TO_PORT',
    namespace: 'URL',
    family: 'network',
    description:
      "The port of a URL; when the URL gives none, the protocol's default (80, 443, 21; -1 for file).",
    params: URL_PARAM,
    returns: 'an int, or null when the URL does not parse',
    pure: true,
    examples: [
      { expr: "URL_TO_PORT('http://www.yahoo.com/foo')", expect: 80 },
      { expr: "URL_TO_PORT('https://www.google.com:7979/foo')", expect: 7979 },
    ],
    call: (args) => {
      const url = urlArg(args[0]);
      return url === null ? null : url.port >= 0 ? url.port : url.defaultPort;
    },
  },
  {
    name: 'URL_TO_PATH',
    namespace: 'URL',
    family: 'network',
    description: 'The path of a URL, with its leading slash and without the query.',
    params: URL_PARAM,
    returns: 'a string, or null when the URL does not parse',
    pure: true,
    examples: [
      { expr: "URL_TO_PATH('http://www.yahoo.com/foo')", expect: '/foo' },
      { expr: "URL_TO_PATH('http://www.google.com/foo/bar?x=1')", expect: '/foo/bar' },
    ],
    call: (args) => urlArg(args[0])?.path ?? null,
  },
  {
    name: 'URL_TO_PROTOCOL',
    namespace: 'URL',
    family: 'network',
    description: 'The protocol (scheme) of a URL, lower-cased.',
    params: URL_PARAM,
    returns: 'a string, or null when the URL does not parse',
    pure: true,
    examples: [{ expr: "URL_TO_PROTOCOL('https://www.yahoo.com/foo')", expect: 'https' }],
    call: (args) => urlArg(args[0])?.protocol ?? null,
  },
  {
    name: 'PROTOCOL_TO_NAME',
    namespace: '',
    family: 'network',
    description:
      'The name of an IANA IP protocol number (6 is TCP); the argument itself when the number is unknown.',
    params: [{ name: 'number', description: 'the IANA protocol number (a number or numeric string)' }],
    returns: 'a string, or the argument unchanged',
    pure: true,
    examples: [
      { expr: 'PROTOCOL_TO_NAME(6)', expect: 'TCP' },
      { expr: "PROTOCOL_TO_NAME('17')", expect: 'UDP' },
      { expr: 'PROTOCOL_TO_NAME(200)', expect: 200 },
    ],
    call: protocolToName,
  },
  {
    name: 'DOMAIN_TYPOSQUAT',
    namespace: 'DOMAIN',
    family: 'network',
    description:
      'Typo-squatted variants of a domain (without subdomains or TLD), by the dnstwist strategies: addition, bitsquatting, homoglyph, hyphenation, insertion, omission, repetition, replacement, subdomain, transposition, vowel swap.',
    params: [
      { name: 'domain', description: 'the domain without subdomains or TLD, e.g. amazon', optional: true },
    ],
    returns: 'a set of strings (null for a null domain)',
    pure: true,
    examples: [
      { expr: "'amazom' in DOMAIN_TYPOSQUAT('amazon')", expect: true },
      { expr: "'xn--mazon-zjc' in DOMAIN_TYPOSQUAT('amazon')", expect: true },
      { expr: "'amazon' in DOMAIN_TYPOSQUAT('amazon')", expect: false },
    ],
    call: (args) => {
      const domain = args[0];
      if (domain === null || domain === undefined) return null;
      if (typeof domain !== 'string')
        fail(`Expected a domain without subdomains or a TLD, but got ${toJavaString(domain)}`);
      return typosquats(domain);
    },
  },
  {
    name: 'IS_IP',
    namespace: '',
    family: 'validation',
    description:
      "Tests whether a value is an IP address: 'IPV4', 'IPV6', or (any other type, or none) either.",
    params: [
      { name: 'ip', description: 'the value to test (its string form)', optional: true },
      {
        name: 'type',
        description: "'IPV4' or 'IPV6'; anything else (a list too) accepts both",
        optional: true,
      },
    ],
    returns: 'a boolean',
    pure: true,
    examples: [
      { expr: "IS_IP('192.168.0.1')", expect: true },
      { expr: "IS_IP('::1', 'IPV4')", expect: false },
      { expr: "IS_IP('2001:db8::1')", expect: true },
    ],
    call: (args) => {
      const ip = args[0];
      if (ip === null || ip === undefined) return false;
      const text = toJavaString(ip);
      const type = args[1] === null || args[1] === undefined ? 'DEFAULT' : toJavaString(args[1]);
      if (type === 'IPV4') return isValidInet4(text);
      if (type === 'IPV6') return isValidInet6(text);
      return isValidInet4(text) || isValidInet6(text);
    },
  },
  {
    name: 'IS_DOMAIN',
    namespace: '',
    family: 'validation',
    description:
      'Tests whether strings are valid domain names (RFC 1034/1123) under a known top-level domain.',
    params: [{ name: 'address', description: 'the values to test; all must be valid', variadic: true }],
    returns: 'a boolean (false with no argument or a null one)',
    pure: true,
    examples: [
      { expr: "IS_DOMAIN('www.hotmail.co.uk')", expect: true },
      { expr: "IS_DOMAIN('caseystella.turtle')", expect: false },
    ],
    call: (args) => allValid(args, isValidDomain),
  },
  {
    name: 'IS_EMAIL',
    namespace: '',
    family: 'validation',
    description: 'Tests whether strings are valid e-mail addresses (commons-validator rules).',
    params: [{ name: 'address', description: 'the values to test; all must be valid', variadic: true }],
    returns: 'a boolean (false with no argument or a null one)',
    pure: true,
    examples: [
      { expr: "IS_EMAIL('me@www.hotmail.co.uk')", expect: true },
      { expr: "IS_EMAIL('me@foo')", expect: false },
    ],
    call: (args) => allValid(args, isValidEmail),
  },
  {
    name: 'IS_URL',
    namespace: '',
    family: 'validation',
    description: 'Tests whether strings are valid http, https or ftp URLs with a valid host.',
    params: [{ name: 'url', description: 'the values to test; all must be valid', variadic: true }],
    returns: 'a boolean (false with no argument or a null one)',
    pure: true,
    examples: [
      { expr: "IS_URL('http://caseystella.com/foo')", expect: true },
      { expr: "IS_URL('http://caseystella.turtle')", expect: false },
    ],
    call: (args) => allValid(args, isValidUrl),
  },
  {
    name: 'IS_DATE',
    namespace: '',
    family: 'validation',
    description: 'Tests whether a string is a date in a SimpleDateFormat pattern (strictly: no 2014-02-30).',
    params: [
      { name: 'date', description: 'the date as a string', optional: true },
      { name: 'format', description: "a Java SimpleDateFormat pattern, e.g. 'yyyy-MM-dd'", optional: true },
    ],
    returns: 'a boolean (false when either argument is missing or null)',
    pure: true,
    examples: [
      { expr: "IS_DATE('2014-05-01', 'yyyy-MM-dd')", expect: true },
      { expr: "IS_DATE('2014-02-30', 'yyyy-MM-dd')", expect: false },
      { expr: "IS_DATE('2014/05/01', 'yyyy-MM-dd')", expect: false },
    ],
    call: (args, ctx) => {
      const date = args[0];
      const format = args[1];
      if (date === null || date === undefined || format === null || format === undefined) return false;
      return isValidDate(toJavaString(date), toJavaString(format), ctx.now());
    },
  },
  {
    name: 'IS_INTEGER',
    namespace: '',
    family: 'validation',
    description: 'Tests whether values read as whole numbers that fit a long (1, "1", "1,000"; not "1.5").',
    params: [{ name: 'x', description: 'the values to test; all must be integers', variadic: true }],
    returns: 'a boolean (false with no argument or a null one)',
    pure: true,
    examples: [
      { expr: "IS_INTEGER('42')", expect: true },
      { expr: 'IS_INTEGER(2.5)', expect: false },
    ],
    call: (args) => allValid(args, isValidLong),
  },
];
