import { isIPv6 } from 'node:net';

/**
 * Community ID v1 (corelight/community-id-spec): the flow hash Zeek, Suricata, Arkime and
 * Wireshark share, so an event joins to its packets and to other sensors' records of the same
 * flow. SHA-1 over seed, the two addresses, protocol, a zero byte and the two ports (ICMP:
 * type and the paired type or the code), big-endian, with the endpoints ordered so both
 * directions hash alike; then `1:` + base64.
 */

export interface Flow {
  srcIp: string;
  dstIp: string;
  /** IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, 132 SCTP, …). */
  proto: number;
  /** Ports; for ICMP the type and code. Ignored for protocols without ports. */
  srcPort?: number;
  dstPort?: number;
}

const TCP = 6;
const UDP = 17;
const SCTP = 132;
const ICMP = 1;
const ICMP6 = 58;

// Request/response types that form one "flow" (as Zeek pairs them).
const ICMP_PAIRS = new Map([
  [8, 0],
  [0, 8],
  [13, 14],
  [14, 13],
  [15, 16],
  [16, 15],
  [10, 9],
  [9, 10],
  [17, 18],
  [18, 17],
]);
const ICMP6_PAIRS = new Map([
  [128, 129],
  [129, 128],
  [130, 131],
  [131, 130],
  [133, 134],
  [134, 133],
  [135, 136],
  [136, 135],
  [139, 140],
  [140, 139],
  [144, 145],
  [145, 144],
]);

/** Transport names as sensors write them → IP protocol numbers. */
const PROTOCOL_NUMBERS: Record<string, number> = {
  icmp: ICMP,
  tcp: TCP,
  udp: UDP,
  sctp: SCTP,
  'ipv6-icmp': ICMP6,
  icmp6: ICMP6,
  icmpv6: ICMP6,
  gre: 47,
  esp: 50,
  ah: 51,
};

// Names as sensors write them (any case, or a number as text) → protocol number, remembered.
const NAMED = new Map<string, number | undefined>();

/** The IP protocol number for a transport name (`tcp`, `UDP`, `ipv6-icmp`, `6`), else undefined. */
export function protocolNumber(name: unknown): number | undefined {
  if (typeof name === 'number') return Number.isInteger(name) && name >= 0 && name <= 255 ? name : undefined;
  if (typeof name !== 'string') return undefined;
  const known = NAMED.get(name);
  if (known !== undefined || NAMED.has(name)) return known;
  const lower = name.toLowerCase();
  const number = /^\d{1,3}$/.test(lower)
    ? protocolNumber(Number(lower))
    : Object.hasOwn(PROTOCOL_NUMBERS, lower)
      ? PROTOCOL_NUMBERS[lower]
      : undefined;
  if (NAMED.size < 4096) NAMED.set(name, number);
  return number;
}

/** Dotted-quad IPv4 read straight from its characters into `out` at `at`; false when it is not one. */
function readIPv4(ip: string, out: Uint8Array, at: number): boolean {
  const n = ip.length;
  if (n < 7 || n > 15) return false;
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= n; i++) {
    const c = i === n ? 46 : ip.charCodeAt(i);
    if (c === 46) {
      // No empty part, no leading zero (as node:net's isIPv4), nothing over 255, exactly four.
      if (digits === 0 || value > 255 || part > 3) return false;
      out[at + part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) return false;
      value = value * 10 + (c - 48);
      digits++;
    } else return false;
  }
  return part === 4;
}

/** An address as network-order bytes; undefined when it is not an IP address. */
export function ipBytes(ip: string): Uint8Array | undefined {
  const four = new Uint8Array(4);
  if (readIPv4(ip, four, 0)) return four;
  if (!isIPv6(ip)) return undefined;
  let text = ip.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  let tail: number[] = [];
  // An embedded IPv4 suffix (::ffff:1.2.3.4) is two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    tail = v4[1].split('.').map(Number);
    text = `${text.slice(0, -v4[1].length)}0:0`;
  }
  const [head = '', rest] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = rest === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array.from({ length: missing }, () => '0'), ...right].map((g) =>
    Number.parseInt(g, 16),
  );
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (tail.length === 4) out.set(tail, 12);
  return out;
}

