import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '#core';
import {
  type CaptureProblem,
  PcapngWriter,
  PcapWriter,
  packetData,
  type ReadCaptureOptions,
  readCapture,
} from '../../lake/pcap/format.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('palisade-pcap-');

interface Row {
  seq: number;
  sec: number;
  nsec: number;
  caplen: number;
  len: number;
  linktype: number;
  data: number[];
}

async function readAll(path: string, options?: ReadCaptureOptions) {
  const rows: Row[] = [];
  const problems: CaptureProblem[] = [];
  const nanos: boolean[] = [];
  for await (const b of readCapture(path, options)) {
    if (b.problem) {
      problems.push(b);
      continue;
    }
    nanos.push(b.nanos);
    for (let i = 0; i < b.count; i++) {
      rows.push({
        seq: b.seq[i] as number,
        sec: b.tsSec[i] as number,
        nsec: b.tsNsec[i] as number,
        caplen: b.caplen[i] as number,
        len: b.len[i] as number,
        linktype: b.linktype[i] as number,
        data: Array.from(packetData(b, i)),
      });
    }
  }
  return { rows, problems, nanos };
}

/** tshark's frame number, epoch time, captured and wire length of every frame, as text lines. */
function tsharkFrames(path: string): string[] {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      path,
      '-T',
      'fields',
      '-e',
      'frame.number',
      '-e',
      'frame.time_epoch',
      '-e',
      'frame.cap_len',
      '-e',
      'frame.len',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return out.split('\n').filter((l) => l !== '');
}

function frameLine(r: Row): string {
  return `${r.seq}\t${r.sec}.${String(r.nsec).padStart(9, '0')}\t${r.caplen}\t${r.len}`;
}

/** capinfos must read the file without complaint (tshark's running-as-root notice aside). */
function expectCapinfosClean(path: string): void {
  const r = spawnSync('capinfos', [path], { encoding: 'utf8' });
  expect(r.error).toBeUndefined();
  const stderr = r.stderr
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('Running as user "root"'))
    .join('\n');
  expect(stderr).toBe('');
  expect(r.status).toBe(0);
}

/** Deterministic packets: sizes from 0 up, bytes that say where they came from. */
function packets(count: number, seed: number, maxSize = 1500) {
  let x = seed;
  const next = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x;
  };
  return Array.from({ length: count }, (_, i) => {
    const size = i === 0 ? 0 : next() % maxSize;
    const data = new Uint8Array(size);
    for (let j = 0; j < size; j++) data[j] = (i + j * 7) & 0xff;
    return { sec: 1_700_000_000 + i, nsec: next() % 1_000_000_000, len: size + (i % 3), data };
  });
}

// Hand-built pcapng blocks, in either byte order.
class Bytes {
  readonly out: number[] = [];
  constructor(readonly le: boolean) {}
  u8(v: number): this {
    this.out.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    const b = [(v >>> 8) & 0xff, v & 0xff];
    this.out.push(...(this.le ? b.reverse() : b));
    return this;
  }
  u32(v: number): this {
    const b = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    this.out.push(...(this.le ? b.reverse() : b));
    return this;
  }
  u64(v: bigint): this {
    const hi = Number((v >> 32n) & 0xffffffffn);
    const lo = Number(v & 0xffffffffn);
    return this.le ? this.u32(lo).u32(hi) : this.u32(hi).u32(lo);
  }
  bytes(b: ArrayLike<number>): this {
    this.out.push(...Array.from(b));
    while (this.out.length % 4 !== 0) this.out.push(0);
    return this;
  }
}

function block(le: boolean, type: number, body: (b: Bytes) => void, lengthFix = 0): number[] {
  const b = new Bytes(le);
  body(b);
  const len = b.out.length + 12 + lengthFix;
  return [...new Bytes(le).u32(type).u32(len).out, ...b.out, ...new Bytes(le).u32(len).out];
}

