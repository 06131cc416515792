import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { communityIdOf, ipBytes } from '#core';
import { type Decoded, decodePacket, newDecoded } from '../../lake/pcap/decode.js';
import { PcapWriter } from '../../lake/pcap/format.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('palisade-pcap-decode-');

// ---- Frame builders -------------------------------------------------------------------------

const be16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const addr = (ip: string) => Array.from(ipBytes(ip) as Uint8Array);
const MACS = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];

function eth(type: number, payload: number[], tags: [number, number][] = []): number[] {
  return [...MACS, ...tags.flatMap(([tpid, id]) => [...be16(tpid), ...be16(id)]), ...be16(type), ...payload];
}

interface V4Options {
  /** Header length in 32-bit words (options are NOPs). */
  ihl?: number;
  mf?: boolean;
  /** Fragment offset in 8-byte units. */
  offset?: number;
  /** Total length field, when it should not match the bytes. */
  total?: number;
  version?: number;
}

function ipv4(src: string, dst: string, proto: number, payload: number[], o: V4Options = {}): number[] {
  const ihl = o.ihl ?? 5;
  const frag = (o.mf ? 0x2000 : 0) | (o.offset ?? 0);
  const header = [
    ((o.version ?? 4) << 4) | ihl,
    0,
    ...be16(o.total ?? ihl * 4 + payload.length),
    0x12,
    0x34,
    ...be16(frag),
    64,
    proto,
    0,
    0,
    ...addr(src),
    ...addr(dst),
    ...new Array<number>((ihl - 5) * 4).fill(1),
  ];
  return [...header, ...payload];
}

function ipv6(src: string, dst: string, next: number, payload: number[]): number[] {
  return [0x60, 0, 0, 0, ...be16(payload.length), next, 64, ...addr(src), ...addr(dst), ...payload];
}

// IPv6 extension headers: each is `next header` first, then its own bytes.
const hopByHop = (next: number, rest: number[]) => [next, 0, 1, 4, 0, 0, 0, 0, ...rest];
const destOptions = (next: number, rest: number[]) => [next, 0, 1, 4, 0, 0, 0, 0, ...rest];
const authHeader = (next: number, rest: number[]) => [
  next,
  4,
  0,
  0,
  ...new Array<number>(20).fill(7),
  ...rest,
];
const fragment6 = (next: number, offset: number, more: boolean, rest: number[]) => [
  next,
  0,
  ...be16((offset << 3) | (more ? 1 : 0)),
  0,
  0,
  0,
  9,
  ...rest,
];

const tcp = (s: number, d: number) => [
  ...be16(s),
  ...be16(d),
  0,
  0,
  0,
  1,
  0,
  0,
  0,
  0,
  0x50,
  0x02,
  0xff,
  0xff,
  0,
  0,
  0,
  0,
];
const udp = (s: number, d: number, data: number[] = []) => [
  ...be16(s),
  ...be16(d),
  ...be16(8 + data.length),
  0,
  0,
  ...data,
];
const sctp = (s: number, d: number) => [...be16(s), ...be16(d), 0, 0, 0, 1, 0, 0, 0, 0];
const icmp = (type: number, code: number, data: number[] = []) => [type, code, 0, 0, 0, 1, 0, 1, ...data];
const arp = [0, 1, 8, 0, 6, 4, 0, 1, ...MACS.slice(6), 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2];

const sll = (proto: number, payload: number[]) => [
  0,
  0,
  0,
  1,
  0,
  6,
  ...MACS.slice(6),
  0,
  0,
  ...be16(proto),
  ...payload,
];
const sll2 = (proto: number, payload: number[]) => [
  ...be16(proto),
  0,
  0,
  0,
  0,
  0,
  1,
  0,
  1,
  0,
  6,
  ...MACS.slice(6),
  0,
  0,
  ...payload,
];
const loop = (family: number, little: boolean, payload: number[]) => [
  ...(little ? [family, 0, 0, 0] : [0, 0, 0, family]),
  ...payload,
];

// ---- Cases ----------------------------------------------------------------------------------

interface Case {
  name: string;
  linktype: number;
  frame: number[];
  want: Partial<Decoded>;
  /** tshark shows something we deliberately do not (explained where set). */
  tsharkDiffers?: 'communityId' | 'ports' | 'all';
}

