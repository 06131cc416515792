// The synthetic capture generator, judged by tshark: every packet must dissect cleanly and be what
// its truth says, so tests of the production pcap reader can trust the generator's truth.

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type GenPacket,
  generateTraffic,
  ipv6Text,
  type PacketTruth,
  TRAFFIC_KINDS,
  writePcap,
  writePcapng,
} from '../helpers/pcap-gen.js';
import { tempDir } from '../helpers/tmp.js';
import { capinfosClean, readPcapRecords, tshark, tsharkFields, tsharkFilter } from '../helpers/tshark.js';

const START = 1_714_560_000; // 2024-05-01T10:40:00Z

const FIELDS = [
  'frame.len',
  'frame.cap_len',
  'frame.protocols',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'ip.proto',
  'ip.flags.mf',
  'ip.frag_offset',
  'ipv6.nxt',
  'ipv6.hopopts.nxt',
  'ipv6.fraghdr.nxt',
  'tcp.srcport',
  'tcp.dstport',
  'udp.srcport',
  'udp.dstport',
  'sctp.srcport',
  'sctp.dstport',
  'vlan.id',
  'ieee8021ad.id',
] as const;
type Field = (typeof FIELDS)[number];

/** First occurrence of a field (tshark joins repeated ones with commas), or undefined when absent. */
function first(row: Record<Field, string>, f: Field): string | undefined {
  const v = row[f];
  return v === '' ? undefined : v.split(',')[0];
}

function num(v: string | undefined): number {
  return v === undefined ? -1 : Number(v);
}

/** The truth fields as tshark sees the packet, read from the outermost layers only. */
function tsharkTruth(row: Record<Field, string>): Omit<PacketTruth, 'kind'> {
  const layers = row['frame.protocols'].split(':');
  const ipAt = layers.findIndex((l) => l === 'ip' || l === 'ipv6');
  const v6 = layers[ipAt] === 'ipv6';
  // Outer tag: 0x88a8 is dissected by ieee8021ad, not vlan; vlan.id alone is the inner (C-)tag.
  const tagLayer = layers.find((l) => l === 'vlan' || l === 'ieee8021ad');
  const vlan = num(tagLayer === 'ieee8021ad' ? first(row, 'ieee8021ad.id') : first(row, 'vlan.id'));
  if (ipAt < 0) {
    return {
      ipVersion: 0,
      src: null,
      dst: null,
      protocol: -1,
      srcPort: -1,
      dstPort: -1,
      vlan,
      fragment: false,
    };
  }
  let protocol: number;
  let fragment: boolean;
  if (v6) {
    // ipv6.nxt is the fixed header's next header only; extension headers have their own fields.
    protocol = num(first(row, 'ipv6.nxt'));
    if (protocol === 0) protocol = num(first(row, 'ipv6.hopopts.nxt'));
    fragment = protocol === 44;
    if (fragment) protocol = num(first(row, 'ipv6.fraghdr.nxt'));
  } else {
    protocol = num(first(row, 'ip.proto'));
    fragment = first(row, 'ip.flags.mf') === '1' || first(row, 'ip.frag_offset') !== '0';
  }
  // Ports only when the transport header follows the outermost IP (not ICMP's quoted packet).
  const next = layers.slice(ipAt + 1).find((l) => !l.startsWith('ipv6.'));
  const ports = (p: 'tcp' | 'udp' | 'sctp') =>
    [num(first(row, `${p}.srcport`)), num(first(row, `${p}.dstport`))] as const;
  const [srcPort, dstPort] = next === 'tcp' || next === 'udp' || next === 'sctp' ? ports(next) : [-1, -1];
  return {
    ipVersion: v6 ? 6 : 4,
    src: first(row, v6 ? 'ipv6.src' : 'ip.src') ?? null,
    dst: first(row, v6 ? 'ipv6.dst' : 'ip.dst') ?? null,
    protocol,
    srcPort,
    dstPort,
    vlan,
    fragment,
  };
}

/** A layer each kind must show in frame.protocols. */
const KIND_LAYER: Record<string, string> = {
  tcp: 'tcp',
  tcp6: 'tcp',
  dns: 'dns',
  dns6: 'dns',
  udp: 'udp',
  udp6: 'udp',
  'icmp-echo': 'icmp',
  'icmp6-echo': 'icmpv6',
  'icmp-unreach': 'icmp',
  'udp6-hbh': 'ipv6.hopopts',
  'ipv4-frag': 'ip',
  'ipv6-frag': 'ipv6.fraghdr',
  arp: 'arp',
  gre: 'gre',
  sctp: 'sctp',
};

