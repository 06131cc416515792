// Packet extraction against the reference: captures made by the test are ingested with
// `palisade pcap ingest`, queried with `palisade pcap query`, and every answer must be exactly
// what `tshark -r CAPTURE -Y '<equivalent display filter>' -w OUT` selects from the original
// capture: same packets, same bytes, same timestamps, same order. capinfos must open every
// file Palisade writes without a word on stderr.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSql, readSnapshot } from '#lake';
import { palisade } from '../helpers/cli.js';
import { type GenPacket, generateTraffic, writePcap, writePcapng } from '../helpers/pcap-gen.js';
import { tempDir } from '../helpers/tmp.js';
import {
  capinfosClean,
  type PcapRecord,
  readPcapRecords,
  tshark,
  tsharkFields,
  tsharkFilter,
} from '../helpers/tshark.js';

const dir = tempDir('palisade-pcap-query-');

// 2024-05-01T23:00:00Z: two hours of traffic cross midnight, so the hour partitions span two days.
const START = 1_714_604_400;

interface Capture {
  name: string;
  file: string;
  lake: string;
  packets: GenPacket[];
  nanos: boolean;
}

function make(name: string, packets: GenPacket[], write: (file: string) => void, nanos: boolean): Capture {
  const file = join(dir, name);
  write(file);
  return { name, file, lake: join(dir, `lake-${name}`), packets, nanos };
}

// The captures are made while the tests are collected (the cases are drawn from them); the
// ingest runs before the first test.
const eth = generateTraffic({ seed: 11, packets: 60_000, startSec: START, durationSec: 7200 });
const ethNs = generateTraffic({
  seed: 12,
  packets: 12_000,
  startSec: START + 600,
  durationSec: 3000,
  nanos: true,
});
const raw = generateTraffic({ seed: 13, packets: 4_000, startSec: START, durationSec: 1800, linktype: 101 });
const sll = generateTraffic({
  seed: 14,
  packets: 4_000,
  startSec: START,
  durationSec: 1800,
  nanos: true,
  linktype: 113,
});
const captures: Record<string, Capture> = Object.fromEntries(
  [
    make('eth.pcap', eth, (f) => writePcap(f, eth), false),
    make('eth-ns.pcapng', ethNs, (f) => writePcapng(f, ethNs, { tsresol: 9 }), true),
    make('raw-be.pcap', raw, (f) => writePcap(f, raw, { bigEndian: true }), false),
    make('sll-ns.pcap', sll, (f) => writePcap(f, sll, { nanos: true }), true),
  ].map((c) => [c.name, c]),
);

beforeAll(() => {
  for (const c of Object.values(captures)) {
    const r = palisade(['pcap', 'ingest', '--lake', c.lake, c.file]);
    if (r.code !== 0) throw new Error(`ingest ${c.name} failed: ${r.stderr}`);
  }
}, 300_000);

const cap = (name: string) => captures[name] as Capture;

// --- Equivalent tshark display filters for the fixed-filter fields ---------------------------

/** The first (outermost) IP header's address field, as Palisade reads it. */
const addr = (field: 'src' | 'dst', a: string) =>
  a.includes(':') ? `ipv6.${field}#1 == ${a}` : `ip.${field}#1 == ${a}`;
/** The outermost IP header's upper-layer protocol (after IPv6 extension headers). */
const proto = (n: number) =>
  `(ip.proto#1 == ${n} || (ipv6 && (ipv6.nxt#1 == ${n} || ipv6.hopopts.nxt == ${n} || ipv6.fraghdr.nxt == ${n})))`;
/** A port of the transport right after the outer IP header (not one quoted in an ICMP error). */
const port = (field: 'src' | 'dst', p: number) =>
  `((tcp.${field}port#1 == ${p} || udp.${field}port#1 == ${p} || sctp.${field}port#1 == ${p}) && !icmp && !icmpv6)`;
const time = (ms: number) => (ms / 1000).toFixed(3);