const A4 = '192.0.2.1';
const B4 = '198.51.100.7';
const A6 = '2001:db8::1';
const B6 = 'fe80::aa:0:0:1';

const cases: Case[] = [
  {
    // The Community ID spec's own example flow.
    name: 'Ethernet IPv4 TCP',
    linktype: 1,
    frame: eth(0x0800, ipv4('128.232.110.120', '66.35.250.204', 6, tcp(34855, 80))),
    want: {
      ipVersion: 4,
      srcAddr: '128.232.110.120',
      dstAddr: '66.35.250.204',
      protocol: 6,
      srcPort: 34855,
      dstPort: 80,
      communityId: '1:LQU9qZlK+B5F3KDmev6m5PMibrg=',
    },
  },
  {
    name: 'Ethernet IPv4 UDP',
    linktype: 1,
    frame: eth(0x0800, ipv4(A4, B4, 17, udp(5353, 53, [1, 2, 3]))),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 17, srcPort: 5353, dstPort: 53 },
  },
  {
    name: 'Ethernet IPv4 ICMP echo',
    linktype: 1,
    frame: eth(0x0800, ipv4(A4, B4, 1, icmp(8, 0, [0, 0, 0, 0]))),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 1, icmpType: 8, icmpCode: 0 },
  },
  {
    // The error quotes an IP/UDP header: the outer one is the packet's.
    name: 'Ethernet IPv4 ICMP port unreachable',
    linktype: 1,
    frame: eth(0x0800, ipv4(B4, A4, 1, icmp(3, 3, ipv4(A4, B4, 17, udp(40000, 53))))),
    want: { ipVersion: 4, srcAddr: B4, dstAddr: A4, protocol: 1, icmpType: 3, icmpCode: 3 },
    tsharkDiffers: 'ports',
  },
  {
    name: 'Ethernet IPv4 with options, UDP',
    linktype: 1,
    frame: eth(0x0800, ipv4(A4, B4, 17, udp(1, 2), { ihl: 7 })),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 17, srcPort: 1, dstPort: 2 },
  },
  {
    name: 'Ethernet IPv4 SCTP',
    linktype: 1,
    frame: eth(0x0800, ipv4(A4, B4, 132, sctp(2905, 2906))),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 132, srcPort: 2905, dstPort: 2906 },
  },
  {
    name: 'Ethernet IPv4 GRE (no ports)',
    linktype: 1,
    frame: eth(0x0800, ipv4(A4, B4, 47, [0, 0, 0x88, 0xbe])),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 47 },
  },
  {
    // Padding after a datagram with no payload is not a UDP header.
    name: 'Ethernet IPv4 padded past its total length',
    linktype: 1,
    frame: eth(0x0800, [...ipv4(A4, B4, 17, [], { total: 20 }), ...new Array<number>(26).fill(0x55)]),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 17, communityId: null },
    tsharkDiffers: 'communityId',
  },
  {
    name: 'Ethernet IPv6 TCP',
    linktype: 1,
    frame: eth(0x86dd, ipv6(A6, B6, 6, tcp(443, 51000))),
    want: { ipVersion: 6, srcAddr: A6, dstAddr: B6, protocol: 6, srcPort: 443, dstPort: 51000 },
  },
  {
    name: 'Ethernet IPv6 UDP, mapped and compatible addresses',
    linktype: 1,
    frame: eth(0x86dd, ipv6('::ffff:10.1.2.3', '::', 17, udp(67, 68))),
    want: { ipVersion: 6, srcAddr: '::ffff:10.1.2.3', dstAddr: '::', protocol: 17, srcPort: 67, dstPort: 68 },
  },
  {
    name: 'Ethernet IPv6 hop-by-hop ICMPv6 echo',
    linktype: 1,
    frame: eth(0x86dd, ipv6(A6, 'ff02::1', 0, hopByHop(58, icmp(128, 0)))),
    want: { ipVersion: 6, srcAddr: A6, dstAddr: 'ff02::1', protocol: 58, icmpType: 128, icmpCode: 0 },
  },
  {
    name: 'Ethernet IPv6 ICMPv6 neighbour solicitation',
    linktype: 1,
    frame: eth(0x86dd, ipv6(B6, 'ff02::1:ff00:1', 58, icmp(135, 0, new Array<number>(16).fill(0)))),
    want: { ipVersion: 6, srcAddr: B6, dstAddr: 'ff02::1:ff00:1', protocol: 58, icmpType: 135, icmpCode: 0 },
  },
  {
    name: 'Ethernet IPv6 destination options and AH, TCP',
    linktype: 1,
    frame: eth(0x86dd, ipv6(A6, B6, 60, destOptions(51, authHeader(6, tcp(22, 60022))))),
    want: { ipVersion: 6, srcAddr: A6, dstAddr: B6, protocol: 6, srcPort: 22, dstPort: 60022 },
  },
  {
    name: '802.1Q VLAN IPv4 UDP',
    linktype: 1,
    frame: eth(0x0800, ipv4(A4, B4, 17, udp(9, 10)), [[0x8100, 0x2064]]),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 17, srcPort: 9, dstPort: 10, vlan: 100 },
  },
  {
    name: 'QinQ (802.1ad outer, 802.1Q inner) IPv6 TCP',
    linktype: 1,
    frame: eth(0x86dd, ipv6(A6, B6, 6, tcp(1000, 2000)), [
      [0x88a8, 200],
      [0x8100, 300],
    ]),
    want: { ipVersion: 6, srcAddr: A6, dstAddr: B6, protocol: 6, srcPort: 1000, dstPort: 2000, vlan: 200 },
  },
  {
    name: 'IPv4 first fragment',
    linktype: 1,
    frame: eth(
      0x0800,
      ipv4(A4, B4, 17, udp(4000, 5000, new Array<number>(16).fill(1)), { mf: true, total: 1500 }),
    ),
    want: {
      ipVersion: 4,
      srcAddr: A4,
      dstAddr: B4,
      protocol: 17,
      srcPort: 4000,
      dstPort: 5000,
      fragment: true,
    },
  },
  {
    name: 'IPv4 middle fragment',
    linktype: 1,
    frame: eth(0x0800, ipv4(A4, B4, 17, new Array<number>(24).fill(3), { mf: true, offset: 185 })),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 17, fragment: true, communityId: null },
    tsharkDiffers: 'communityId',
  },
  {
    name: 'IPv4 last fragment',
    linktype: 1,
    frame: eth(0x0800, ipv4(A4, B4, 6, new Array<number>(24).fill(3), { offset: 370 })),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 6, fragment: true, communityId: null },
    tsharkDiffers: 'communityId',
  },
  {
    name: 'IPv6 first fragment',
    linktype: 1,
    frame: eth(0x86dd, ipv6(A6, B6, 44, fragment6(17, 0, true, udp(6000, 7000, [1, 2, 3, 4])))),
    want: {
      ipVersion: 6,
      srcAddr: A6,
      dstAddr: B6,
      protocol: 17,
      srcPort: 6000,
      dstPort: 7000,
      fragment: true,
    },
  },
  {
    name: 'IPv6 later fragment',
    linktype: 1,
    frame: eth(0x86dd, ipv6(A6, B6, 44, fragment6(17, 100, false, new Array<number>(16).fill(5)))),
    // tshark gives no Community ID here either.
    want: { ipVersion: 6, srcAddr: A6, dstAddr: B6, protocol: 17, fragment: true, communityId: null },
  },
  { name: 'ARP', linktype: 1, frame: eth(0x0806, arp), want: {} },
  { name: 'ARP in a VLAN', linktype: 1, frame: eth(0x0806, arp, [[0x8100, 7]]), want: { vlan: 7 } },
  {
    name: 'IPv4 version mismatch under the IPv4 ethertype',
    linktype: 1,
    frame: eth(0x0800, ipv4(A4, B4, 17, udp(1, 2), { version: 6 })),
    want: {},
    // tshark hands it to its IPv6 dissector, which reads an address out of the IPv4 fields.
    tsharkDiffers: 'all',
  },
  { name: 'truncated Ethernet header', linktype: 1, frame: MACS.slice(0, 10), want: {} },
  {
    name: 'truncated in a VLAN tag',
    linktype: 1,
    frame: eth(0x0800, [], [[0x8100, 5]]).slice(0, 15),
    want: {},
  },
  {
    name: 'truncated IPv4 header',
    linktype: 1,
    frame: eth(0x0800, ipv4(A4, B4, 6, tcp(1, 2))).slice(0, 14 + 15),
    want: { ipVersion: 4, protocol: 6 },
  },
  {
    name: 'IPv4 header cut inside the destination',
    linktype: 1,
    frame: eth(0x0800, ipv4(A4, B4, 6, tcp(1, 2))).slice(0, 14 + 18),
    want: { ipVersion: 4, protocol: 6, srcAddr: A4 },
  },
  {
    name: 'truncated TCP header (2 bytes)',
    linktype: 1,
    frame: eth(0x0800, ipv4(A4, B4, 6, tcp(1, 2))).slice(0, 14 + 22),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 6, communityId: null },

    tsharkDiffers: 'communityId',
  },
  {
    name: 'TCP header cut after the ports',
    linktype: 1,
    frame: eth(0x0800, ipv4(A4, B4, 6, tcp(1234, 80))).slice(0, 14 + 24),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 6, srcPort: 1234, dstPort: 80 },
  },
  {
    name: 'truncated ICMP (type only)',
    linktype: 1,
    frame: eth(0x0800, ipv4(A4, B4, 1, icmp(8, 0))).slice(0, 14 + 21),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 1, communityId: null },

    tsharkDiffers: 'communityId',
  },
  {
    name: 'truncated IPv6 header',
    linktype: 1,
    frame: eth(0x86dd, ipv6(A6, B6, 6, tcp(1, 2))).slice(0, 14 + 30),
    want: { ipVersion: 6, srcAddr: A6 },
  },
  {
    name: 'truncated IPv6 extension header chain',
    linktype: 1,
    frame: eth(0x86dd, ipv6(A6, B6, 0, hopByHop(60, destOptions(6, tcp(1, 2))))).slice(0, 14 + 40 + 9),
    want: { ipVersion: 6, srcAddr: A6, dstAddr: B6 },
  },
  {
    name: 'Linux cooked IPv4 UDP',
    linktype: 113,
    frame: sll(0x0800, ipv4(A4, B4, 17, udp(123, 123))),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 17, srcPort: 123, dstPort: 123 },
  },
  {
    name: 'Linux cooked VLAN IPv6 TCP',
    linktype: 113,
    frame: sll(0x8100, [...be16(42), ...be16(0x86dd), ...ipv6(A6, B6, 6, tcp(8080, 80))]),
    want: { ipVersion: 6, srcAddr: A6, dstAddr: B6, protocol: 6, srcPort: 8080, dstPort: 80, vlan: 42 },
  },
  { name: 'Linux cooked ARP', linktype: 113, frame: sll(0x0806, arp), want: {} },
  {
    name: 'SLL2 IPv6 TCP',
    linktype: 276,
    frame: sll2(0x86dd, ipv6(B6, A6, 6, tcp(80, 8080))),
    want: { ipVersion: 6, srcAddr: B6, dstAddr: A6, protocol: 6, srcPort: 80, dstPort: 8080 },
  },
  {
    name: 'SLL2 IPv4 ICMP reply',
    linktype: 276,
    frame: sll2(0x0800, ipv4(B4, A4, 1, icmp(0, 0))),
    want: { ipVersion: 4, srcAddr: B4, dstAddr: A4, protocol: 1, icmpType: 0, icmpCode: 0 },
  },
  {
    name: 'raw IPv4 TCP',
    linktype: 101,
    frame: ipv4(A4, B4, 6, tcp(5, 6)),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 6, srcPort: 5, dstPort: 6 },
  },
  {
    name: 'raw IPv6 UDP',
    linktype: 101,
    frame: ipv6(A6, B6, 17, udp(7, 8)),
    want: { ipVersion: 6, srcAddr: A6, dstAddr: B6, protocol: 17, srcPort: 7, dstPort: 8 },
  },
  {
    name: 'raw (DLT 12) IPv4 UDP',
    linktype: 12,
    frame: ipv4(A4, B4, 17, udp(9, 9)),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 17, srcPort: 9, dstPort: 9 },
  },
  {
    name: 'raw (DLT 14) IPv6 TCP',
    linktype: 14,
    frame: ipv6(A6, B6, 6, tcp(9, 9)),
    want: { ipVersion: 6, srcAddr: A6, dstAddr: B6, protocol: 6, srcPort: 9, dstPort: 9 },
  },
  {
    name: 'IPv4 link type',
    linktype: 228,
    frame: ipv4(A4, B4, 17, udp(11, 12)),
    want: { ipVersion: 4, srcAddr: A4, dstAddr: B4, protocol: 17, srcPort: 11, dstPort: 12 },
  },
  {
    name: 'IPv6 link type',
    linktype: 229,
    frame: ipv6(A6, B6, 58, icmp(129, 0)),
    want: { ipVersion: 6, srcAddr: A6, dstAddr: B6, protocol: 58, icmpType: 129, icmpCode: 0 },
  },
  {
    name: 'BSD loopback IPv4, little-endian family',
    linktype: 0,
    frame: loop(2, true, ipv4('127.0.0.1', '127.0.0.1', 17, udp(5000, 5001))),
    want: {
      ipVersion: 4,
      srcAddr: '127.0.0.1',
      dstAddr: '127.0.0.1',
      protocol: 17,
      srcPort: 5000,
      dstPort: 5001,
    },
  },
  {
    name: 'BSD loopback IPv6, big-endian family 24',
    linktype: 0,
    frame: loop(24, false, ipv6('::1', '::1', 6, tcp(5432, 40000))),
    want: { ipVersion: 6, srcAddr: '::1', dstAddr: '::1', protocol: 6, srcPort: 5432, dstPort: 40000 },
  },
  {
    name: 'BSD loopback IPv6, family 30 (macOS)',
    linktype: 0,
    frame: loop(30, true, ipv6('::1', '::1', 17, udp(53, 53))),
    want: { ipVersion: 6, srcAddr: '::1', dstAddr: '::1', protocol: 17, srcPort: 53, dstPort: 53 },
  },
  { name: 'BSD loopback, truncated family', linktype: 0, frame: [2, 0], want: {} },
  { name: 'unknown link type', linktype: 147, frame: ipv4(A4, B4, 6, tcp(1, 2)), want: {} },
];