const shb = (le: boolean) =>
  block(le, 0x0a0d0d0a, (b) => b.u32(0x1a2b3c4d).u16(1).u16(0).u64(0xffffffffffffffffn));

function idb(le: boolean, linktype: number, tsresol?: number, tsoffset?: bigint): number[] {
  return block(le, 1, (b) => {
    b.u16(linktype).u16(0).u32(0);
    if (tsresol !== undefined) b.u16(9).u16(1).bytes([tsresol]);
    if (tsoffset !== undefined) b.u16(14).u16(8).u64(tsoffset);
    if (tsresol !== undefined || tsoffset !== undefined) b.u16(0).u16(0);
  });
}

function epb(le: boolean, iface: number, units: bigint, data: number[], len = data.length): number[] {
  return block(le, 6, (b) =>
    b
      .u32(iface)
      .u32(Number(units >> 32n))
      .u32(Number(units & 0xffffffffn))
      .u32(data.length)
      .u32(len)
      .bytes(data),
  );
}

function opb(le: boolean, iface: number, units: bigint, data: number[]): number[] {
  return block(le, 2, (b) =>
    b
      .u16(iface)
      .u16(0)
      .u32(Number(units >> 32n))
      .u32(Number(units & 0xffffffffn))
      .u32(data.length)
      .u32(data.length)
      .bytes(data),
  );
}

const spb = (le: boolean, data: number[]) => block(le, 3, (b) => b.u32(data.length).bytes(data));

// A minimal IPv4/UDP datagram, so that tshark has something real to dissect.
const IP_UDP = [
  0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x30, 0x39, 0, 53, 0, 8, 0, 0,
];
const ETH_IP_UDP = [...[2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00], ...IP_UDP];

