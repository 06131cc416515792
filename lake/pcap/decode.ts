/**
 * Packet decoding down to the flow: link layer (Ethernet with VLAN tags, Linux cooked, raw IP,
 * BSD loopback), IPv4/IPv6 (with IPv6 extension headers), and the transport ports or ICMP
 * type/code, plus the flow's Community ID. One caller-owned {@link Decoded} is refilled per
 * packet; truncated or odd packets fill what can be read and never throw.
 */
import { communityIdOfBytes } from '#core';
import { ipv4Text, ipv6Text } from './ip-text.js';

/** What {@link decodePacket} found in one packet; -1 / null where it found nothing. */
export interface Decoded {
  ipVersion: 0 | 4 | 6;
  /** IPv4 dotted quad; IPv6 as tshark prints it (RFC 5952). */
  srcAddr: string | null;
  dstAddr: string | null;
  /** Upper-layer IP protocol (after IPv6 extension headers); -1 when not IP or not captured. */
  protocol: number;
  /** TCP/UDP/SCTP ports; -1 when absent (non-first fragment, truncated, other protocol). */
  srcPort: number;
  dstPort: number;
  /** ICMP/ICMPv6 type and code; -1 otherwise. */
  icmpType: number;
  icmpCode: number;
  /** The outermost 802.1Q/802.1ad VLAN id; -1 when untagged. */
  vlan: number;
  /** IPv4 with MF set or a fragment offset; IPv6 with a fragment header. */
  fragment: boolean;
  /** Community ID v1, seed 0; null when it cannot be computed (not IP, TCP/UDP without ports). */
  communityId: string | null;
  /**
   * A number two packets share only if their srcAddr, dstAddr and communityId are all equal
   * (the flow's entry in the cache below), so a writer can look their texts up once per flow
   * instead of once per packet; -1 when the packet has none (then compare the texts).
   */
  flow: number;
}

/** A fresh {@link Decoded}, to be reused for every packet. */
export function newDecoded(): Decoded {
  return {
    ipVersion: 0,
    srcAddr: null,
    dstAddr: null,
    protocol: -1,
    srcPort: -1,
    dstPort: -1,
    icmpType: -1,
    icmpCode: -1,
    vlan: -1,
    fragment: false,
    communityId: null,
    flow: -1,
  };
}

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const TCP = 6;
const UDP = 17;
const SCTP = 132;
const ICMP = 1;
const ICMP6 = 58;

/**
 * Decode one packet of link type `linktype`, `data[start .. end)` (all of `data` by default),
 * into `out`, overwriting every field. Taking a range lets a caller decode packets in place in
 * a large read buffer.
 * @example
 * const d = newDecoded();
 * decodePacket(1, frame, d); // d.srcAddr, d.dstPort, d.communityId, …
 */
export function decodePacket(
  linktype: number,
  data: Uint8Array,
  out: Decoded,
  start = 0,
  end = data.length,
): void {
  out.ipVersion = 0;
  out.srcAddr = null;
  out.dstAddr = null;
  out.protocol = -1;
  out.srcPort = -1;
  out.dstPort = -1;
  out.icmpType = -1;
  out.icmpCode = -1;
  out.vlan = -1;
  out.fragment = false;
  out.communityId = null;
  out.flow = -1;
  // Every read below is bounded by `n`, never by data.length: the buffer may hold more packets.
  const s = start;
  const n = end;
  let p: number;
  let type: number;
  switch (linktype) {
    case 1: // Ethernet
      if (n - s < 14) return;
      type = u16(data, s + 12);
      p = s + 14;
      break;
    case 113: // Linux cooked (SLL): protocol after a 14-byte header
      if (n - s < 16) return;
      type = u16(data, s + 14);
      p = s + 16;
      break;
    case 276: // SLL2: protocol first, 20-byte header
      if (n - s < 20) return;
      type = u16(data, s);
      p = s + 20;
      break;
    case 0: // BSD loopback: address family in the capturing host's byte order
    case 108: // OpenBSD loopback: the same, always big-endian
      if (n - s < 4) return;
      loopback(linktype === 108 ? u32(data, s) : hostFamily(data, s), data, s + 4, n, out);
      return;
    case 12:
    case 14:
    case 101: // raw IP: the version nibble says which
      if (n - s < 1) return;
      rawIp(data, s, n, out);
      return;
    case 228:
      ipv4(data, s, n, out);
      return;
    case 229:
      ipv6(data, s, n, out);
      return;
    default:
      return;
  }
  // Any number of 802.1Q / 802.1ad / old QinQ tags; the outermost id is the one kept.
  while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
    if (n < p + 4) return;
    if (out.vlan < 0) out.vlan = u16(data, p) & 0xfff;
    type = u16(data, p + 2);
    p += 4;
  }
  if (type === ETH_IPV4) ipv4(data, p, n, out);
  else if (type === ETH_IPV6) ipv6(data, p, n, out);
}