/** The full expectation: defaults for what a case leaves out, and the Community ID of its flow. */
function expected(c: Case): Decoded {
  const d: Decoded = { ...newDecoded(), ...c.want };
  if (c.want.communityId === undefined && d.srcAddr !== null && d.dstAddr !== null && d.protocol >= 0) {
    const icmpLike = d.protocol === 1 || d.protocol === 58;
    d.communityId =
      communityIdOf(
        d.srcAddr,
        d.dstAddr,
        d.protocol,
        icmpLike ? d.icmpType : d.srcPort >= 0 ? d.srcPort : undefined,
        icmpLike ? d.icmpCode : d.dstPort >= 0 ? d.dstPort : undefined,
      ) ?? null;
  }
  return d;
}

describe('decodePacket', () => {
  const out = newDecoded();
  for (const c of cases) {
    it(c.name, () => {
      // A previous packet's fields must not leak into this one.
      decodePacket(1, Uint8Array.from(eth(0x0800, ipv4(A4, B4, 17, udp(1, 2)), [[0x8100, 9]])), out);
      decodePacket(c.linktype, Uint8Array.from(c.frame), out);
      // The flow number is checked on its own below; it has a number exactly when both
      // addresses were read.
      expect({ ...out, flow: -1 }).toEqual(expected(c));
      expect(out.flow >= 0).toBe(out.dstAddr !== null);
    });
  }

  it('never throws on any prefix of any frame', () => {
    for (const c of cases) {
      for (let n = 0; n <= c.frame.length; n++) {
        expect(() => decodePacket(c.linktype, Uint8Array.from(c.frame.slice(0, n)), out)).not.toThrow();
      }
    }
  });

  it('decodes a range of a larger buffer as it decodes those bytes alone, reading nothing past it', () => {
    const alone = newDecoded();
    for (const c of cases) {
      for (let n = 0; n <= c.frame.length; n++) {
        // Bytes around the packet that would decode as more header or ports if they were read.
        const buf = new Uint8Array(n + 200).fill(0x45);
        buf.set(c.frame.slice(0, n), 100);
        decodePacket(c.linktype, buf, out, 100, 100 + n);
        decodePacket(c.linktype, Uint8Array.from(c.frame.slice(0, n)), alone);
        expect({ ...out, flow: -1 }, `${c.name}, ${n} bytes`).toEqual({ ...alone, flow: -1 });
      }
    }
  });

  it('numbers flows: one number per direction, the same texts under each', () => {
    const a = newDecoded();
    const b = newDecoded();
    const frame = (src: string, dst: string, sport: number, dport: number) =>
      Uint8Array.from(eth(0x0800, ipv4(src, dst, 6, tcp(sport, dport))));
    decodePacket(1, frame('10.9.8.7', '10.9.8.6', 1234, 80), a);
    decodePacket(1, frame('10.9.8.7', '10.9.8.6', 1234, 80), b);
    expect(b.flow).toBe(a.flow);
    decodePacket(1, frame('10.9.8.6', '10.9.8.7', 80, 1234), b);
    expect(b.flow).not.toBe(a.flow);
    expect([b.srcAddr, b.dstAddr, b.communityId]).toEqual([a.dstAddr, a.srcAddr, a.communityId]);
    decodePacket(1, frame('10.9.8.7', '10.9.8.6', 1235, 80), b);
    expect(b.flow).not.toBe(a.flow);
    expect(b.communityId).not.toBe(a.communityId);
  });

  it('gives the Community ID communityIdOf gives, for random flows, fresh and cached', () => {
    let x = 12345;
    const rand = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    const bytes = (n: number) => Array.from({ length: n }, () => (rand(4) === 0 ? 0 : rand(256)));
    const protos = [6, 17, 132, 1, 58, 47, 50];
    const icmpTypes = [
      0, 8, 3, 11, 13, 14, 9, 10, 128, 129, 130, 131, 133, 134, 135, 136, 139, 140, 144, 145, 1,
    ];
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 20_000; i++) {
      const v6 = rand(3) === 0;
      const src = bytes(v6 ? 16 : 4);
      const dst = rand(10) === 0 ? src : bytes(v6 ? 16 : 4);
      const proto = protos[rand(protos.length)] as number;
      const sport = rand(4) === 0 ? 80 : rand(65536);
      const dport = rand(4) === 0 ? 80 : rand(65536);
      const l4 =
        proto === 1 || proto === 58
          ? icmp(icmpTypes[rand(icmpTypes.length)] as number, rand(3))
          : proto === 47 || proto === 50
            ? [0, 0, 0, 0]
            : [...be16(sport), ...be16(dport), 0, 0, 0, 0];
      const header = v6
        ? [0x60, 0, 0, 0, ...be16(l4.length), proto, 64, ...src, ...dst]
        : [0x45, 0, ...be16(20 + l4.length), 0, 0, 0, 0, 64, proto, 0, 0, ...src, ...dst];
      frames.push(Uint8Array.from([...header, ...l4]));
    }
    const out = newDecoded();
    for (const pass of [1, 2]) {
      for (const frame of frames) {
        decodePacket(101, frame, out);
        const at = out.ipVersion === 6 ? 8 : 12;
        const len = out.ipVersion === 6 ? 16 : 4;
        expect(Array.from(ipBytes(out.srcAddr as string) ?? [])).toEqual(
          Array.from(frame.subarray(at, at + len)),
        );
        expect(Array.from(ipBytes(out.dstAddr as string) ?? [])).toEqual(
          Array.from(frame.subarray(at + len, at + 2 * len)),
        );
        const icmpLike = out.protocol === 1 || out.protocol === 58;
        const ports = out.protocol === 6 || out.protocol === 17 || out.protocol === 132;
        const want = communityIdOf(
          out.srcAddr as string,
          out.dstAddr as string,
          out.protocol,
          icmpLike ? out.icmpType : ports ? out.srcPort : undefined,
          icmpLike ? out.icmpCode : ports ? out.dstPort : undefined,
        );
        expect({ pass, id: out.communityId }).toEqual({ pass, id: want });
      }
    }
  });

  it('keeps IPv6 text right when addresses collide in its cache', () => {
    // Many distinct addresses through the same small cache, each read twice.
    for (let i = 0; i < 10_000; i++) {
      const text = `2001:db8:${((i >> 8) + 1).toString(16)}:${((i & 0xff) + 1).toString(16)}::1`;
      const frame = Uint8Array.from(ipv6(text, '::1', 59, []));
      decodePacket(229, frame, out);
      expect(out.srcAddr).toBe(text);
    }
  });
});