describe('PcapWriter and readCapture', () => {
  it('round-trips microsecond pcap, agreeing with tshark and capinfos', async () => {
    const file = join(dir, 'us.pcap');
    const pkts = packets(300, 1);
    const w = await PcapWriter.open(file, { linktype: 1, nanos: false });
    for (const p of pkts) w.write(p.sec, p.nsec, p.len, p.data);
    const bytes = await w.close();
    expect(bytes).toBe(24 + pkts.reduce((n, p) => n + 16 + p.data.length, 0));
    expect(readFileSync(file).subarray(0, 4)).toEqual(Buffer.from([0xd4, 0xc3, 0xb2, 0xa1]));

    const { rows, problems, nanos } = await readAll(file);
    expect(problems).toEqual([]);
    expect(nanos.every((n) => !n)).toBe(true);
    expect(rows).toEqual(
      pkts.map((p, i) => ({
        seq: i + 1,
        sec: p.sec,
        nsec: Math.floor(p.nsec / 1000) * 1000,
        caplen: p.data.length,
        len: p.len,
        linktype: 1,
        data: Array.from(p.data),
      })),
    );
    expect(tsharkFrames(file)).toEqual(rows.map(frameLine));
    expectCapinfosClean(file);
  });

  it('round-trips nanosecond pcap through small chunks and batches, records crossing chunk ends', async () => {
    const file = join(dir, 'ns.pcap');
    const pkts = packets(2000, 2);
    // Bigger than a 64 KiB chunk: read with a buffer of its own.
    pkts.push({ sec: 4_294_967_295, nsec: 999_999_999, len: 200_000, data: new Uint8Array(200_000).fill(9) });
    const w = await PcapWriter.open(file, { linktype: 101, nanos: true, bufferBytes: 100_000 });
    for (const p of pkts) if (!w.write(p.sec, p.nsec, p.len, p.data)) await w.drain();
    await w.close();
    expect(readFileSync(file).subarray(0, 4)).toEqual(Buffer.from([0x4d, 0x3c, 0xb2, 0xa1]));

    const { rows, problems, nanos } = await readAll(file, { chunkBytes: 65536, batchPackets: 7 });
    expect(problems).toEqual([]);
    expect(nanos.every((n) => n)).toBe(true);
    expect(rows.length).toBe(pkts.length);
    rows.forEach((r, i) => {
      const p = pkts[i] as (typeof pkts)[number];
      expect([r.seq, r.sec, r.nsec, r.caplen, r.len, r.linktype]).toEqual([
        i + 1,
        p.sec,
        p.nsec,
        p.data.length,
        p.len,
        101,
      ]);
      expect(r.data).toEqual(Array.from(p.data));
    });
    expect(tsharkFrames(file)).toEqual(rows.map(frameLine));
    expectCapinfosClean(file);
  });

  it('raises the header snaplen to the largest packet written', async () => {
    const file = join(dir, 'snap.pcap');
    const w = await PcapWriter.open(file, { linktype: 1, nanos: false, snaplen: 100 });
    w.write(1, 0, 300, new Uint8Array(300));
    await w.close();
    expect(readFileSync(file).readUInt32LE(16)).toBe(300);
    expectCapinfosClean(file);
  });

  it('reads big-endian pcap in both resolutions, as tshark does', async () => {
    for (const [magic, nanos] of [
      [0xa1b2c3d4, false],
      [0xa1b23c4d, true],
    ] as const) {
      const b = new Bytes(false).u32(magic).u16(2).u16(4).u32(0).u32(0).u32(65535).u32(0x10000001);
      b.u32(1_600_000_000)
        .u32(nanos ? 123_456_789 : 123_456)
        .u32(ETH_IP_UDP.length)
        .u32(60);
      b.out.push(...ETH_IP_UDP);
      b.u32(1_600_000_001).u32(7).u32(4).u32(4).u32(0xdeadbeef);
      const file = join(dir, `be-${nanos}.pcap`);
      writeFileSync(file, Uint8Array.from(b.out));
      const { rows, problems } = await readAll(file);
      expect(problems).toEqual([]);
      // The FCS bits at the top of the link-type field are not part of the link type.
      expect(rows.map((r) => [r.seq, r.sec, r.nsec, r.caplen, r.len, r.linktype])).toEqual([
        [1, 1_600_000_000, nanos ? 123_456_789 : 123_456_000, ETH_IP_UDP.length, 60, 1],
        [2, 1_600_000_001, nanos ? 7 : 7000, 4, 4, 1],
      ]);
      expect(rows[1]?.data).toEqual([0xde, 0xad, 0xbe, 0xef]);
      expect(tsharkFrames(file)).toEqual(rows.map(frameLine));
    }
  });
});

describe('PcapngWriter', () => {
  it('writes one interface per link type, readable by readCapture, tshark and capinfos', async () => {
    for (const nanos of [true, false]) {
      const file = join(dir, `mixed-${nanos}.pcapng`);
      const w = await PcapngWriter.open(file, { nanos });
      const pkts = packets(50, 3).map((p, i) => ({ ...p, linktype: [1, 101, 1, 113][i % 4] as number }));
      for (const p of pkts) w.write(p.linktype, p.sec, p.nsec, p.len, p.data);
      await w.close();
      const { rows, problems, nanos: flags } = await readAll(file);
      expect(problems).toEqual([]);
      expect(flags).toEqual([nanos]);
      expect(rows).toEqual(
        pkts.map((p, i) => ({
          seq: i + 1,
          sec: p.sec,
          nsec: nanos ? p.nsec : Math.floor(p.nsec / 1000) * 1000,
          caplen: p.data.length,
          len: p.len,
          linktype: p.linktype,
          data: Array.from(p.data),
        })),
      );
      expect(tsharkFrames(file)).toEqual(rows.map(frameLine));
      expectCapinfosClean(file);
    }
  });
});

