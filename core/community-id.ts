import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

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

/** The IP protocol number for a transport name (`tcp`, `UDP`, `ipv6-icmp`, `6`), else undefined. */
export function protocolNumber(name: unknown): number | undefined {
  if (typeof name === 'number') return Number.isInteger(name) && name >= 0 && name <= 255 ? name : undefined;
  if (typeof name !== 'string') return undefined;
  const lower = name.toLowerCase();
  if (/^\d{1,3}$/.test(lower)) return protocolNumber(Number(lower));
  return Object.hasOwn(PROTOCOL_NUMBERS, lower) ? PROTOCOL_NUMBERS[lower] : undefined;
}

/** An address as network-order bytes; undefined when it is not an IP address. */
export function ipBytes(ip: string): Uint8Array | undefined {
  if (isIPv4(ip)) return Uint8Array.from(ip.split('.').map(Number));
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

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/** The Community ID of a flow, or undefined when its addresses are not IPs of one family. */
export function communityId(flow: Flow, seed = 0): string | undefined {
  let src = ipBytes(flow.srcIp);
  let dst = ipBytes(flow.dstIp);
  if (!src || !dst || src.length !== dst.length) return undefined;
  const proto = flow.proto;
  let sport = flow.srcPort;
  let dport = flow.dstPort;
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
  if (!oneWay) {
    const order = compareBytes(src, dst);
    if (order > 0 || (order === 0 && ports && (sport as number) > (dport as number))) {
      [src, dst] = [dst, src];
      [sport, dport] = [dport, sport];
    }
  }
  const head = Buffer.alloc(2);
  head.writeUInt16BE(seed & 0xffff);
  const parts: Uint8Array[] = [head, src, dst, Uint8Array.of(proto, 0)];
  if (ports) {
    const p = Buffer.alloc(4);
    p.writeUInt16BE((sport as number) & 0xffff, 0);
    p.writeUInt16BE((dport as number) & 0xffff, 2);
    parts.push(p);
  }
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return `1:${hash.digest('base64')}`;
}