// ---- tshark cross-check ----------------------------------------------------------------------

const FIELDS = [
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'tcp.srcport',
  'tcp.dstport',
  'udp.srcport',
  'udp.dstport',
  'sctp.srcport',
  'sctp.dstport',
  'icmp.type',
  'icmp.code',
  'icmpv6.type',
  'icmpv6.code',
  'vlan.id',
  'ieee8021ad.id',
  'communityid',
] as const;

/** Each frame's fields as tshark prints them, keeping the first of repeated values. */
function tsharkRows(file: string): Record<(typeof FIELDS)[number], string>[] {
  const args = ['-r', file, '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE'];
  args.push('--enable-protocol', 'communityid', '-o', 'communityid.seed:0', '-T', 'fields');
  for (const f of FIELDS) args.push('-e', f);
  const text = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const values = line.split('\t');
      return Object.fromEntries(FIELDS.map((f, i) => [f, (values[i] ?? '').split(',')[0] ?? ''])) as Record<
        (typeof FIELDS)[number],
        string
      >;
    });
}

const num = (s: string) => (s === '' ? -1 : Number(s));

describe('decodePacket agrees with tshark', () => {
  const linktypes = [...new Set(cases.map((c) => c.linktype))];
  for (const linktype of linktypes) {
    it(`link type ${linktype}`, async () => {
      const mine = cases.filter((c) => c.linktype === linktype);
      const file = join(dir, `lt-${linktype}.pcap`);
      const w = await PcapWriter.open(file, { linktype, nanos: false });
      for (const [i, c] of mine.entries())
        w.write(1_700_000_000 + i, 0, c.frame.length, Uint8Array.from(c.frame));
      await w.close();
      const theirs = tsharkRows(file);
      expect(theirs).toHaveLength(mine.length);
      const out = newDecoded();
      for (const [i, c] of mine.entries()) {
        const t = theirs[i] as Record<(typeof FIELDS)[number], string>;
        if (c.tsharkDiffers === 'all') continue;
        decodePacket(linktype, Uint8Array.from(c.frame), out);
        const ours = {
          case: c.name,
          srcAddr: out.srcAddr,
          dstAddr: out.dstAddr,
          srcPort: out.srcPort,
          dstPort: out.dstPort,
          icmpType: out.icmpType,
          icmpCode: out.icmpCode,
          vlan: out.vlan,
          communityId: out.communityId,
        };
        const icmpV6 = out.protocol === 58;
        const seen = {
          case: c.name,
          srcAddr: t['ip.src'] || t['ipv6.src'] || null,
          dstAddr: t['ip.dst'] || t['ipv6.dst'] || null,
          srcPort: num(t['tcp.srcport'] || t['udp.srcport'] || t['sctp.srcport']),
          dstPort: num(t['tcp.dstport'] || t['udp.dstport'] || t['sctp.dstport']),
          icmpType: num(icmpV6 ? t['icmpv6.type'] : t['icmp.type']),
          icmpCode: num(icmpV6 ? t['icmpv6.code'] : t['icmp.code']),
          // tshark names an 802.1ad (service) tag's id apart from an 802.1Q one's; ours is outer.
          vlan: num(t['ieee8021ad.id'] || t['vlan.id']),
          communityId: t.communityid || null,
        };
        // An ICMP error's quoted header has ports of its own: tshark shows those, we do not.
        if (c.tsharkDiffers === 'ports') {
          expect(seen.srcPort).toBeGreaterThanOrEqual(0);
          seen.srcPort = -1;
          seen.dstPort = -1;
        }
        // No transport header (a later fragment, an empty datagram): tshark hashes addresses and
        // protocol only; without ports we give none.
        if (c.tsharkDiffers === 'communityId') {
          expect(`${c.name}: ${seen.communityId}`).toMatch(/^[^:]+: 1:/);
          seen.communityId = null;
        }
        expect(ours).toEqual(seen);
      }
    });
  }
});