describe('readCapture on hand-built pcapng', () => {
  const NS = 1_000_000_000n;
  // Section 1, little-endian: Ethernet at 10^-9 s, raw IP at 2^-10 s with a 100 s offset.
  const section1 = [
    ...shb(true),
    ...idb(true, 1, 9),
    ...idb(true, 101, 0x8a, 100n),
    ...epb(true, 0, 1_700_000_000n * NS + 123_456_789n, ETH_IP_UDP, 80),
    ...epb(true, 1, 1_700_000_000n * 1024n + 1023n, IP_UDP),
    ...block(true, 4, (b) => b.u16(0).u16(0)), // name resolution: skipped
    ...block(true, 0x40000bad, (b) => b.u32(32473).bytes([1, 2, 3])), // custom: skipped
    ...opb(true, 0, 1_700_000_001n * NS + 5n, ETH_IP_UDP),
    ...spb(true, ETH_IP_UDP),
  ];
  // Section 2, big-endian: its own interfaces, microseconds by default.
  const section2 = [
    ...shb(false),
    ...idb(false, 1),
    ...epb(false, 0, 1_700_000_002_000_001n, ETH_IP_UDP.slice(0, 20), 99),
    ...block(false, 5, (b) => b.u32(0).u32(0).u32(0)), // interface statistics: skipped
  ];

  it('reads both sections, every resolution and the obsolete packet block, as tshark does', async () => {
    const file = join(dir, 'hand.pcapng');
    writeFileSync(file, Uint8Array.from([...section1, ...section2]));
    const { rows, problems, nanos } = await readAll(file, { batchPackets: 2 });
    expect(rows.map((r) => [r.seq, r.sec, r.nsec, r.caplen, r.len, r.linktype])).toEqual([
      [1, 1_700_000_000, 123_456_789, ETH_IP_UDP.length, 80, 1],
      // 1023/1024 s = 0.9990234375 s, floored to nanoseconds; plus if_tsoffset.
      [2, 1_700_000_100, 999_023_437, IP_UDP.length, IP_UDP.length, 101],
      // The custom block takes frame number 3, as in tshark.
      [4, 1_700_000_001, 5, ETH_IP_UDP.length, ETH_IP_UDP.length, 1],
      [6, 1_700_000_002, 1000, 20, 99, 1],
    ]);
    expect(rows[0]?.data).toEqual(ETH_IP_UDP);
    expect(rows[3]?.data).toEqual(ETH_IP_UDP.slice(0, 20));
    expect(nanos).toEqual([true, true, false]);
    expect(problems).toHaveLength(1);
    const spbAt = section1.length - spb(true, ETH_IP_UDP).length;
    expect(problems[0]).toMatchObject({
      file,
      offset: spbAt,
      packet: 5,
      reason: expect.stringMatching(/simple packet/),
    });
    expect(Array.from(problems[0]?.bytes ?? [])).toEqual(section1.slice(spbAt));
    // tshark also lists the custom block (3) and the simple packet block (5, with no time).
    const ours = rows.map(frameLine);
    expect(tsharkFrames(file).filter((l) => !/^[35]\t/.test(l))).toEqual(ours);
  });

  it('converts picosecond and large binary resolutions exactly', async () => {
    const file = join(dir, 'fine.pcapng');
    const ps = 1_000_000n * 1_000_000_000_000n + 987_654_321_999n;
    const bin40 = (1_000_000n << 40n) + (1n << 39n) + 1n;
    writeFileSync(
      file,
      Uint8Array.from([
        ...shb(true),
        ...idb(true, 1, 12),
        ...idb(true, 1, 0x80 | 40),
        ...epb(true, 0, ps, [1]),
        ...epb(true, 1, bin40, [2]),
      ]),
    );
    const { rows } = await readAll(file);
    expect(rows.map((r) => [r.sec, r.nsec])).toEqual([
      [1_000_000, 987_654_321],
      [1_000_000, 500_000_000],
    ]);
  });

  it('reports a packet on an undescribed interface and goes on', async () => {
    const file = join(dir, 'noiface.pcapng');
    const bad = epb(true, 7, 0n, [1, 2, 3, 4]);
    writeFileSync(file, Uint8Array.from([...shb(true), ...idb(true, 1), ...bad, ...epb(true, 0, 5n, [9])]));
    const { rows, problems } = await readAll(file);
    expect(rows.map((r) => [r.seq, r.nsec, r.data])).toEqual([[2, 5000, [9]]]);
    expect(problems).toMatchObject([
      { offset: 28 + 20, packet: 1, reason: expect.stringMatching(/interface 7/) },
    ]);
    expect(Array.from(problems[0]?.bytes ?? [])).toEqual(bad);
  });

  it('stops at a block with a bad length or a mismatched trailing length', async () => {
    const good = epb(true, 0, 1n, [1]);
    const head = [...shb(true), ...idb(true, 1)];
    const cases: [number[], RegExp][] = [
      [block(true, 6, (b) => b.u32(0).u32(0).u32(0).u32(0).u32(0), 2), /bad length 34/],
      [block(true, 6, (b) => b.u32(0).u32(0).u32(0).u32(0).u32(0), 4), /does not match its trailing length/],
    ];
    for (const [broken, reason] of cases) {
      const file = join(dir, 'badlen.pcapng');
      writeFileSync(file, Uint8Array.from([...head, ...good, ...broken, ...good]));
      const { rows, problems } = await readAll(file);
      expect(rows.map((r) => r.seq)).toEqual([1]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ offset: head.length + good.length, reason });
      expect(problems[0]?.reason).toMatch(/rest of the file is skipped/);
    }
  });
});