/** The Community ID of a flow, or undefined when its addresses are not IPs of one family. */
export function communityId(flow: Flow, seed = 0): string | undefined {
  return communityIdOf(flow.srcIp, flow.dstIp, flow.proto, flow.srcPort, flow.dstPort, seed);
}

/** {@link communityId} with the flow's parts as arguments (no object per call on hot paths). */
export function communityIdOf(
  srcIp: string,
  dstIp: string,
  proto: number,
  srcPort: number | undefined,
  dstPort: number | undefined,
  seed = 0,
): string | undefined {
  // The common case, two IPv4 addresses, is read without allocating; others go through ipBytes.
  if (readIPv4(srcIp, PAIR, 0) && readIPv4(dstIp, PAIR, 4)) {
    return communityIdOfBytes(PAIR, 0, 4, 4, proto, srcPort, dstPort, seed);
  }
  const src = ipBytes(srcIp);
  const dst = ipBytes(dstIp);
  if (!src || !dst || src.length !== dst.length) return undefined;
  const both = new Uint8Array(src.length * 2);
  both.set(src, 0);
  both.set(dst, src.length);
  return communityIdOfBytes(both, 0, src.length, src.length, proto, srcPort, dstPort, seed);
}

/**
 * {@link communityIdOf} over addresses as network-order bytes: `alen` (4 or 16) bytes at
 * `srcAt` and at `dstAt` of `bytes` — a decoded packet's own header, so packet capture never
 * formats and re-parses addresses to hash a flow.
 */
export function communityIdOfBytes(
  bytes: Uint8Array,
  srcAt: number,
  dstAt: number,
  alen: number,
  proto: number,
  srcPort: number | undefined,
  dstPort: number | undefined,
  seed = 0,
): string | undefined {
  let sport = srcPort;
  let dport = dstPort;
  let oneWay = false;
  if (proto === ICMP || proto === ICMP6) {
    const type = sport ?? 0;
    const pair = (proto === ICMP ? ICMP_PAIRS : ICMP6_PAIRS).get(type);
    dport = pair ?? dport ?? 0;
    sport = type;
    oneWay = pair === undefined;
  }
  const ports = proto === TCP || proto === UDP || proto === SCTP || proto === ICMP || proto === ICMP6;
  if (ports && (sport === undefined || dport === undefined)) return undefined;
  let first = srcAt;
  let second = dstAt;
  if (!oneWay) {
    let order = 0;
    for (let i = 0; i < alen && order === 0; i++)
      order = (bytes[srcAt + i] as number) - (bytes[dstAt + i] as number);
    if (order > 0 || (order === 0 && ports && (sport as number) > (dport as number))) {
      first = dstAt;
      second = srcAt;
      [sport, dport] = [dport, sport];
    }
  }
  // seed (2) · src · dst · proto · 0 · [sport (2) · dport (2)], big-endian: at most 40 bytes,
  // written straight into the hash block.
  const m = BLOCK;
  let n = 0;
  m[n++] = (seed >> 8) & 0xff;
  m[n++] = seed & 0xff;
  for (let i = 0; i < alen; i++) m[n++] = bytes[first + i] as number;
  for (let i = 0; i < alen; i++) m[n++] = bytes[second + i] as number;
  m[n++] = proto;
  m[n++] = 0;
  if (ports) {
    const s = (sport as number) & 0xffff;
    const d = (dport as number) & 0xffff;
    m[n++] = s >> 8;
    m[n++] = s & 0xff;
    m[n++] = d >> 8;
    m[n++] = d & 0xff;
  }
  return `1:${sha1Base64(m, n)}`;
}

/** Two IPv4 addresses, read without allocating. */
const PAIR = new Uint8Array(8);