interface Case {
  name: string;
  capture: string;
  args: string[];
  tshark: string;
}

function host(c: Capture, pick: (p: GenPacket) => boolean): GenPacket {
  const p = c.packets.find(pick);
  if (!p) throw new Error(`no packet in ${c.name} for this case`);
  return p;
}

function cases(): Case[] {
  const eth = cap('eth.pcap');
  const tcp4 = host(eth, (p) => p.truth.kind === 'tcp' && p.truth.ipVersion === 4 && p.truth.srcPort > 1024);
  const tcp6 = host(
    eth,
    (p) => p.truth.protocol === 6 && p.truth.ipVersion === 6 && (p.truth.src ?? '').includes('::'),
  );
  const frag = host(eth, (p) => p.truth.fragment && p.truth.ipVersion === 4);
  const vlanned = host(eth, (p) => p.truth.vlan > 0 && p.truth.protocol === 17 && p.truth.dstPort === 53);
  const t4 = tcp4.truth;
  const t6 = tcp6.truth;
  const startMs = (START + 1800) * 1000 + 123;
  const endMs = (START + 5400) * 1000;
  const ns = cap('eth-ns.pcapng');
  const ns6 = host(ns, (p) => p.truth.ipVersion === 6 && p.truth.protocol === 17);
  const raw = cap('raw-be.pcap');
  const rawTcp = host(raw, (p) => p.truth.protocol === 6);
  const sllUdp = host(cap('sll-ns.pcap'), (p) => p.truth.protocol === 17 && p.truth.dstPort >= 0);
  return [
    {
      name: 'source address',
      capture: 'eth.pcap',
      args: ['--ip-src-addr', t4.src as string],
      tshark: addr('src', t4.src as string),
    },
    {
      name: 'one TCP flow, both directions',
      capture: 'eth.pcap',
      args: [
        '--ip-src-addr',
        t4.src as string,
        '--ip-dst-addr',
        t4.dst as string,
        '--ip-src-port',
        String(t4.srcPort),
        '--ip-dst-port',
        String(t4.dstPort),
        '--protocol',
        'tcp',
        '--include-reverse',
      ],
      tshark:
        `${proto(6)} && ((${addr('src', t4.src as string)} && ${addr('dst', t4.dst as string)} && ${port('src', t4.srcPort)} && ${port('dst', t4.dstPort)}) || ` +
        `(${addr('src', t4.dst as string)} && ${addr('dst', t4.src as string)} && ${port('src', t4.dstPort)} && ${port('dst', t4.srcPort)}))`,
    },
    {
      name: 'IPv6 host, either direction, written with zeros in full',
      capture: 'eth.pcap',
      args: ['--ip-src-addr', expandV6(t6.src as string), '--include-reverse'],
      tshark: `(${addr('src', t6.src as string)} || ${addr('dst', t6.src as string)})`,
    },
    {
      name: 'DNS by destination port over UDP',
      capture: 'eth.pcap',
      args: ['--ip-dst-port', '53', '--protocol', 'udp'],
      tshark: `${proto(17)} && ${port('dst', 53)}`,
    },
    { name: 'ICMP by protocol name', capture: 'eth.pcap', args: ['--protocol', 'icmp'], tshark: proto(1) },
    { name: 'GRE by number', capture: 'eth.pcap', args: ['--protocol', '47'], tshark: proto(47) },
    {
      name: 'SCTP by destination port',
      capture: 'eth.pcap',
      args: ['--protocol', 'sctp', '--ip-dst-port', '3868'],
      tshark: `${proto(132)} && ${port('dst', 3868)}`,
    },
    {
      name: 'every fragment of a fragmented sender',
      capture: 'eth.pcap',
      args: ['--ip-src-addr', frag.truth.src as string, '--protocol', 'udp'],
      tshark: `${addr('src', frag.truth.src as string)} && ${proto(17)}`,
    },
    {
      name: 'VLAN-tagged DNS client',
      capture: 'eth.pcap',
      args: ['--ip-src-addr', vlanned.truth.src as string, '--ip-dst-port', '53'],
      tshark: `${addr('src', vlanned.truth.src as string)} && ${port('dst', 53)}`,
    },
    {
      name: 'a time window across midnight (ISO start, epoch-ms end)',
      capture: 'eth.pcap',
      args: [
        '--start-time',
        new Date(startMs).toISOString(),
        '--end-time',
        String(endMs),
        '--protocol',
        'tcp',
      ],
      tshark: `frame.time_epoch >= ${time(startMs)} && frame.time_epoch < ${time(endMs)} && ${proto(6)}`,
    },
    {
      name: 'Stellar filter: bytes and length',
      capture: 'eth.pcap',
      args: ['--filter', 'BYTEARRAY_MATCHER("\'HTTP/1.1\'", packet) && len > 100'],
      tshark: 'frame contains "HTTP/1.1" && frame.len > 100',
    },
    {
      name: 'Stellar filter over the fixed fields, with a fixed filter',
      capture: 'eth.pcap',
      args: ['--protocol', 'tcp', '--filter', '(ip_src_port == 443 || ip_dst_port == 443) && caplen < len'],
      tshark: `${proto(6)} && (${port('src', 443)} || ${port('dst', 443)}) && frame.cap_len < frame.len`,
    },
    {
      name: 'nanosecond pcapng, IPv6 UDP host',
      capture: 'eth-ns.pcapng',
      args: ['--ip-dst-addr', ns6.truth.dst as string, '--protocol', 'udp'],
      tshark: `${addr('dst', ns6.truth.dst as string)} && ${proto(17)}`,
    },
    {
      name: 'nanosecond pcapng, a time window to the nanosecond edge',
      capture: 'eth-ns.pcapng',
      args: ['--start-time', String((START + 1200) * 1000), '--end-time', String((START + 1260) * 1000)],
      tshark: `frame.time_epoch >= ${START + 1200} && frame.time_epoch < ${START + 1260}`,
    },
    {
      name: 'raw IP, big-endian capture',
      capture: 'raw-be.pcap',
      args: ['--ip-src-addr', rawTcp.truth.src as string, '--include-reverse'],
      tshark: `(${addr('src', rawTcp.truth.src as string)} || ${addr('dst', rawTcp.truth.src as string)})`,
    },
    {
      name: 'Linux cooked capture, nanoseconds',
      capture: 'sll-ns.pcap',
      args: ['--ip-dst-port', String(sllUdp.truth.dstPort)],
      tshark: port('dst', sllUdp.truth.dstPort),
    },
  ];
}

