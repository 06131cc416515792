// Synthetic packet captures for tests: seeded, realistic mixed traffic built byte by byte, plus
// libpcap and pcapng writers. This is an independent reference for the production reader in
// lake/pcap/ and shares no code with it; tshark is the judge of both (test/lake/pcap-gen.test.ts).

import { writeFileSync } from 'node:fs';

/** What a packet is, as tshark would report it with IP defragmentation off. */
export interface PacketTruth {
  ipVersion: 0 | 4 | 6;
  /** Outermost IP source as tshark prints it (IPv6 in RFC 5952 form); null without IP. */
  src: string | null;
  dst: string | null;
  /** Upper-layer protocol of the outermost IP header (after IPv6 extension headers), or -1. */
  protocol: number;
  /** -1 when absent: ICMP, ARP, GRE, non-first fragments. */
  srcPort: number;
  dstPort: number;
  /** Outermost VLAN id, or -1. */
  vlan: number;
  fragment: boolean;
  kind: string;
}

/** One captured packet with what it is. */
export interface GenPacket {
  tsSec: number;
  tsNsec: number;
  /** 1 Ethernet, 101 raw IP, 113 Linux SLL. */
  linktype: number;
  /**
   * Captured bytes; shorter than origLen for packets truncated by a small snaplen. A view into a
   * buffer shared with other packets (mind data.byteOffset when using data.buffer).
   */
  data: Uint8Array;
  origLen: number;
  truth: PacketTruth;
}

export interface TrafficOptions {
  seed: number;
  packets: number;
  startSec: number;
  durationSec: number;
  /** Nanosecond timestamps; otherwise every tsNsec is a whole number of microseconds. */
  nanos?: boolean;
  linktype?: 1 | 101 | 113;
}

/** Traffic kinds, by the flow that produces them (GenPacket.truth.kind). */
export const TRAFFIC_KINDS = [
  'tcp',
  'tcp6',
  'dns',
  'dns6',
  'udp',
  'udp6',
  'icmp-echo',
  'icmp6-echo',
  'icmp-unreach',
  'udp6-hbh',
  'ipv4-frag',
  'ipv6-frag',
  'arp',
  'gre',
  'sctp',
] as const;

const LINK_ETHERNET = 1;
const LINK_RAW = 101;
const LINK_SLL = 113;

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_ARP = 0x0806;

const PROTO_ICMP = 1;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const PROTO_GRE = 47;
const PROTO_ICMPV6 = 58;
const PROTO_SCTP = 132;
const NH_HOPOPTS = 0;
const NH_FRAGMENT = 44;

const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_PSH = 0x08;
const TCP_ACK = 0x10;

/** Captured length of the packets the generator truncates, as a small snaplen would. */
const SHORT_SNAPLEN = 96;

// ---------------------------------------------------------------------------------------------
// Randomness

/** Noise pool size: larger than any payload the generator draws at once. */
const NOISE = 1 << 16;

class Rng {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  /** mulberry32: small, fast and good enough for test data. */
  u32(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  float(): number {
    return this.u32() / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)] as T;
  }
  /** Random-looking bytes: short runs drawn afresh, longer ones copied from a seeded noise pool. */
  fill(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const n = end - start;
    if (n > 32) {
      // Payload bytes only need to look random, and a copy is far cheaper than a draw per word.
      this.noise ??= this.makeNoise();
      const at = this.int(0, NOISE - n);
      bytes.set(this.noise.subarray(at, at + n), start);
      return;
    }
    for (let i = start; i < end; i++) bytes[i] = this.u32();
  }
  private noise: Uint8Array | undefined;
  private makeNoise(): Uint8Array {
    const words = new Uint32Array(NOISE / 4);
    for (let i = 0; i < words.length; i++) words[i] = this.u32();
    return new Uint8Array(words.buffer);
  }
}

// ---------------------------------------------------------------------------------------------
// Bytes and checksums

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8;
  b[at + 1] = v;
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}

// Packets are built inside out: each layer writes its header into the free bytes in front of its
// payload, so a frame is allocated once instead of copied at every layer.
const HEADROOM = 128;

// A flow is built in a scratch slab that is wiped and reused once its frames are copied out, so
// building 60,000 packets allocates almost nothing for the garbage collector to chase.
const SLAB = 1 << 20;
let slab = new Uint8Array(SLAB);
let slabUsed = 0;

/** n zero bytes with room in front for every header this generator puts around them. */
function body(n: number): Uint8Array {
  const need = (HEADROOM + n + 7) & ~7;
  if (need > SLAB) return new Uint8Array(new ArrayBuffer(HEADROOM + n), HEADROOM, n);
  if (slabUsed + need > SLAB) {
    slab = new Uint8Array(SLAB);
    slabUsed = 0;
  }
  const b = new Uint8Array(slab.buffer, slabUsed + HEADROOM, n);
  slabUsed += need;
  return b;
}

/** Makes the scratch slab reusable: only once nothing built in it is referenced any more. */
function recycleSlab(): void {
  slab.fill(0, 0, slabUsed);
  slabUsed = 0;
}

/**
 * The payload with n more bytes in front, in place in its body's headroom. Only for a body() or
 * what a prepend returned, never a subarray (use chunk): the in-place check cannot tell whose bytes
 * lie in front. The deepest stack, QinQ Ethernet + IPv6 + TCP with MSS, takes 86 of the 128 bytes.
 */
function prepend(payload: Uint8Array, n: number): Uint8Array {
  if (payload.byteOffset >= n) {
    return new Uint8Array(payload.buffer, payload.byteOffset - n, payload.length + n);
  }
  const b = body(n + payload.length);
  b.set(payload, n);
  return b;
}