// SHA-1 of a message that fits one 64-byte block (≤ 55 bytes), as Community ID's always do.
// Written out because node:crypto's per-call cost (about 0.7 µs even with crypto.hash) is
// several times the hashing itself on this hot path; tests check it against node:crypto.
const BLOCK = new Uint8Array(64);
const W = new Int32Array(80);
const DIGEST = new Uint8Array(20);
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
// Base64 of every 12-bit value: two characters per lookup.
const B64_PAIRS = Array.from({ length: 4096 }, (_, v) => B64.charAt(v >>> 6) + B64.charAt(v & 63));

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

/** Base64 of the SHA-1 of `bytes[0, length)`, for length ≤ 55. */
export function sha1Base64(bytes: Uint8Array, length: number): string {
  if (length > 55) throw new RangeError('sha1Base64 hashes one block: at most 55 bytes');
  const b = BLOCK;
  if (bytes !== b) for (let i = 0; i < length; i++) b[i] = bytes[i] as number;
  b.fill(0, length);
  b[length] = 0x80;
  const bits = length * 8;
  b[62] = bits >>> 8;
  b[63] = bits & 0xff;
  for (let i = 0; i < 16; i++) {
    const j = i * 4;
    W[i] =
      ((b[j] as number) << 24) |
      ((b[j + 1] as number) << 16) |
      ((b[j + 2] as number) << 8) |
      (b[j + 3] as number);
  }
  for (let i = 16; i < 80; i++) {
    W[i] = rotl(
      (W[i - 3] as number) ^ (W[i - 8] as number) ^ (W[i - 14] as number) ^ (W[i - 16] as number),
      1,
    );
  }
  let a = 0x67452301;
  let bb = 0xefcdab89 | 0;
  let c = 0x98badcfe | 0;
  let d = 0x10325476;
  let e = 0xc3d2e1f0 | 0;
  let t: number;
  for (let i = 0; i < 20; i++) {
    t = (rotl(a, 5) + ((bb & c) | (~bb & d)) + e + 0x5a827999 + (W[i] as number)) | 0;
    e = d;
    d = c;
    c = rotl(bb, 30);
    bb = a;
    a = t;
  }
  for (let i = 20; i < 40; i++) {
    t = (rotl(a, 5) + (bb ^ c ^ d) + e + 0x6ed9eba1 + (W[i] as number)) | 0;
    e = d;
    d = c;
    c = rotl(bb, 30);
    bb = a;
    a = t;
  }
  for (let i = 40; i < 60; i++) {
    t = (rotl(a, 5) + ((bb & c) | (bb & d) | (c & d)) + e + (0x8f1bbcdc | 0) + (W[i] as number)) | 0;
    e = d;
    d = c;
    c = rotl(bb, 30);
    bb = a;
    a = t;
  }
  for (let i = 60; i < 80; i++) {
    t = (rotl(a, 5) + (bb ^ c ^ d) + e + (0xca62c1d6 | 0) + (W[i] as number)) | 0;
    e = d;
    d = c;
    c = rotl(bb, 30);
    bb = a;
    a = t;
  }
  putWord(0, (0x67452301 + a) | 0);
  putWord(4, ((0xefcdab89 | 0) + bb) | 0);
  putWord(8, ((0x98badcfe | 0) + c) | 0);
  putWord(12, (0x10325476 + d) | 0);
  putWord(16, ((0xc3d2e1f0 | 0) + e) | 0);
  const g = DIGEST;
  let out = '';
  for (let i = 0; i < 18; i += 3) {
    const v = ((g[i] as number) << 16) | ((g[i + 1] as number) << 8) | (g[i + 2] as number);
    out += (B64_PAIRS[v >>> 12] as string) + (B64_PAIRS[v & 0xfff] as string);
  }
  const v = ((g[18] as number) << 16) | ((g[19] as number) << 8);
  return `${out}${B64_PAIRS[v >>> 12] as string}${B64.charAt((v >>> 6) & 63)}=`;
}

function putWord(at: number, v: number): void {
  DIGEST[at] = v >>> 24;
  DIGEST[at + 1] = (v >>> 16) & 0xff;
  DIGEST[at + 2] = (v >>> 8) & 0xff;
  DIGEST[at + 3] = v & 0xff;
}