/** Truth fields in a fixed order, for comparison and readable failures. */
function show(t: Omit<PacketTruth, 'kind'>): string {
  const ports = t.srcPort < 0 && t.dstPort < 0 ? '' : ` ${t.srcPort}>${t.dstPort}`;
  const extra = `${t.vlan < 0 ? '' : ` vlan ${t.vlan}`}${t.fragment ? ' frag' : ''}`;
  return `v${t.ipVersion} ${t.src}>${t.dst} p${t.protocol}${ports}${extra}`;
}

async function dissect(file: string, filter?: string): Promise<Record<Field, string>[]> {
  const rows = await tsharkFields(file, [...FIELDS], filter);
  return rows.map(
    (cells) => Object.fromEntries(FIELDS.map((f, i) => [f, cells[i] ?? ''])) as Record<Field, string>,
  );
}

/** Every packet dissects to its truth, with its lengths and a layer that fits its kind. */
async function expectTruths(file: string, packets: GenPacket[]): Promise<Record<Field, string>[]> {
  const rows = await dissect(file);
  expect(rows).toHaveLength(packets.length);
  const mismatches: string[] = [];
  packets.forEach((p, i) => {
    const row = rows[i] as Record<Field, string>;
    const { kind } = p.truth;
    const [got, want] = [show(tsharkTruth(row)), show(p.truth)];
    const layers = row['frame.protocols'].split(':');
    const lengths = `${row['frame.len']}/${row['frame.cap_len']}`;
    if (
      got !== want ||
      lengths !== `${p.origLen}/${p.data.length}` ||
      !layers.includes(KIND_LAYER[kind] ?? '?')
    ) {
      mismatches.push(`#${i + 1} ${kind} ${lengths} ${row['frame.protocols']}: tshark ${got}, truth ${want}`);
    }
  });
  expect(mismatches.slice(0, 10)).toEqual([]);
  return rows;
}

/** frame.time_epoch as tshark prints it (9 decimals, whatever the file's resolution). */
function epoch(p: { tsSec: number; tsNsec: number }): string {
  return `${p.tsSec}.${String(p.tsNsec).padStart(9, '0')}`;
}

function sameRecords(file: string, want: GenPacket[], nanos: boolean): void {
  const got = readPcapRecords(file);
  expect(got.nanos).toBe(nanos);
  expect(got.linktype).toBe(want[0]?.linktype);
  expect(got.records).toHaveLength(want.length);
  got.records.forEach((r, i) => {
    const p = want[i] as GenPacket;
    const ns = nanos ? p.tsNsec : Math.floor(p.tsNsec / 1000) * 1000;
    if (r.tsSec !== p.tsSec || r.tsNsec !== ns || r.len !== p.origLen || !r.data.equals(p.data)) {
      expect.fail(`record ${i + 1} differs from ${p.truth.kind} packet at ${epoch(p)}`);
    }
    expect(r.caplen).toBe(r.data.length);
  });
}

describe('generateTraffic', () => {
  const o = { seed: 11, packets: 3000, startSec: START, durationSec: 120 };

  it('is deterministic for a seed and differs across seeds', () => {
    const digest = (ps: GenPacket[]) =>
      ps.map(
        (p) =>
          `${epoch(p)} ${p.linktype} ${p.origLen} ${show(p.truth)} ${Buffer.from(p.data).toString('hex')}`,
      );
    const a = digest(generateTraffic(o));
    expect(digest(generateTraffic(o))).toEqual(a);
    expect(digest(generateTraffic({ ...o, seed: 12 }))).not.toEqual(a);
  });

  it('gives the asked count, sorted, inside the window, with ties, every kind and some short captures', () => {
    const ps = generateTraffic(o);
    expect(ps).toHaveLength(3000);
    let ties = 0;
    for (let i = 1; i < ps.length; i++) {
      const [x, y] = [ps[i - 1] as GenPacket, ps[i] as GenPacket];
      expect(x.tsSec * 1e9 + x.tsNsec).toBeLessThanOrEqual(y.tsSec * 1e9 + y.tsNsec);
      if (x.tsSec === y.tsSec && x.tsNsec === y.tsNsec) ties++;
    }
    expect(ties).toBeGreaterThan(10);
    for (const p of ps) {
      expect(p.tsSec).toBeGreaterThanOrEqual(START);
      expect(p.tsSec).toBeLessThan(START + 120);
      expect(p.tsNsec % 1000).toBe(0);
    }
    expect(new Set(ps.map((p) => p.truth.kind))).toEqual(new Set(TRAFFIC_KINDS));
    expect(ps.filter((p) => p.data.length < p.origLen).every((p) => p.data.length === 96)).toBe(true);
    expect(ps.some((p) => p.data.length < p.origLen)).toBe(true);
    expect(new Set(ps.map((p) => p.truth.vlan))).toContain(300);
    const ns = generateTraffic({ ...o, nanos: true });
    expect(ns.some((p) => p.tsNsec % 1000 !== 0)).toBe(true);
  });

  it('prints IPv6 addresses in RFC 5952 form', () => {
    const v6 = (...g: number[]) => Uint8Array.from(g.flatMap((x) => [x >> 8, x & 0xff]));
    expect(ipv6Text(v6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 5))).toBe('2001:db8::1:0:0:5');
    expect(ipv6Text(v6(0x2001, 0xdb8, 0, 1, 0, 0, 0, 1))).toBe('2001:db8:0:1::1');
    expect(ipv6Text(v6(0x2001, 0xdb8, 0, 1, 2, 3, 4, 5))).toBe('2001:db8:0:1:2:3:4:5');
    expect(ipv6Text(v6(0, 0, 0, 0, 0, 0, 0, 1))).toBe('::1');
    expect(ipv6Text(v6(0x2001, 0xdb8, 0, 0, 0, 1, 0, 0))).toBe('2001:db8::1:0:0');
    expect(ipv6Text(v6(0xfe80, 0, 0, 0, 0, 0, 0, 0))).toBe('fe80::');
  });
});