describe('readCapture on damaged files', () => {
  it('reports a truncated last record with its offset and bytes', async () => {
    const file = join(dir, 'cut.pcap');
    const w = await PcapWriter.open(file, { linktype: 1, nanos: false });
    for (let i = 0; i < 3; i++) w.write(10 + i, 0, 40, new Uint8Array(40).fill(i + 1));
    await w.close();
    const whole = readFileSync(file);
    const lastAt = 24 + 2 * 56;
    for (const cut of [10, 50]) {
      const cutFile = join(dir, `cut-${cut}.pcap`);
      writeFileSync(cutFile, whole.subarray(0, lastAt + cut));
      const { rows, problems } = await readAll(cutFile);
      expect(rows.map((r) => r.seq)).toEqual([1, 2]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({
        file: cutFile,
        offset: lastAt,
        packet: 3,
        reason: expect.stringMatching(cut < 16 ? /record header/ : /packet data/),
      });
      expect(Buffer.from(problems[0]?.bytes ?? [])).toEqual(whole.subarray(lastAt, lastAt + cut));
    }
  });

  it('reports an absurd caplen and reads no further', async () => {
    const b = new Bytes(true).u32(0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(65535).u32(1);
    b.u32(1).u32(0).u32(4).u32(4).u32(0x01020304);
    b.u32(2).u32(0).u32(0x7fffffff).u32(60);
    b.u32(3).u32(0).u32(4).u32(4).u32(0x01020304);
    const file = join(dir, 'huge.pcap');
    writeFileSync(file, Uint8Array.from(b.out));
    const { rows, problems } = await readAll(file);
    expect(rows.map((r) => r.seq)).toEqual([1]);
    expect(problems).toMatchObject([
      { offset: 44, packet: 2, reason: expect.stringMatching(/caplen 2147483647/) },
    ]);
  });

  it('throws a UsageError naming the file and its magic for a file that is not a capture', async () => {
    const file = join(dir, 'not.pcap');
    writeFileSync(file, 'hello, world\n');
    const err = await readAll(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('68 65 6c 6c');
    const empty = join(dir, 'empty.pcap');
    writeFileSync(empty, '');
    await expect(readAll(empty)).rejects.toBeInstanceOf(UsageError);
    await expect(readAll(join(dir, 'missing.pcap'))).rejects.toBeInstanceOf(UsageError);
  });
});