/** 2001:db8::1 → 2001:0db8:0000:0000:0000:0000:0000:0001: the query must accept any spelling. */
function expandV6(a: string): string {
  const [head = '', tail = ''] = a.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = a.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

function same(ours: PcapRecord[], theirs: PcapRecord[]): void {
  expect(ours.length).toBe(theirs.length);
  for (let i = 0; i < theirs.length; i++) {
    const a = ours[i] as PcapRecord;
    const b = theirs[i] as PcapRecord;
    if (
      a.tsSec !== b.tsSec ||
      a.tsNsec !== b.tsNsec ||
      a.caplen !== b.caplen ||
      a.len !== b.len ||
      !a.data.equals(b.data)
    ) {
      expect.fail(
        `packet ${i + 1} differs: ours ${a.tsSec}.${a.tsNsec} ${a.caplen}/${a.len}, tshark's ${b.tsSec}.${b.tsNsec} ${b.caplen}/${b.len}`,
      );
    }
  }
}

describe('pcap query returns what tshark selects', () => {
  it('ingested every packet of every capture, partitioned by day and hour', async () => {
    for (const c of Object.values(captures)) {
      const session = await openSql(c.lake);
      try {
        const r = await session.query(
          'SELECT count(*) AS n, count(DISTINCT dt) AS days, count(DISTINCT hour) AS hours FROM pcap',
        );
        expect(Number(r.rows[0]?.n)).toBe(c.packets.length);
        if (c.name === 'eth.pcap') {
          expect(Number(r.rows[0]?.days)).toBe(2);
          expect(Number(r.rows[0]?.hours)).toBe(2);
        }
      } finally {
        session.close();
      }
    }
  });

  for (const k of cases()) {
    it(k.name, async () => {
      const c = cap(k.capture);
      const out = join(dir, `ours-${k.name.replace(/\W+/g, '-')}.pcap`);
      const ref = join(dir, `tshark-${k.name.replace(/\W+/g, '-')}.pcap`);
      const r = palisade(['pcap', 'query', '--lake', c.lake, '-o', out, ...k.args]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      await tsharkFilter(c.file, k.tshark, ref, { nanos: c.nanos });
      const theirs = readPcapRecords(ref).records;
      expect(theirs.length).toBeGreaterThan(0);
      same(readPcapRecords(out).records, theirs);
      expect(r.stdout).toContain(`${theirs.length.toLocaleString('en')} packets`);
      expect(await capinfosClean(out)).toEqual({ ok: true, stderr: '' });
    });
  }
});

describe('pcap ingest and query: pages, repeats, damage, usage', () => {
  it('splits a result into pages that together are exactly the one-file answer', async () => {
    const c = cap('eth.pcap');
    const ref = join(dir, 'pages-ref.pcap');
    await tsharkFilter(c.file, proto(17), ref);
    const theirs = readPcapRecords(ref).records;
    const r = palisade([
      'pcap',
      'query',
      '--lake',
      c.lake,
      '-o',
      join(dir, 'pages.pcap'),
      '--protocol',
      'udp',
      '--page-size',
      '1000',
    ]);
    expect(r.code).toBe(0);
    const pages = Math.ceil(theirs.length / 1000);
    expect(r.stdout).toContain(`${pages} pages`);
    const ours: PcapRecord[] = [];
    for (let n = 1; n <= pages; n++) {
      const page = readPcapRecords(join(dir, `pages-${n}.pcap`)).records;
      expect(page.length).toBe(n < pages ? 1000 : theirs.length - 1000 * (pages - 1));
      ours.push(...page);
    }
    same(ours, theirs);
  });

  it('finds a flow by Community ID, as tshark computes it', async () => {
    const c = cap('eth.pcap');
    const flow = host(c, (p) => p.truth.kind === 'tcp');
    const ids = await tsharkFields(
      c.file,
      ['communityid'],
      `frame.number == ${c.packets.indexOf(flow) + 1}`,
      {
        prefs: ['--enable-protocol', 'communityid'],
      },
    );
    const id = ids[0]?.[0] ?? '';
    expect(id).toMatch(/^1:/);
    const ref = join(dir, 'cid-ref.pcap');
    await tshark([
      '-r',
      c.file,
      '-o',
      'ip.defragment:FALSE',
      '--enable-protocol',
      'communityid',
      '-Y',
      `communityid == "${id}"`,
      '-F',
      'pcap',
      '-w',
      ref,
    ]);
    const theirs = readPcapRecords(ref).records;
    expect(theirs.length).toBeGreaterThan(2);
    const out = join(dir, 'cid.pcap');
    const r = palisade(['pcap', 'query', '--lake', c.lake, '-o', out, '--community-id', id]);
    expect(r.code).toBe(0);
    same(readPcapRecords(out).records, theirs);
  });

  it('adds nothing when the same capture is ingested again', async () => {
    const c = cap('raw-be.pcap');
    const r = palisade(['pcap', 'ingest', '--lake', c.lake, c.file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('already in the lake');
    const session = await openSql(c.lake);
    try {
      expect(Number((await session.query('SELECT count(*) AS n FROM pcap')).rows[0]?.n)).toBe(
        c.packets.length,
      );
    } finally {
      session.close();
    }
  });

  it('keeps the readable packets of a damaged capture and sends the damage to errors with its bytes', async () => {
    const c = cap('raw-be.pcap');
    const whole = readFileSync(c.file);
    const torn = join(dir, 'torn.pcap');
    // Cut the last record short.
    writeFileSync(torn, whole.subarray(0, whole.length - 7));
    const lake = join(dir, 'lake-torn');
    const r = palisade(['pcap', 'ingest', '--lake', lake, torn]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/torn\.pcap: packet 4000, byte \d+: /);
    expect(r.stdout).toContain('3,999 packets');
    expect(r.stdout).toContain('1 records to errors');
    const session = await openSql(lake);
    try {
      expect(Number((await session.query('SELECT count(*) AS n FROM pcap')).rows[0]?.n)).toBe(3_999);
      const e = await session.query(
        'SELECT failed_sensor_type, source_file, source_line, octet_length(raw_message_bytes) AS n FROM errors',
      );
      expect(e.rows).toHaveLength(1);
      expect(e.rows[0]).toMatchObject({ failed_sensor_type: 'pcap', source_file: torn, source_line: 4000 });
      const last = c.packets[c.packets.length - 1] as GenPacket;
      expect(Number(e.rows[0]?.n)).toBe(16 + last.data.length - 7);
    } finally {
      session.close();
    }
  });

  it('batch compact rewrites the uncompressed packet files with zstd; answers stay the same', async () => {
    const c = cap('eth-ns.pcapng');
    const lake = join(dir, 'lake-compact');
    expect(palisade(['pcap', 'ingest', '--lake', lake, c.file]).code).toBe(0);
    const query = ['--protocol', 'udp', '--ip-dst-port', '53'];
    const before = join(dir, 'compact-before.pcap');
    expect(palisade(['pcap', 'query', '--lake', lake, '-o', before, ...query]).code).toBe(0);
    const sizeOf = async () => {
      const snapshot = await readSnapshot(join(lake, 'pcap'));
      return [...(snapshot?.files.values() ?? [])].reduce((n, a) => n + a.size, 0);
    };
    const bytesBefore = await sizeOf();
    const r = palisade(['batch', 'compact', '--lake', lake, '--table', 'pcap']);
    expect(r.code).toBe(0);
    const bytesAfter = await sizeOf();
    expect(bytesAfter).toBeLessThan(bytesBefore / 2);
    const after = join(dir, 'compact-after.pcap');
    expect(palisade(['pcap', 'query', '--lake', lake, '-o', after, ...query]).code).toBe(0);
    const theirs = readPcapRecords(before).records;
    expect(theirs.length).toBeGreaterThan(0);
    same(readPcapRecords(after).records, theirs);
    // Once compressed, a second compaction has nothing to do.
    expect(palisade(['batch', 'compact', '--lake', lake, '--table', 'pcap']).code).toBe(0);
    expect(await sizeOf()).toBe(bytesAfter);
  });

  it('refuses a log entry that points outside the table', async () => {
    const c = cap('raw-be.pcap');
    const lake = join(dir, 'lake-escape');
    expect(palisade(['pcap', 'ingest', '--lake', lake, c.file]).code).toBe(0);
    const snapshot = await readSnapshot(join(lake, 'pcap'));
    const add = { ...[...(snapshot?.files.values() ?? [])][0], path: '../../../etc/passwd' };
    writeFileSync(
      join(lake, 'pcap', '_delta_log', `${String((snapshot?.version ?? 0) + 1).padStart(20, '0')}.json`),
      `${JSON.stringify({ add })}\n`,
    );
    const r = palisade(['pcap', 'query', '--lake', lake, '-o', join(dir, 'escape.pcap')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("data file '../../../etc/passwd' is outside the table");
  });

  it('rejects bad usage with one line and exit code 2', () => {
    const c = cap('eth.pcap');
    const out = join(dir, 'x.pcap');
    for (const [args, message] of [
      [['--ip-src-addr', '10.0.0.300'], "--ip-src-addr: '10.0.0.300' is not an IPv4 or IPv6 address"],
      [['--ip-dst-port', '70000'], '--ip-dst-port: expected a port number'],
      [['--protocol', 'ospfish'], '--protocol: expected tcp, udp'],
      [['--start-time', 'yesterday'], '--start-time: expected ISO 8601'],
      [['--start-time', '2000', '--end-time', '1000'], 'the end time must be after the start time'],
      [['--filter', 'ip_src_addr =='], '--filter:'],
    ] as const) {
      const r = palisade(['pcap', 'query', '--lake', c.lake, '-o', out, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const missing = palisade(['pcap', 'ingest', '--lake', c.lake, join(dir, 'nope.pcap')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.pcap: no such capture file');
    const notPcap = join(dir, 'text.pcap');
    writeFileSync(notPcap, 'this is not a capture\n');
    const bad = palisade(['pcap', 'ingest', '--lake', c.lake, notPcap]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a pcap or pcapng file');
  });
});

describe('from an event to its packets in one call', () => {
  it('pcap query --event GUID returns the packets of the event’s flow around its time', async () => {
    const c = cap('eth.pcap');
    // A Zeek conn record of one TCP flow of the capture, ingested into the same lake.
    const first = host(c, (p) => p.truth.kind === 'tcp' && p.truth.ipVersion === 4 && p.tsSec > START + 4000);
    const t = first.truth;
    const log = join(dir, 'conn.log');
    const conn = {
      ts: first.tsSec + first.tsNsec / 1e9,
      uid: 'CpcapFlow1',
      'id.orig_h': t.src,
      'id.orig_p': t.srcPort,
      'id.resp_h': t.dst,
      'id.resp_p': t.dstPort,
      proto: 'tcp',
      duration: 1.5,
    };
    writeFileSync(log, `${JSON.stringify({ conn })}\n`);
    const ingest = palisade(['ingest', '--sensor', 'bro', '--lake', c.lake, '--no-enrich', log]);
    expect(ingest.code).toBe(0);
    const session = await openSql(c.lake);
    let guid: string;
    let cid: string;
    try {
      const r = await session.query("SELECT guid, community_id FROM events WHERE sensor = 'bro'");
      expect(r.rows).toHaveLength(1);
      guid = String(r.rows[0]?.guid);
      cid = String(r.rows[0]?.community_id);
    } finally {
      session.close();
    }
    expect(cid).toMatch(/^1:/);
    const out = join(dir, 'event.pcap');
    const q = palisade(['pcap', 'query', '--lake', c.lake, '-o', out, '--event', guid, '--window', '10m']);
    expect(q.stderr).toBe('');
    expect(q.code).toBe(0);
    // The same flow in both directions, 10 minutes either side, as tshark selects it.
    const ref = join(dir, 'event-ref.pcap');
    const from = (first.tsSec - 600) * 1000 + Math.floor(first.tsNsec / 1e6);
    const to = from + 1_200_001;
    await tsharkFilter(
      c.file,
      `${proto(6)} && ((${addr('src', t.src as string)} && ${addr('dst', t.dst as string)} && ${port('src', t.srcPort)} && ${port('dst', t.dstPort)}) || ` +
        `(${addr('src', t.dst as string)} && ${addr('dst', t.src as string)} && ${port('src', t.dstPort)} && ${port('dst', t.srcPort)})) && ` +
        `frame.time_epoch >= ${time(from)} && frame.time_epoch < ${time(to)}`,
      ref,
    );
    const theirs = readPcapRecords(ref).records;
    expect(theirs.length).toBeGreaterThan(2);
    same(readPcapRecords(out).records, theirs);

    const unknown = palisade(['pcap', 'query', '--lake', c.lake, '-o', out, '--event', 'no-such-guid']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--event: no event with guid no-such-guid');
  });
});