describe('generated captures, judged by tshark', () => {
  const dir = tempDir('palisade-pcap-gen-');
  const eth = generateTraffic({ seed: 1, packets: 5000, startSec: START, durationSec: 600 });
  const ethFile = join(dir, 'eth.pcap');
  const nsPackets = generateTraffic({
    seed: 2,
    packets: 4000,
    startSec: START,
    durationSec: 300,
    nanos: true,
  });
  const nsFile = join(dir, 'ns.pcap');
  beforeAll(() => {
    writePcap(ethFile, eth);
    writePcap(nsFile, nsPackets, { nanos: true });
  });

  it('dissects every Ethernet packet as its truth says', async () => {
    expect((await capinfosClean(ethFile)).ok).toBe(true);
    const rows = await expectTruths(ethFile, eth);
    // An ICMP error quotes the datagram it answers: ip.src and the ports are then lists, inner last.
    const unreach = eth.flatMap((p, i) => (p.truth.kind === 'icmp-unreach' ? [i] : []));
    expect(unreach.length).toBeGreaterThan(10);
    for (const i of unreach) {
      const row = rows[i] as Record<Field, string>;
      expect(row['ip.src']).toBe(`${eth[i]?.truth.src},${eth[i]?.truth.dst}`);
      expect(row['udp.srcport']).toMatch(/^\d+$/);
    }
  });

  it('has no malformed packet, bad checksum or expert warning, short captures included', async () => {
    const checks = ['ip', 'tcp', 'udp'].flatMap((p) => ['-o', `${p}.check_checksum:TRUE`]);
    for (const defrag of ['FALSE', 'TRUE']) {
      const { stdout } = await tshark([
        ...['-r', ethFile, '-o', `ip.defragment:${defrag}`, '-o', `ipv6.defragment:${defrag}`],
        ...[...checks, '-o', 'sctp.checksum:crc-32c'],
        ...['-Y', '_ws.malformed || _ws.expert.severity >= warning', '-T', 'fields', '-e', 'frame.number'],
      ]);
      expect(stdout).toBe('');
    }
    const short = await tsharkFields(ethFile, ['frame.number'], '_ws.short');
    expect(short.length).toBeGreaterThan(0);
    expect(short.length).toBeLessThanOrEqual(eth.filter((p) => p.data.length < p.origLen).length);
  });

  it('keeps nanosecond timestamps exactly, in ns pcap and in pcapng', async () => {
    const ng = join(dir, 'ns.pcapng');
    writePcapng(ng, nsPackets, { tsresol: 9 });
    const want = nsPackets.map((p) => epoch(p));
    for (const file of [nsFile, ng]) {
      expect((await capinfosClean(file)).ok).toBe(true);
      const got = await tsharkFields(file, ['frame.time_epoch']);
      expect(got.map((r) => r[0])).toEqual(want);
    }
    await expectTruths(ng, nsPackets);
  });

  it('keeps microsecond timestamps in µs pcap (both byte orders) and pcapng', async () => {
    const be = join(dir, 'be.pcap');
    const ng = join(dir, 'us.pcapng');
    writePcap(be, eth, { bigEndian: true });
    writePcapng(ng, eth, { tsresol: 6 });
    const want = eth.map((p) => epoch(p));
    for (const file of [ethFile, be, ng]) {
      const got = await tsharkFields(file, ['frame.time_epoch']);
      expect(got.map((r) => r[0])).toEqual(want);
    }
    sameRecords(be, eth, false);
    // ns values written to a µs file are cut to the microsecond.
    const cut = join(dir, 'cut.pcap');
    writePcap(cut, nsPackets);
    sameRecords(cut, nsPackets, false);
  });

  it('cuts packets to the snaplen it is given', () => {
    const file = join(dir, 'snap.pcap');
    writePcap(file, eth, { snaplen: 64 });
    const got = readPcapRecords(file);
    expect(got.records.map((r) => [r.caplen, r.len])).toEqual(
      eth.map((p) => [Math.min(64, p.data.length), p.origLen]),
    );
  });

  it.each([101, 113] as const)('opens and dissects linktype %i', async (linktype) => {
    const ps = generateTraffic({ seed: 3, packets: 2000, startSec: START, durationSec: 60, linktype });
    expect(ps.every((p) => p.linktype === linktype && p.truth.vlan === -1 && p.truth.kind !== 'arp')).toBe(
      true,
    );
    const file = join(dir, `lt${linktype}.pcap`);
    writePcap(file, ps, { nanos: true });
    expect(await capinfosClean(file)).toEqual({ ok: true, stderr: '' });
    await expectTruths(file, ps);
    const ng = join(dir, `lt${linktype}.pcapng`);
    writePcapng(ng, ps, { tsresol: 9 });
    expect((await capinfosClean(ng)).ok).toBe(true);
    const { stdout } = await tshark(['-r', ng, '-Y', '_ws.malformed', '-T', 'fields', '-e', 'frame.number']);
    expect(stdout).toBe('');
  });

  it('writes one interface per linktype in pcapng', async () => {
    const ng = join(dir, 'mixed.pcapng');
    const raw = generateTraffic({
      seed: 4,
      packets: 50,
      startSec: START + 100,
      durationSec: 10,
      linktype: 101,
    });
    const mixed = [...eth.slice(0, 50), ...raw];
    writePcapng(ng, mixed);
    const rows = await tsharkFields(ng, ['frame.interface_id', 'frame.encap_type']);
    expect(rows.map((r) => r.join('/'))).toEqual(mixed.map((p) => (p.linktype === 1 ? '0/1' : '1/7')));
    expect(() => writePcap(join(dir, 'mixed.pcap'), mixed)).toThrow(/one linktype/);
  });

  // Which packets a display filter selects, with reassembly off: fields match at any depth.
  const isFirstFragment = (t: PacketTruth) => !t.fragment || t.srcPort !== -1;
  const selections: [string, (p: GenPacket) => boolean][] = [
    ['tcp', (p) => p.truth.protocol === 6],
    // The first fragment is dissected as UDP, later ones are only data; an ICMP error's quote is UDP.
    ['udp', (p) => (p.truth.protocol === 17 && isFirstFragment(p.truth)) || p.truth.kind === 'icmp-unreach'],
    ['ip.flags.mf == 1 || ip.frag_offset > 0 || ipv6.fraghdr', (p) => p.truth.fragment],
    ['ipv6.hopopts', (p) => p.truth.kind === 'udp6-hbh'],
    // vlan.id is any 802.1Q tag, the inner one of QinQ too; the 802.1ad outer tag is ieee8021ad.id.
    ['vlan.id == 20 && !ieee8021ad', (p) => p.truth.vlan === 20],
    ['ieee8021ad.id == 300', (p) => p.truth.vlan === 300],
    [
      'sctp.port == 3868',
      (p) => p.truth.protocol === 132 && (p.truth.srcPort === 3868 || p.truth.dstPort === 3868),
    ],
  ];

  it.each(selections)('tshark -Y %s -w selects the expected packets, byte for byte', async (filter, want) => {
    const out = join(dir, `sel-${filter.replace(/\W+/g, '_')}.pcap`);
    await tsharkFilter(nsFile, filter, out, { nanos: true });
    const expected = nsPackets.filter(want);
    expect(expected.length).toBeGreaterThan(0);
    sameRecords(out, expected, true);
  });

  it('ip.src matches the address quoted inside ICMP errors too', async () => {
    const host = nsPackets.find((p) => p.truth.kind === 'icmp-unreach')?.truth.dst as string;
    const filter = `ip.src == ${host} && !gre`; // GRE's inner header would match as well
    const out = join(dir, 'sel-ip-src.pcap');
    await tsharkFilter(nsFile, filter, out, { nanos: true });
    const quoted = (p: GenPacket) => p.truth.kind === 'icmp-unreach' && p.truth.dst === host;
    const expected = nsPackets.filter((p) => p.truth.kind !== 'gre' && (p.truth.src === host || quoted(p)));
    expect(expected.some(quoted)).toBe(true);
    sameRecords(out, expected, true);
    const us = join(dir, 'sel-ip-src-us.pcap');
    await tsharkFilter(nsFile, filter, us);
    sameRecords(us, expected, false);
  });
});