function u16(d: Uint8Array, at: number): number {
  return ((d[at] as number) << 8) | (d[at + 1] as number);
}

function u32(d: Uint8Array, at: number): number {
  return (
    (((d[at] as number) << 24) |
      ((d[at + 1] as number) << 16) |
      ((d[at + 2] as number) << 8) |
      (d[at + 3] as number)) >>>
    0
  );
}

/** The family of a BSD loopback header written in either byte order (families are small). */
function hostFamily(d: Uint8Array, s: number): number {
  return d[s] === 0 && d[s + 1] === 0
    ? u32(d, s)
    : ((d[s] as number) |
        ((d[s + 1] as number) << 8) |
        ((d[s + 2] as number) << 16) |
        ((d[s + 3] as number) << 24)) >>>
        0;
}

/** The IP packet at `p`, after a loopback header; `n` is where the packet ends. */
function loopback(family: number, d: Uint8Array, p: number, n: number, out: Decoded): void {
  if (family === 2) ipv4(d, p, n, out);
  // AF_INET6 is 24 on NetBSD/OpenBSD, 28 on FreeBSD, 30 on macOS.
  else if (family === 24 || family === 28 || family === 30) ipv6(d, p, n, out);
}

function rawIp(d: Uint8Array, p: number, n: number, out: Decoded): void {
  const version = (d[p] as number) >> 4;
  if (version === 4) ipv4(d, p, n, out);
  else if (version === 6) ipv6(d, p, n, out);
}

function ipv4(d: Uint8Array, p: number, n: number, out: Decoded): void {
  if (n <= p || (d[p] as number) >> 4 !== 4) return;
  out.ipVersion = 4;
  const ihl = ((d[p] as number) & 15) * 4;
  // A header shorter than 20 bytes is bogus: tshark stops there too.
  if (ihl < 20) return;
  if (n >= p + 10) out.protocol = d[p + 9] as number;
  if (n < p + 20) {
    // A header cut short still gives what it holds, as tshark shows it.
    if (n >= p + 16) out.srcAddr = ipv4Text(d, p + 12);
    return;
  }
  const flags = u16(d, p + 6);
  const offset = flags & 0x1fff;
  out.fragment = offset !== 0 || (flags & 0x2000) !== 0;
  // The total length bounds the payload, so Ethernet padding is not read as transport bytes.
  const total = u16(d, p + 2);
  const end = total >= ihl && p + total < n ? p + total : n;
  if (offset === 0) transport(d, p + ihl, end, out.protocol, out);
  flow(d, p + 12, 4, out);
}