/** A fresh copy of part of a payload, safe to prepend to. */
function chunk(src: Uint8Array, start: number, end: number): Uint8Array {
  const part = src.subarray(start, end);
  const b = body(part.length);
  b.set(part);
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = body(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** One's-complement sum of 16-bit big-endian words, not yet folded. */
function sum16(b: Uint8Array, start = 0, end = b.length, acc = 0): number {
  const n = end - start;
  if (LITTLE_ENDIAN && n >= 64 && ((b.byteOffset + start) & 1) === 0) {
    // Summing native (little-endian) words and swapping the folded result's bytes gives the same
    // one's-complement sum (RFC 1071 §2(B)), a word per step instead of a byte pair.
    const words = new Uint16Array(b.buffer, b.byteOffset + start, n >>> 1);
    let le = 0;
    for (let i = 0; i < words.length; i++) le += words[i] as number;
    while (le > 0xffff) le = (le & 0xffff) + Math.floor(le / 0x10000);
    let s = acc + (((le & 0xff) << 8) | (le >>> 8));
    if (n & 1) s += (b[end - 1] as number) << 8;
    return s;
  }
  let s = acc;
  let i = start;
  for (; i + 1 < end; i += 2) s += ((b[i] as number) << 8) | (b[i + 1] as number);
  if (i < end) s += (b[i] as number) << 8;
  return s;
}

function fold(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** Sets the TCP/UDP/ICMPv6 checksum of an upper-layer segment, pseudo-header included. */
function setL4Checksum(l4: Uint8Array, at: number, src: Uint8Array, dst: Uint8Array, proto: number): void {
  l4[at] = 0;
  l4[at + 1] = 0;
  let s = sum16(src) + sum16(dst) + proto;
  s += src.length === 4 ? l4.length : Math.floor(l4.length / 0x10000) + (l4.length & 0xffff);
  let c = fold(sum16(l4, 0, l4.length, s));
  if (c === 0 && proto === PROTO_UDP) c = 0xffff;
  put16(l4, at, c);
}

const CRC32C = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32c(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = (CRC32C[(c ^ x) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Addresses

interface Host {
  ip: Uint8Array;
  text: string;
  mac: Uint8Array;
}

/** RFC 5952: lowercase, no leading zeros, the longest run (first on a tie) of 2+ zero groups as `::`. */
export function ipv6Text(ip: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((ip[i] as number) << 8) | (ip[i + 1] as number));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

function ipv6Bytes(groups: readonly number[]): Uint8Array {
  const b = new Uint8Array(16);
  for (const [i, x] of groups.entries()) put16(b, i * 2, x);
  return b;
}

// Addresses whose canonical text needs care: zero runs of different lengths, ties, lone zeros.
const IPV6_FIXED: readonly (readonly number[])[] = [
  [0x2001, 0xdb8, 0, 0, 1, 0, 0, 5],
  [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1],
  [0x2001, 0xdb8, 0, 1, 0, 0, 0, 1],
  [0x2001, 0xdb8, 0, 1, 2, 3, 4, 5],
  [0x2001, 0xdb8, 1, 0, 0, 2, 0, 0],
  [0x2001, 0xdb8, 0xabcd, 0, 0, 0, 0xef, 0x10],
  [0x2001, 0xdb8, 0, 0, 0, 1, 0, 0],
  [0x2001, 0xdb8, 0x85a3, 0, 0, 0x8a2e, 0x370, 0x7334],
];

const PUBLIC_V4_PREFIXES: readonly (readonly number[])[] = [
  [93, 184],
  [151, 101],
  [142, 250],
  [104, 16],
  [185, 199],
  [203, 0],
  [198, 51],
  [52, 95],
  [8, 8],
  [1, 1],
];

function mac(kind: number, index: number): Uint8Array {
  return Uint8Array.of(0x02, 0x42, 0xac, kind, index >>> 8, index & 0xff);
}

function makeHosts(rng: Rng): { v4Private: Host[]; v4Public: Host[]; v6: Host[] } {
  const seen = new Set<string>();
  const v4Private: Host[] = [];
  const v4Public: Host[] = [];
  while (v4Private.length < 120) {
    const ip = Uint8Array.of(10, rng.pick([0, 1, 1, 20, 42]), rng.int(0, 3), rng.int(1, 254));
    const text = ip.join('.');
    if (seen.has(text)) continue;
    seen.add(text);
    v4Private.push({ ip, text, mac: mac(1, v4Private.length) });
  }
  while (v4Public.length < 80) {
    const [a, b] = rng.pick(PUBLIC_V4_PREFIXES) as [number, number];
    const ip = Uint8Array.of(a, b, rng.int(0, 255), rng.int(1, 254));
    const text = ip.join('.');
    if (seen.has(text)) continue;
    seen.add(text);
    v4Public.push({ ip, text, mac: mac(2, v4Public.length) });
  }
  const v6: Host[] = [];
  for (const groups of IPV6_FIXED) {
    const ip = ipv6Bytes(groups);
    v6.push({ ip, text: ipv6Text(ip), mac: mac(3, v6.length) });
  }
  while (v6.length < 40) {
    const groups = [0x2001, 0xdb8, rng.int(0, 0xffff), rng.pick([0, 1, 0x10]), 0, 0, 0, rng.int(1, 0xffff)];
    if (rng.chance(0.5)) groups[4] = rng.int(1, 0xffff);
    if (rng.chance(0.5)) groups[5] = rng.int(0, 0xff);
    const ip = ipv6Bytes(groups);
    const text = ipv6Text(ip);
    if (seen.has(text)) continue;
    seen.add(text);
    v6.push({ ip, text, mac: mac(3, v6.length) });
  }
  return { v4Private, v4Public, v6 };
}

// ---------------------------------------------------------------------------------------------
// Layers

function ipv4(
  src: Host,
  dst: Host,
  proto: number,
  payload: Uint8Array,
  o: { id: number; ttl?: number; df?: boolean; mf?: boolean; offset?: number },
): Uint8Array {
  const b = prepend(payload, 20);
  b.fill(0, 0, 20);
  b[0] = 0x45;
  put16(b, 2, b.length);
  put16(b, 4, o.id);
  put16(b, 6, (o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | ((o.offset ?? 0) >>> 3));
  b[8] = o.ttl ?? 64;
  b[9] = proto;
  b.set(src.ip, 12);
  b.set(dst.ip, 16);
  put16(b, 10, fold(sum16(b, 0, 20)));
  return b;
}

function ipv6(
  src: Host,
  dst: Host,
  next: number,
  payload: Uint8Array,
  flowLabel: number,
  hops = 64,
): Uint8Array {
  const b = prepend(payload, 40);
  put32(b, 0, (6 << 28) | (flowLabel & 0xfffff));
  put16(b, 4, payload.length);
  b[6] = next;
  b[7] = hops;
  b.set(src.ip, 8);
  b.set(dst.ip, 24);
  return b;
}

function udp(src: Host, dst: Host, sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const b = prepend(payload, 8);
  put16(b, 0, sport);
  put16(b, 2, dport);
  put16(b, 4, b.length);
  setL4Checksum(b, 6, src.ip, dst.ip, PROTO_UDP);
  return b;
}

interface TcpSeg {
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
  payload: Uint8Array;
  mss?: boolean;
}

function tcp(src: Host, dst: Host, s: TcpSeg): Uint8Array {
  const hl = s.mss ? 24 : 20;
  const b = prepend(s.payload, hl);
  b.fill(0, 0, hl);
  put16(b, 0, s.sport);
  put16(b, 2, s.dport);
  put32(b, 4, s.seq);
  put32(b, 8, s.flags & TCP_ACK ? s.ack : 0);
  b[12] = (hl / 4) << 4;
  b[13] = s.flags;
  put16(b, 14, s.flags & TCP_SYN ? 64240 : 65280); // no window scaling: the raw value is the window
  if (s.mss) b.set([2, 4, 0x05, 0xb4], 20);
  setL4Checksum(b, 16, src.ip, dst.ip, PROTO_TCP);
  return b;
}

function icmpEcho(v6: boolean, reply: boolean, id: number, seq: number, data: Uint8Array): Uint8Array {
  const b = body(8 + data.length);
  b[0] = v6 ? (reply ? 129 : 128) : reply ? 0 : 8;
  put16(b, 4, id);
  put16(b, 6, seq);
  b.set(data, 8);
  return b;
}

function icmpv4Checksum(b: Uint8Array): Uint8Array {
  put16(b, 2, fold(sum16(b)));
  return b;
}

// ---------------------------------------------------------------------------------------------
// Application payloads (valid enough that tshark's dissectors do not call them malformed)

const LABELS = ['www', 'mail', 'api', 'cdn', 'login', 'update', 'static', 'vpn', 'time', 'assets'];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'corp.example', 'palisade.test'];
const ASCII = new TextEncoder();

/** Every query name, in DNS wire form. */
const DNS_NAMES: readonly Uint8Array[] = LABELS.flatMap((label) =>
  DOMAINS.map((domain) => {
    const parts: number[] = [];
    for (const l of `${label}.${domain}`.split('.')) parts.push(l.length, ...ASCII.encode(l));
    parts.push(0);
    return Uint8Array.from(parts);
  }),
);

function dnsMessage(rng: Rng, id: number, qname: Uint8Array, qtype: number, response: boolean): Uint8Array {
  const nx = response && rng.chance(0.1);
  const answers = response && !nx ? rng.int(1, 2) : 0;
  const rdlen = qtype === 28 ? 16 : 4;
  const b = body(12 + qname.length + 4 + answers * (12 + rdlen));
  put16(b, 0, id);
  put16(b, 2, response ? (nx ? 0x8183 : 0x8180) : 0x0100);
  put16(b, 4, 1);
  put16(b, 6, answers);
  b.set(qname, 12);
  let at = 12 + qname.length;
  put16(b, at, qtype);
  put16(b, at + 2, 1);
  at += 4;
  for (let i = 0; i < answers; i++) {
    put16(b, at, 0xc00c);
    put16(b, at + 2, qtype);
    put16(b, at + 4, 1);
    put32(b, at + 6, rng.int(30, 86400));
    put16(b, at + 10, rdlen);
    rng.fill(b, at + 12, at + 12 + rdlen);
    if (qtype === 28) put32(b, at + 12, 0x20010db8);
    at += 12 + rdlen;
  }
  return b;
}

function randomBytes(rng: Rng, n: number): Uint8Array {
  const b = body(n);
  rng.fill(b);
  return b;
}

// tshark tries dozens of heuristic dissectors on UDP payloads (RTCP, QUIC, STUN, WireGuard, DTLS, …)
// and a few took random bytes for theirs and then called them malformed. A leading zero byte and an
// all-ones second word fail the checks of those in tshark 4.0 (no malformed packet over 8 seeds ×
// 60,000 packets × 3 linktypes, with and without reassembly).
const OPAQUE_HEAD = Uint8Array.of(0x00, 0x50, 0x4c, 0x53, 0xff, 0xff, 0xff, 0xff);

/** n ≥ 8 bytes of application data that no tshark dissector claims. */
function opaque(rng: Rng, n: number): Uint8Array {
  const b = body(n);
  b.set(OPAQUE_HEAD);
  rng.fill(b, OPAQUE_HEAD.length);
  return b;
}

/** A TLS 1.2 application-data record filling exactly n bytes. */
function tlsRecord(rng: Rng, n: number): Uint8Array {
  const b = body(n);
  b.set([0x17, 0x03, 0x03], 0);
  put16(b, 3, n - 5);
  rng.fill(b, 5);
  return b;
}

/** Text of exactly n bytes (n ≥ head.length + tail.length), padded with an X-Pad header. */
function httpText(head: string, n: number): Uint8Array {
  const b = body(n);
  const { written } = ASCII.encodeInto(`${head}X-Pad: `, b);
  b.fill(0x61, written, n - 4);
  b.set([13, 10, 13, 10], n - 4);
  return b;
}

// ---------------------------------------------------------------------------------------------
// Flows

interface Draft {
  /** Nanoseconds since the flow's start. */
  off: number;
  data: Uint8Array;
  truth: PacketTruth;
  /** Opaque payload that a short snaplen may cut without confusing tshark's later dissection. */
  cuttable: boolean;
}

interface Tag {
  tpid: number;
  id: number;
}

const VLAN_IDS = [10, 20, 30, 100, 200, 4000];
const SVLAN_IDS = [300, 301, 1000];
const TCP_PORTS = [443, 443, 443, 80, 80];
const SCTP_PORTS = [2905, 3868, 36412, 38412];
const MS = 1_000_000;
// Ephemeral ports that tshark 4.0 maps to a dissector (`tshark -G decodes`), which would then parse
// random payloads: UDP tries the lower port first, so a client port can matter too.
const DISSECTED_PORTS = new Set([
  32000, 32512, 34962, 34980, 37008, 41170, 44818, 45564, 47000, 47808, 49999, 54328,
]);

class Flow {
  readonly drafts: Draft[] = [];
  t = 0;
  constructor(
    readonly g: Generator,
    readonly kind: string,
    readonly tags: Tag[],
  ) {}

  wait(minNs: number, maxNs: number): void {
    this.t += this.g.rng.int(minNs, maxNs);
  }

  /** Adds an IP packet from `src` to `dst`; truth's addresses and version come from the header. */
  ip(
    l3: Uint8Array,
    src: Host,
    dst: Host,
    t: {
      protocol: number;
      srcPort?: number;
      dstPort?: number;
      fragment?: boolean;
      kind?: string;
      cuttable?: boolean;
    },
  ): void {
    const v6 = (l3[0] as number) >>> 4 === 6;
    const truth: PacketTruth = {
      ipVersion: v6 ? 6 : 4,
      src: src.text,
      dst: dst.text,
      protocol: t.protocol,
      srcPort: t.srcPort ?? -1,
      dstPort: t.dstPort ?? -1,
      vlan: this.tags[0]?.id ?? -1,
      fragment: t.fragment ?? false,
      kind: t.kind ?? this.kind,
    };
    this.drafts.push({
      off: this.t,
      data: this.g.frame(v6 ? ETH_IPV6 : ETH_IPV4, l3, src.mac, dst.mac, this.tags),
      truth,
      cuttable: t.cuttable ?? false,
    });
  }

  arp(frame: Uint8Array): void {
    this.drafts.push({
      off: this.t,
      data: frame,
      truth: {
        ipVersion: 0,
        src: null,
        dst: null,
        protocol: -1,
        srcPort: -1,
        dstPort: -1,
        vlan: this.tags[0]?.id ?? -1,
        fragment: false,
        kind: this.kind,
      },
      cuttable: false,
    });
  }
}

type FlowFn = (f: Flow) => void;

class Generator {
  readonly rng: Rng;
  readonly hosts: ReturnType<typeof makeHosts>;
  private ipId = 1;

  constructor(
    seed: number,
    readonly linktype: number,
  ) {
    this.rng = new Rng(seed);
    this.hosts = makeHosts(this.rng);
  }

  nextIpId(): number {
    this.ipId = (this.ipId + this.rng.int(1, 40)) & 0xffff;
    return this.ipId;
  }

  ephemeral(): number {
    for (;;) {
      const p = this.rng.int(32768, 55999);
      if (!DISSECTED_PORTS.has(p)) return p;
    }
  }

  /** A client (mostly private) and a server (mostly public), distinct. */
  pair4(): [Host, Host] {
    const { v4Private, v4Public } = this.hosts;
    const c = this.rng.chance(0.85) ? this.rng.pick(v4Private) : this.rng.pick(v4Public);
    let s = this.rng.chance(0.7) ? this.rng.pick(v4Public) : this.rng.pick(v4Private);
    while (s === c) s = this.rng.pick(v4Public);
    return [c, s];
  }

  pair6(): [Host, Host] {
    const c = this.rng.pick(this.hosts.v6);
    let s = this.rng.pick(this.hosts.v6);
    while (s === c) s = this.rng.pick(this.hosts.v6);
    return [c, s];
  }

  tags(): Tag[] {
    if (this.linktype !== LINK_ETHERNET) return [];
    const r = this.rng.float();
    if (r < 0.8) return [];
    const inner = { tpid: 0x8100, id: this.rng.pick(VLAN_IDS) };
    if (r < 0.97) return [inner];
    return [{ tpid: 0x88a8, id: this.rng.pick(SVLAN_IDS) }, inner];
  }

  /** Wraps a network-layer packet in the capture's link layer. */
  frame(ethertype: number, l3: Uint8Array, srcMac: Uint8Array, dstMac: Uint8Array, tags: Tag[]): Uint8Array {
    if (this.linktype === LINK_RAW) return l3;
    if (this.linktype === LINK_SLL) {
      const b = prepend(l3, 16);
      put16(b, 0, this.rng.chance(0.5) ? 0 : 4); // to us / outgoing
      put16(b, 2, 1); // ARPHRD_ETHER
      put16(b, 4, 6);
      b.set(srcMac, 6);
      b.fill(0, 12, 14);
      put16(b, 14, ethertype);
      return b;
    }
    const hl = 14 + 4 * tags.length;
    let b = prepend(l3, hl);
    if (b.length < 60) {
      // Ethernet frames are at least 60 bytes without the FCS; the sender pads short ones.
      const padded = body(60);
      padded.set(b);
      b = padded;
    }
    b.set(dstMac, 0);
    b.set(srcMac, 6);
    let at = 12;
    for (const t of tags) {
      put16(b, at, t.tpid);
      put16(b, at + 2, t.id);
      at += 4;
    }
    put16(b, at, ethertype);
    return b;
  }

  readonly flows: readonly (readonly [string, number, FlowFn])[] = [
    ['tcp', 9, (f) => this.tcpFlow(f, false)],
    ['tcp6', 3, (f) => this.tcpFlow(f, true)],
    ['dns', 40, (f) => this.dnsFlow(f, false)],
    ['dns6', 12, (f) => this.dnsFlow(f, true)],
    ['udp', 12, (f) => this.udpFlow(f, false)],
    ['udp6', 4, (f) => this.udpFlow(f, true)],
    ['icmp-echo', 10, (f) => this.echoFlow(f, false)],
    ['icmp6-echo', 4, (f) => this.echoFlow(f, true)],
    ['icmp-unreach', 10, (f) => this.unreachFlow(f)],
    ['udp6-hbh', 8, (f) => this.hopByHopFlow(f)],
    ['ipv4-frag', 12, (f) => this.fragment4Flow(f)],
    ['ipv6-frag', 6, (f) => this.fragment6Flow(f)],
    ['arp', 10, (f) => this.arpFlow(f)],
    ['gre', 5, (f) => this.greFlow(f)],
    ['sctp', 5, (f) => this.sctpFlow(f)],
  ];

  tcpFlow(f: Flow, v6: boolean): void {
    const { rng } = this;
    const [c, s] = v6 ? this.pair6() : this.pair4();
    const cport = this.ephemeral();
    const sport = rng.pick(TCP_PORTS);
    const label = rng.int(0, 0xfffff);
    const rtt = rng.int(MS / 5, 80 * MS);
    let cseq = rng.u32();
    let sseq = rng.u32();
    const send = (fromClient: boolean, flags: number, payload: Uint8Array, mss = false) => {
      const [a, b] = fromClient ? [c, s] : [s, c];
      const seg = tcp(a, b, {
        sport: fromClient ? cport : sport,
        dport: fromClient ? sport : cport,
        seq: fromClient ? cseq : sseq,
        ack: fromClient ? sseq : cseq,
        flags,
        payload,
        mss,
      });
      const l3 = v6
        ? ipv6(a, b, PROTO_TCP, seg, label)
        : ipv4(a, b, PROTO_TCP, seg, { id: this.nextIpId(), df: true });
      f.ip(l3, a, b, {
        protocol: PROTO_TCP,
        srcPort: fromClient ? cport : sport,
        dstPort: fromClient ? sport : cport,
        // A cut HTTP segment breaks TCP reassembly and the body then parses as bad headers.
        cuttable: sport === 443,
      });
      const len = payload.length + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
      if (fromClient) cseq = (cseq + len) >>> 0;
      else sseq = (sseq + len) >>> 0;
    };
    const empty = new Uint8Array(0);
    send(true, TCP_SYN, empty, true);
    f.wait(rtt, rtt + MS);
    send(false, TCP_SYN | TCP_ACK, empty, true);
    f.wait(rtt, rtt + MS);
    send(true, TCP_ACK, empty);
    const mss = v6 ? 1440 : 1460;
    for (let ex = rng.int(1, 3); ex > 0; ex--) {
      f.wait(10_000, 2 * MS);
      const reqLen = rng.int(120, 600);
      const body = sport === 80 ? rng.int(200, 6000) : 0;
      send(
        true,
        TCP_PSH | TCP_ACK,
        sport === 80
          ? httpText(`GET /${rng.pick(LABELS)} HTTP/1.1\r\nHost: ${rng.pick(DOMAINS)}\r\n`, reqLen)
          : tlsRecord(rng, reqLen),
      );
      f.wait(rtt, rtt + 5 * MS);
      if (sport === 80) {
        // One response whose Content-Length matches the body spread over the segments.
        const head = ASCII.encode(
          `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body}\r\n\r\n`,
        );
        const all = concat(head, randomBytes(rng, body));
        for (let at = 0; at < all.length; at += mss) {
          const last = at + mss >= all.length;
          send(false, last ? TCP_PSH | TCP_ACK : TCP_ACK, chunk(all, at, at + mss));
          if (!last) f.wait(0, rng.chance(0.3) ? 0 : 300_000);
        }
      } else {
        for (let n = rng.int(1, 5); n > 0; n--) {
          send(
            false,
            n === 1 ? TCP_PSH | TCP_ACK : TCP_ACK,
            tlsRecord(rng, n === 1 ? rng.int(40, mss) : mss),
          );
          if (n > 1) f.wait(0, rng.chance(0.3) ? 0 : 300_000);
        }
      }
      f.wait(20_000, MS);
      send(true, TCP_ACK, empty);
    }
    f.wait(MS, 500 * MS);
    send(true, TCP_FIN | TCP_ACK, empty);
    f.wait(rtt, rtt + MS);
    send(false, TCP_FIN | TCP_ACK, empty);
    f.wait(rtt, rtt + MS);
    send(true, TCP_ACK, empty);
  }

  dnsFlow(f: Flow, v6: boolean): void {
    const { rng } = this;
    const [c, s] = v6 ? this.pair6() : this.pair4();
    const cport = this.ephemeral();
    const label = rng.int(0, 0xfffff);
    const id = rng.int(0, 0xffff);
    const name = rng.pick(DNS_NAMES);
    const qtype = rng.chance(v6 ? 0.6 : 0.25) ? 28 : 1;
    const one = (fromClient: boolean, msg: Uint8Array) => {
      const [a, b] = fromClient ? [c, s] : [s, c];
      const [sp, dp] = fromClient ? [cport, 53] : [53, cport];
      const seg = udp(a, b, sp, dp, msg);
      const l3 = v6 ? ipv6(a, b, PROTO_UDP, seg, label) : ipv4(a, b, PROTO_UDP, seg, { id: this.nextIpId() });
      f.ip(l3, a, b, { protocol: PROTO_UDP, srcPort: sp, dstPort: dp });
    };
    one(true, dnsMessage(rng, id, name, qtype, false));
    if (rng.chance(0.95)) {
      f.wait(MS / 2, 60 * MS);
      one(false, dnsMessage(rng, id, name, qtype, true));
    }
  }

  udpFlow(f: Flow, v6: boolean): void {
    const { rng } = this;
    const [c, s] = v6 ? this.pair6() : this.pair4();
    const [cport, sport] = [this.ephemeral(), this.ephemeral()];
    const label = rng.int(0, 0xfffff);
    for (let n = rng.int(2, 6); n > 0; n--) {
      const fromClient = n % 2 === 0;
      const [a, b] = fromClient ? [c, s] : [s, c];
      const [sp, dp] = fromClient ? [cport, sport] : [sport, cport];
      const seg = udp(a, b, sp, dp, opaque(rng, rng.int(20, 1200)));
      const l3 = v6 ? ipv6(a, b, PROTO_UDP, seg, label) : ipv4(a, b, PROTO_UDP, seg, { id: this.nextIpId() });
      f.ip(l3, a, b, { protocol: PROTO_UDP, srcPort: sp, dstPort: dp, cuttable: true });
      f.wait(50_000, 40 * MS);
    }
  }

  echoFlow(f: Flow, v6: boolean): void {
    const { rng } = this;
    const [c, s] = v6 ? this.pair6() : this.pair4();
    const id = rng.int(1, 0xffff);
    const label = rng.int(0, 0xfffff);
    const rtt = rng.int(MS / 10, 50 * MS);
    // Linux ping: 8 bytes of timestamp, then 0x10, 0x11, …
    const data = new Uint8Array(56);
    for (let i = 8; i < 56; i++) data[i] = i + 8;
    const one = (reply: boolean, seq: number) => {
      const [a, b] = reply ? [s, c] : [c, s];
      const msg = icmpEcho(v6, reply, id, seq, data);
      if (v6) {
        setL4Checksum(msg, 2, a.ip, b.ip, PROTO_ICMPV6);
        f.ip(ipv6(a, b, PROTO_ICMPV6, msg, label), a, b, { protocol: PROTO_ICMPV6 });
      } else {
        f.ip(ipv4(a, b, PROTO_ICMP, icmpv4Checksum(msg), { id: this.nextIpId(), df: true }), a, b, {
          protocol: PROTO_ICMP,
        });
      }
    };
    for (let seq = 1, n = rng.int(1, 4); seq <= n; seq++) {
      put32(data, 0, rng.u32());
      one(false, seq);
      if (rng.chance(0.9)) {
        f.wait(rtt, rtt + MS / 10);
        one(true, seq);
      }
      f.wait(990 * MS, 1010 * MS);
    }
  }

  /** A UDP datagram to a closed port and the ICMP port-unreachable quoting it. */
  unreachFlow(f: Flow): void {
    const { rng } = this;
    const [c, s] = this.pair4();
    const [sp, dp] = [this.ephemeral(), rng.int(33434, 33534)];
    const probe = ipv4(c, s, PROTO_UDP, udp(c, s, sp, dp, opaque(rng, rng.int(8, 40))), {
      id: this.nextIpId(),
      ttl: 64,
    });
    f.ip(probe, c, s, { protocol: PROTO_UDP, srcPort: sp, dstPort: dp, kind: 'udp' });
    f.wait(MS / 10, 30 * MS);
    const msg = body(8 + probe.length);
    msg[0] = 3;
    msg[1] = 3;
    msg.set(probe, 8);
    f.ip(ipv4(s, c, PROTO_ICMP, icmpv4Checksum(msg), { id: this.nextIpId() }), s, c, {
      protocol: PROTO_ICMP,
    });
  }

  /** IPv6 UDP behind a hop-by-hop options header (router alert + PadN). */
  hopByHopFlow(f: Flow): void {
    const { rng } = this;
    const [c, s] = this.pair6();
    const [sp, dp] = [this.ephemeral(), this.ephemeral()];
    const label = rng.int(0, 0xfffff);
    for (let n = rng.int(1, 3); n > 0; n--) {
      const seg = udp(c, s, sp, dp, opaque(rng, rng.int(16, 400)));
      const hbh = prepend(seg, 8);
      hbh.set([PROTO_UDP, 0, 5, 2, 0, 0, 1, 0]);
      f.ip(ipv6(c, s, NH_HOPOPTS, hbh, label, 1), c, s, { protocol: PROTO_UDP, srcPort: sp, dstPort: dp });
      f.wait(MS, 100 * MS);
    }
  }

  /** One or two UDP datagrams of 1.6–4 kB, each split into IPv4 fragments, sometimes out of order. */
  fragment4Flow(f: Flow): void {
    const { rng } = this;
    const [c, s] = this.pair4();
    const [sp, dp] = [this.ephemeral(), this.ephemeral()];
    for (let d = rng.int(1, 2); d > 0; d--) {
      const [a, b, p, q] = d === 2 ? [c, s, sp, dp] : [s, c, dp, sp];
      const dgram = udp(a, b, p, q, opaque(rng, rng.int(1600, 4000)));
      const id = this.nextIpId();
      const frags: Uint8Array[] = [];
      for (let at = 0; at < dgram.length; at += 1480) {
        const mf = at + 1480 < dgram.length;
        frags.push(ipv4(a, b, PROTO_UDP, chunk(dgram, at, at + 1480), { id, mf, offset: at }));
      }
      const order = frags.map((_, i) => i);
      if (rng.chance(0.2)) order.reverse();
      for (const i of order) {
        f.ip(frags[i] as Uint8Array, a, b, {
          protocol: PROTO_UDP,
          srcPort: i === 0 ? p : -1,
          dstPort: i === 0 ? q : -1,
          fragment: true,
          cuttable: true,
        });
        f.wait(0, rng.chance(0.3) ? 0 : 40_000);
      }
      f.wait(MS, 50 * MS);
    }
  }

  /** A UDP datagram split with IPv6 Fragment headers. */
  fragment6Flow(f: Flow): void {
    const { rng } = this;
    const [c, s] = this.pair6();
    const [sp, dp] = [this.ephemeral(), this.ephemeral()];
    const label = rng.int(0, 0xfffff);
    const dgram = udp(c, s, sp, dp, opaque(rng, rng.int(1600, 3500)));
    const ident = rng.u32();
    const parts: number[] = [];
    for (let at = 0; at < dgram.length; at += 1232) parts.push(at);
    if (rng.chance(0.2)) parts.reverse();
    for (const at of parts) {
      const more = at + 1232 < dgram.length;
      const frag = prepend(chunk(dgram, at, at + 1232), 8);
      frag[0] = PROTO_UDP;
      put16(frag, 2, at | (more ? 1 : 0));
      put32(frag, 4, ident);
      const l3 = ipv6(c, s, NH_FRAGMENT, frag, label);
      f.ip(l3, c, s, {
        protocol: PROTO_UDP,
        srcPort: at === 0 ? sp : -1,
        dstPort: at === 0 ? dp : -1,
        fragment: true,
        cuttable: true,
      });
      f.wait(0, rng.chance(0.3) ? 0 : 40_000);
    }
  }

  arpFlow(f: Flow): void {
    const { rng } = this;
    const pool = this.hosts.v4Private;
    const a = rng.pick(pool);
    let b = rng.pick(pool);
    while (b === a) b = rng.pick(pool);
    const arpBody = (op: number, from: Host, to: Host) => {
      const p = body(28);
      p.set([0, 1, 0x08, 0, 6, 4, 0, op]);
      p.set(from.mac, 8);
      p.set(from.ip, 14);
      if (op === 2) p.set(to.mac, 18);
      p.set(to.ip, 24);
      return p;
    };
    const broadcast = new Uint8Array(6).fill(0xff);
    f.arp(this.frame(ETH_ARP, arpBody(1, a, b), a.mac, broadcast, f.tags));
    if (rng.chance(0.85)) {
      f.wait(20_000, 2 * MS);
      f.arp(this.frame(ETH_ARP, arpBody(2, b, a), b.mac, a.mac, f.tags));
    }
  }

  /** An IPv4 ping between private hosts carried in GRE between two tunnel endpoints. */
  greFlow(f: Flow): void {
    const { rng } = this;
    const [c, s] = this.pair4();
    const pool = this.hosts.v4Private;
    const ic = rng.pick(pool);
    let is = rng.pick(pool);
    while (is === ic) is = rng.pick(pool);
    const id = rng.int(1, 0xffff);
    const data = randomBytes(rng, 32);
    for (const reply of [false, true]) {
      const [a, b, x, y] = reply ? [s, c, is, ic] : [c, s, ic, is];
      const inner = ipv4(x, y, PROTO_ICMP, icmpv4Checksum(icmpEcho(false, reply, id, 1, data)), {
        id: this.nextIpId(),
      });
      const gre = prepend(inner, 4);
      gre.set([0, 0, 0x08, 0x00]);
      f.ip(ipv4(a, b, PROTO_GRE, gre, { id: this.nextIpId(), df: true }), a, b, { protocol: PROTO_GRE });
      f.wait(MS, 20 * MS);
    }
  }

  /** SCTP heartbeats (no DATA chunks, so no port-selected upper dissector sees random bytes). */
  sctpFlow(f: Flow): void {
    const { rng } = this;
    const [c, s] = this.pair4();
    const cport = rng.pick(SCTP_PORTS);
    const sport = rng.pick(SCTP_PORTS);
    const [ctag, stag] = [rng.u32(), rng.u32()];
    for (let n = rng.int(1, 2); n > 0; n--) {
      const info = randomBytes(rng, 12);
      for (const ack of [false, true]) {
        const [a, b, sp, dp, vtag] = ack ? [s, c, sport, cport, ctag] : [c, s, cport, sport, stag];
        const p = body(12 + 8 + info.length);
        put16(p, 0, sp);
        put16(p, 2, dp);
        put32(p, 4, vtag);
        p[12] = ack ? 5 : 4;
        put16(p, 14, 8 + info.length);
        put16(p, 16, 1);
        put16(p, 18, 4 + info.length);
        p.set(info, 20);
        const crc = crc32c(p);
        // CRC32c goes on the wire least significant byte first (RFC 4960 appendix B).
        p[8] = crc;
        p[9] = crc >>> 8;
        p[10] = crc >>> 16;
        p[11] = crc >>> 24;
        f.ip(ipv4(a, b, PROTO_SCTP, p, { id: this.nextIpId(), df: true }), a, b, {
          protocol: PROTO_SCTP,
          srcPort: sp,
          dstPort: dp,
        });
        f.wait(MS / 10, 20 * MS);
      }
      f.wait(500 * MS, 1000 * MS);
    }
  }
}

/**
 * Seeded mixed traffic, sorted by time, with deliberate runs of equal timestamps.
 *
 * @example
 * const packets = generateTraffic({ seed: 7, packets: 5000, startSec: 1_714_560_000, durationSec: 600 });
 */
export function generateTraffic(o: TrafficOptions): GenPacket[] {
  const linktype = o.linktype ?? LINK_ETHERNET;
  const g = new Generator(o.seed, linktype);
  const { rng } = g;
  const unit = o.nanos ? 1 : 1000;
  const spanNs = Math.max(1, Math.round(o.durationSec * 1e9));
  const flows = g.flows.filter(([kind]) => linktype === LINK_ETHERNET || kind !== 'arp');
  let totalWeight = 0;
  for (const [, w] of flows) totalWeight += w;

  // Finished frames are copied into shared 4 MiB chunks, each packet a view of its own bytes.
  let chunk = new Uint8Array(0);
  let chunkUsed = 0;
  const keep = (bytes: Uint8Array): Uint8Array => {
    if (chunkUsed + bytes.length > chunk.length) {
      chunk = new Uint8Array(Math.max(1 << 22, bytes.length));
      chunkUsed = 0;
    }
    const view = chunk.subarray(chunkUsed, chunkUsed + bytes.length);
    view.set(bytes);
    chunkUsed += bytes.length;
    return view;
  };

  const placed: { at: number; p: GenPacket }[] = [];
  while (placed.length < o.packets) {
    let r = rng.float() * totalWeight;
    let chosen = flows[flows.length - 1] as (typeof flows)[number];
    for (const fl of flows) {
      r -= fl[1];
      if (r < 0) {
        chosen = fl;
        break;
      }
    }
    const f = new Flow(g, chosen[0], g.tags());
    chosen[2](f);
    // Fit the flow inside the window: squeeze it if it is longer, then start it at random.
    const last = f.drafts[f.drafts.length - 1]?.off ?? 0;
    const scale = last >= spanNs ? (spanNs - 1) / (last + 1) : 1;
    const start = rng.float() * (spanNs - last * scale);
    for (const d of f.drafts) {
      if (placed.length === o.packets) break;
      const at = Math.min(spanNs - 1, start + d.off * scale);
      const origLen = d.data.length;
      const caplen = d.cuttable && origLen >= 1000 && rng.chance(0.05) ? SHORT_SNAPLEN : origLen;
      placed.push({
        at: Math.floor(at / unit) * unit,
        p: { tsSec: 0, tsNsec: 0, linktype, data: keep(d.data.subarray(0, caplen)), origLen, truth: d.truth },
      });
    }
    recycleSlab();
  }
  placed.sort((x, y) => x.at - y.at); // stable: a flow keeps its order within a tie
  const out: GenPacket[] = new Array(placed.length);
  for (let i = 0; i < placed.length; i++) {
    const cur = placed[i] as (typeof placed)[number];
    // Ties across flows too, as with a coarse capture clock.
    if (i > 0 && rng.chance(0.01)) cur.at = (placed[i - 1] as (typeof placed)[number]).at;
    const sec = Math.floor(cur.at / 1e9);
    cur.p.tsSec = o.startSec + sec;
    cur.p.tsNsec = cur.at - sec * 1e9;
    out[i] = cur.p;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writers

function commonLinktype(packets: GenPacket[]): number {
  const first = packets[0]?.linktype ?? LINK_ETHERNET;
  for (const p of packets) {
    if (p.linktype !== first) throw new Error(`pcap holds one linktype: found ${first} and ${p.linktype}`);
  }
  return first;
}

/** A libpcap file (µs or ns magic, either byte order); packets longer than snaplen are cut. */
export function writePcap(
  file: string,
  packets: GenPacket[],
  o: { nanos?: boolean; bigEndian?: boolean; snaplen?: number } = {},
): void {
  const linktype = commonLinktype(packets);
  const snaplen = o.snaplen ?? 262144;
  const le = !o.bigEndian;
  let size = 24;
  for (const p of packets) size += 16 + Math.min(p.data.length, snaplen);
  const buf = Buffer.alloc(size);
  const u32 = (v: number, at: number) => (le ? buf.writeUInt32LE(v, at) : buf.writeUInt32BE(v, at));
  const u16 = (v: number, at: number) => (le ? buf.writeUInt16LE(v, at) : buf.writeUInt16BE(v, at));
  u32(o.nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(2, 4);
  u16(4, 6);
  u32(snaplen, 16);
  u32(linktype, 20);
  let at = 24;
  for (const p of packets) {
    const caplen = Math.min(p.data.length, snaplen);
    u32(p.tsSec, at);
    u32(o.nanos ? p.tsNsec : Math.floor(p.tsNsec / 1000), at + 4);
    u32(caplen, at + 8);
    u32(p.origLen, at + 12);
    buf.set(p.data.subarray(0, caplen), at + 16);
    at += 16 + caplen;
  }
  writeFileSync(file, buf);
}

/** A pcapng file: one section, one interface per linktype present, enhanced packet blocks. */
export function writePcapng(file: string, packets: GenPacket[], o: { tsresol?: 6 | 9 } = {}): void {
  const tsresol = o.tsresol ?? 6;
  const perSec = tsresol === 9 ? 1_000_000_000n : 1_000_000n;
  const divisor = tsresol === 9 ? 1 : 1000;
  const interfaces = new Map<number, number>();
  for (const p of packets) if (!interfaces.has(p.linktype)) interfaces.set(p.linktype, interfaces.size);
  const pad4 = (n: number) => (n + 3) & ~3;
  let size = 28 + interfaces.size * 32;
  for (const p of packets) size += 32 + pad4(p.data.length);
  const buf = Buffer.alloc(size);
  // Section header block, little endian, unspecified section length.
  buf.writeUInt32LE(0x0a0d0d0a, 0);
  buf.writeUInt32LE(28, 4);
  buf.writeUInt32LE(0x1a2b3c4d, 8);
  buf.writeUInt16LE(1, 12);
  buf.writeUInt16LE(0, 14);
  buf.writeBigInt64LE(-1n, 16);
  buf.writeUInt32LE(28, 24);
  let at = 28;
  for (const linktype of interfaces.keys()) {
    buf.writeUInt32LE(1, at);
    buf.writeUInt32LE(32, at + 4);
    buf.writeUInt16LE(linktype, at + 8);
    buf.writeUInt32LE(262144, at + 12);
    buf.writeUInt16LE(9, at + 16); // if_tsresol
    buf.writeUInt16LE(1, at + 18);
    buf.writeUInt8(tsresol, at + 20);
    buf.writeUInt32LE(0, at + 24); // opt_endofopt
    buf.writeUInt32LE(32, at + 28);
    at += 32;
  }
  for (const p of packets) {
    const len = 32 + pad4(p.data.length);
    const ts = BigInt(p.tsSec) * perSec + BigInt(Math.floor(p.tsNsec / divisor));
    buf.writeUInt32LE(6, at);
    buf.writeUInt32LE(len, at + 4);
    buf.writeUInt32LE(interfaces.get(p.linktype) as number, at + 8);
    buf.writeUInt32LE(Number(ts >> 32n), at + 12);
    buf.writeUInt32LE(Number(ts & 0xffffffffn), at + 16);
    buf.writeUInt32LE(p.data.length, at + 20);
    buf.writeUInt32LE(p.origLen, at + 24);
    buf.set(p.data, at + 28);
    buf.writeUInt32LE(len, at + len - 4);
    at += len;
  }
  writeFileSync(file, buf);
}