function ipv6(d: Uint8Array, p: number, n: number, out: Decoded): void {
  if (n <= p || (d[p] as number) >> 4 !== 6) return;
  out.ipVersion = 6;
  if (n < p + 40) {
    if (n >= p + 24) out.srcAddr = ipv6Text(d, p + 8);
    return;
  }
  const payload = u16(d, p + 4);
  // Payload length 0 is a jumbogram (or TSO): the captured bytes are all there is to go by.
  const end = payload !== 0 && p + 40 + payload < n ? p + 40 + payload : n;
  let next = d[p + 6] as number;
  let q = p + 40;
  let known = true;
  let firstPart = true;
  // Walk the extension headers to the upper layer; the bound stops a crafted loop of headers.
  for (let hops = 0; hops < 32; hops++) {
    if (next === 0 || next === 43 || next === 60 || next === 135 || next === 51) {
      if (end - q < 2) {
        known = false;
        break;
      }
      const size = next === 51 ? ((d[q + 1] as number) + 2) * 4 : ((d[q + 1] as number) + 1) * 8;
      next = d[q] as number;
      q += size;
    } else if (next === 44) {
      out.fragment = true;
      if (end - q < 8) {
        known = false;
        break;
      }
      firstPart = u16(d, q + 2) >> 3 === 0;
      next = d[q] as number;
      q += 8;
      // Only the first fragment carries the headers that follow.
      if (!firstPart) break;
    } else break;
  }
  // A chain that runs past the captured bytes leaves the upper layer unknown (-1).
  if (known) {
    out.protocol = next;
    if (firstPart) transport(d, q, end, next, out);
  }
  flow(d, p + 8, 16, out);
}

function transport(d: Uint8Array, t: number, end: number, proto: number, out: Decoded): void {
  if (proto === TCP || proto === UDP || proto === SCTP) {
    if (end - t >= 4) {
      out.srcPort = u16(d, t);
      out.dstPort = u16(d, t + 2);
    }
  } else if (proto === ICMP || proto === ICMP6) {
    if (end - t >= 2) {
      out.icmpType = d[t] as number;
      out.icmpCode = d[t + 1] as number;
    }
  }
}

// ---- Flows ------------------------------------------------------------------------------------
//
// Packets of one flow repeat the same addresses, protocol and ports, so the address texts and
// the Community ID are kept per flow in direct-mapped caches keyed by those values: a packet of
// a known flow costs a hash and a compare instead of two strings and a SHA-1 (about 1 µs). The
// caches are small on purpose: a lookup is a cache-line miss or two, and what they hold survives
// garbage collection. IPv4 keys take 4 words, IPv6 keys 10.

interface FlowCache {
  words: number;
  mask: number;
  keys: Int32Array;
  /** Per slot: source text, destination text, Community ID. */
  values: (string | null)[];
  /** Per slot: the entry's number ({@link Decoded.flow}). */
  ids: Int32Array;
}

function flowCache(slots: number, words: number): FlowCache {
  return {
    words,
    mask: slots - 1,
    keys: new Int32Array(slots * words),
    values: new Array<string | null>(slots * 3).fill(null),
    ids: new Int32Array(slots),
  };
}

const V4 = flowCache(1 << 13, 4);
const V6 = flowCache(1 << 12, 10);
/** The key being looked up: [address length | protocol | kind, ports or type/code, addresses…]. */
const KEY = new Int32Array(10);
/**
 * The number of the last entry made, in either cache. Entries are never changed, only
 * replaced under a new number, so equal numbers mean equal texts. It wraps after 2^31 entries,
 * far more than a writer's row group (which is all a number is compared within) ever sees.
 */
let lastFlow = 0;

function word(d: Uint8Array, at: number): number {
  return (
    ((d[at] as number) << 24) |
    ((d[at + 1] as number) << 16) |
    ((d[at + 2] as number) << 8) |
    (d[at + 3] as number)
  );
}

/** Fill the addresses and Community ID of the flow whose source address (`alen` bytes) is at `at`. */
function flow(d: Uint8Array, at: number, alen: 4 | 16, out: Decoded): void {
  const proto = out.protocol;
  // What stands in for ports: 1 ports, 2 ICMP type and code, 0 none.
  const kind = out.srcPort >= 0 ? 1 : out.icmpType >= 0 ? 2 : 0;
  const a = kind === 1 ? out.srcPort : kind === 2 ? out.icmpType : 0;
  const b = kind === 1 ? out.dstPort : kind === 2 ? out.icmpCode : 0;
  const cache = alen === 4 ? V4 : V6;
  const words = cache.words;
  const k = KEY;
  // Never 0 (alen ≥ 4), so an empty slot matches nothing.
  k[0] = alen | ((proto & 0x1ff) << 5) | (kind << 14);
  k[1] = (a << 16) | b;
  for (let i = 0; i < words - 2; i++) k[2 + i] = word(d, at + 4 * i);
  const slot = slotOf(cache, k);
  const values = cache.values;
  const v = slot * 3;
  if (holds(cache, slot, k)) {
    out.srcAddr = values[v] as string;
    out.dstAddr = values[v + 1] as string;
    out.communityId = values[v + 2] as string | null;
    out.flow = cache.ids[slot] as number;
    return;
  }
  let src: string;
  let dst: string;
  let id: string | null;
  // The other direction of the flow, when it is cached, has the same texts swapped and the same
  // Community ID (it orders the endpoints): reusing those strings saves the hash, and the
  // writer's dictionary then meets strings whose own hashes are already computed. ICMP types
  // and codes differ by direction, so only ports or nothing stand in for a reversible key.
  const back = kind === 2 ? -1 : reverseSlot(cache, k);
  if (back >= 0) {
    src = values[back * 3 + 1] as string;
    dst = values[back * 3] as string;
    id = values[back * 3 + 2] as string | null;
  } else {
    src = alen === 4 ? ipv4Text(d, at) : ipv6Text(d, at);
    dst = alen === 4 ? ipv4Text(d, at + 4) : ipv6Text(d, at + 16);
    // A transport without its ports (a later fragment, a cut header) has no flow to name.
    const ported = proto === TCP || proto === UDP || proto === SCTP || proto === ICMP || proto === ICMP6;
    id =
      proto < 0 || (ported && kind === 0)
        ? null
        : (communityIdOfBytes(
            d,
            at,
            at + alen,
            alen,
            proto,
            kind === 0 ? undefined : a,
            kind === 0 ? undefined : b,
          ) ?? null);
  }
  const keys = cache.keys;
  const base = slot * words;
  for (let i = 0; i < words; i++) keys[base + i] = k[i] as number;
  values[v] = src;
  values[v + 1] = dst;
  values[v + 2] = id;
  lastFlow = (lastFlow + 1) & 0x7fffffff;
  cache.ids[slot] = lastFlow;
  out.flow = lastFlow;
  out.srcAddr = src;
  out.dstAddr = dst;
  out.communityId = id;
}

function slotOf(cache: FlowCache, k: Int32Array): number {
  let h = k[0] as number;
  for (let i = 1; i < cache.words; i++) h = Math.imul(h ^ (k[i] as number), 0x9e3779b1);
  return (h ^ (h >>> 15)) & cache.mask;
}

function holds(cache: FlowCache, slot: number, k: Int32Array): boolean {
  const keys = cache.keys;
  const base = slot * cache.words;
  for (let i = 0; i < cache.words; i++) if (keys[base + i] !== k[i]) return false;
  return true;
}

/** The key of the reverse direction: ports and addresses swapped. */
const BACK = new Int32Array(10);

/** The slot holding the reverse direction of key `k`, or -1. */
function reverseSlot(cache: FlowCache, k: Int32Array): number {
  const r = BACK;
  const half = (cache.words - 2) / 2;
  const ports = k[1] as number;
  r[0] = k[0] as number;
  r[1] = ((ports & 0xffff) << 16) | (ports >>> 16);
  for (let i = 0; i < half; i++) {
    r[2 + i] = k[2 + half + i] as number;
    r[2 + half + i] = k[2 + i] as number;
  }
  const slot = slotOf(cache, r);
  return holds(cache, slot, r) ? slot : -1;
}
