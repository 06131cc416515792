import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '#core';
import { AsnDatabase, BUNDLED_ASN_CSV, isPublicIPv4 } from '#streaming';
import { tempDir } from '../helpers/tmp.js';
import { GEO_TEST_DB } from '../stellar/conformance.js';

/**
 * ASN lookups: the ip-location-db tables that install with Palisade, checked against rows read
 * from the same CSV files here (so the expectations follow the pinned package, not a copy of
 * it), and MaxMind ASN databases, built here because the `maxmind` package only reads them and
 * no ASN test database ships with Metron.
 */

/** One row of an ip-location-db numeric table, read by this test's own small parser. */
interface Row {
  start: bigint;
  end: bigint;
  asn: string;
  org: string;
  /** The row as it is in the file. */
  line: string;
}

function readRows(file: string): Row[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const m = /^(\d+),(\d+),(\d+),(.*)$/.exec(line);
      if (m === null) throw new Error(`unexpected row: ${line}`);
      const [, start = '', end = '', asn = '', field = ''] = m;
      const org = field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field;
      return { start: BigInt(start), end: BigInt(end), asn, org, line };
    });
}

function ipv4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((n >> shift) & 255n)).join('.');
}

function ipv6(n: bigint): string {
  const parts = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => Number((n >> shift) & 0xffffn));
  return new ipaddr.IPv6(parts).toString();
}

const V4 = readRows(BUNDLED_ASN_CSV.ipv4);
const V6 = readRows(BUNDLED_ASN_CSV.ipv6);

function v4Row(i: number): Row {
  const row = V4[i];
  if (row === undefined) throw new Error(`no IPv4 row ${i}`);
  return row;
}

/** The first row from `i` on that is a whole public range and overlaps no neighbour. */
function plainV4Row(from: number): Row {
  for (let i = from; i < V4.length; i++) {
    const row = v4Row(i);
    const before = V4[i - 1];
    const after = V4[i + 1];
    if (
      isPublicIPv4(ipv4(row.start)) &&
      isPublicIPv4(ipv4(row.end)) &&
      (before === undefined || before.end < row.start) &&
      (after === undefined || after.start > row.end)
    )
      return row;
  }
  throw new Error(`no plain IPv4 row from ${from}`);
}

/** The CIDR block a row covers; the rows chosen for the MaxMind database are whole blocks. */
function cidr(row: Row, bits: 32 | 128): string {
  const size = row.end - row.start + 1n;
  const prefix = bits - (size.toString(2).length - 1);
  if (size !== 1n << BigInt(bits - prefix) || row.start % size !== 0n)
    throw new Error(`not a CIDR block: ${row.line}`);
  return `${bits === 32 ? ipv4(row.start) : ipv6(row.start)}/${prefix}`;
}

function answer(row: Row): { asn: string; asn_org: string } {
  return { asn: row.asn, asn_org: row.org };
}

// -------------------------------------------------------------------------------------------
// A MaxMind DB writer (format 2.0, 24-bit records), enough for small test databases.

type MmdbValue = string | number | readonly MmdbValue[] | { readonly [key: string]: MmdbValue };

function control(type: number, size: number): number[] {
  const sizeBytes = size < 29 ? [] : size < 285 ? [size - 29] : [(size - 285) >> 8, (size - 285) & 255];
  const sizeBits = size < 29 ? size : size < 285 ? 29 : 30;
  // Types above 7 are "extended": type 0 in the control byte, type − 7 in the next.
  return type <= 7 ? [(type << 5) | sizeBits, ...sizeBytes] : [sizeBits, type - 7, ...sizeBytes];
}

function encode(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([Buffer.from(control(2, bytes.length)), bytes]);
  }
  if (typeof value === 'number') {
    const bytes: number[] = [];
    for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
    return Buffer.from([...control(6, bytes.length), ...bytes]); // uint32
  }
  if (Array.isArray(value)) {
    const items = value as readonly MmdbValue[];
    return Buffer.concat([Buffer.from(control(11, items.length)), ...items.map(encode)]);
  }
  const entries = Object.entries(value);
  return Buffer.concat([
    Buffer.from(control(7, entries.length)),
    ...entries.flatMap(([k, v]) => [encode(k), encode(v)]),
  ]);
}

/** A database of `networks` (CIDR → record); an IPv4 network in an IPv6 tree goes under ::/96. */
function mmdb(
  databaseType: string,
  ipVersion: 4 | 6,
  networks: readonly (readonly [string, MmdbValue])[],
): Buffer {
  // A record is a node (≥ 0), empty (-1) or data at offset d (-2 - d).
  const left: number[] = [-1];
  const right: number[] = [-1];
  const data: Buffer[] = [];
  let dataSize = 0;
  for (const [network, record] of networks) {
    const [address, length] = ipaddr.parseCIDR(network);
    let bytes = address.toByteArray();
    let prefix = length;
    if (ipVersion === 6 && bytes.length === 4) {
      bytes = [...new Array<number>(12).fill(0), ...bytes];
      prefix += 96;
    }
    const offset = dataSize;
    const encoded = encode(record);
    data.push(encoded);
    dataSize += encoded.length;
    let node = 0;
    for (let d = 0; d < prefix; d++) {
      const records = ((bytes[d >> 3] ?? 0) >> (7 - (d & 7))) & 1 ? right : left;
      if (d === prefix - 1) {
        records[node] = -2 - offset;
        break;
      }
      let next = records[node] ?? -1;
      if (next < -1) throw new Error(`${network} lies inside another network`);
      if (next === -1) {
        next = left.length;
        left.push(-1);
        right.push(-1);
        records[node] = next;
      }
      node = next;
    }
  }
  const nodeCount = left.length;
  const tree = Buffer.alloc(nodeCount * 6);
  const value = (r: number) => (r >= 0 ? r : r === -1 ? nodeCount : nodeCount + 16 + (-2 - r));
  for (let i = 0; i < nodeCount; i++) {
    tree.writeUIntBE(value(left[i] ?? -1), i * 6, 3);
    tree.writeUIntBE(value(right[i] ?? -1), i * 6 + 3, 3);
  }
  const metadata = encode({
    node_count: nodeCount,
    record_size: 24,
    ip_version: ipVersion,
    database_type: databaseType,
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 1_750_000_000,
    description: { en: 'Palisade test database' },
  });
  return Buffer.concat([
    tree,
    Buffer.alloc(16),
    ...data,
    Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'),
    metadata,
  ]);
}

function asnRecord(row: Row): MmdbValue {
  return { autonomous_system_number: Number(row.asn), autonomous_system_organization: row.org };
}

const dir = tempDir();

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

// -------------------------------------------------------------------------------------------

const FIRST = v4Row(0);
const LAST = v4Row(V4.length - 1);
const LAST_V6 = V6[V6.length - 1] as Row;

/** A GeoLite2-ASN-like database holding the bundled tables' first and last rows of each family. */
const ASN_MMDB = file(
  'GeoLite2-ASN-Test.mmdb',
  mmdb('GeoLite2-ASN', 6, [
    [cidr(FIRST, 32), asnRecord(FIRST)],
    [cidr(LAST, 32), asnRecord(LAST)],
    [cidr(LAST_V6, 128), asnRecord(LAST_V6)],
  ]),
);

/** Every implementation answers the same for the rows they share. */
describe.each([
  ['the bundled ip-location-db tables', () => AsnDatabase.bundled()],
  ['a MaxMind ASN database', () => AsnDatabase.open(ASN_MMDB)],
])('AsnDatabase from %s', (_name, make) => {
  const db = make();

  it("answers for the first and last IPv4 rows' start, middle and end, as strings", () => {
    for (const row of [FIRST, LAST])
      for (const n of [row.start, (row.start + row.end) / 2n, row.end])
        expect(db.lookup(ipv4(n)), `${ipv4(n)} in ${row.line}`).toEqual(answer(row));
  });

  it("answers for the last IPv6 row's start, middle and end", () => {
    for (const n of [LAST_V6.start, (LAST_V6.start + LAST_V6.end) / 2n, LAST_V6.end])
      expect(db.lookup(ipv6(n)), ipv6(n)).toEqual(answer(LAST_V6));
  });

  it('looks up an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(db.lookup(`::ffff:${ipv4(FIRST.start)}`)).toEqual(answer(FIRST));
  });

  it('gives nothing for addresses that are not public, or not addresses', () => {
    for (const ip of [
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '127.0.0.1',
      '0.0.0.0',
      '169.254.1.1',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      'fe80::1',
      'fe80::1%eth0',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      '2001:db8::1', // documentation
      '2001::1', // Teredo
      '2002:101:101::1', // 6to4
      '::ffff:10.0.0.1',
      `${ipv6(LAST_V6.start)}%eth0`,
      '1.2.3',
      '256.1.1.1',
      'nope',
      '',
    ])
      expect(db.lookup(ip), ip).toBeUndefined();
  });

  it('gives the same frozen answer from its cache', () => {
    const ip = ipv4(FIRST.start + 1n);
    const first = db.lookup(ip);
    expect(first).toBeDefined();
    expect(db.lookup(ip)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});

describe('the bundled tables', () => {
  const db = AsnDatabase.bundled();

  it('are the pinned package files, read once per process', () => {
    expect(BUNDLED_ASN_CSV.ipv4).toMatch(/@ip-location-db\/asn\/asn-ipv4-num\.csv$/);
    expect(BUNDLED_ASN_CSV.ipv6).toMatch(/@ip-location-db\/asn\/asn-ipv6-num\.csv$/);
    expect(AsnDatabase.bundled()).toBe(db);
  });

  it("answer for a middle IPv4 row's start, middle and end", () => {
    const row = plainV4Row(Math.floor(V4.length / 2));
    for (const n of [row.start, (row.start + row.end) / 2n, row.end])
      expect(db.lookup(ipv4(n)), `${ipv4(n)} in ${row.line}`).toEqual(answer(row));
  });

  it('give nothing in a gap between two ranges, and the next range right after it', () => {
    const i = V4.findIndex((row, k) => {
      const next = V4[k + 1];
      return next !== undefined && next.start > row.end + 1n && isPublicIPv4(ipv4(row.end + 1n));
    });
    expect(i).toBeGreaterThanOrEqual(0);
    const row = v4Row(i);
    const next = v4Row(i + 1);
    expect(db.lookup(ipv4(row.end))).toEqual(answer(row));
    expect(db.lookup(ipv4(row.end + 1n)), `${ipv4(row.end + 1n)} after ${row.line}`).toBeUndefined();
    expect(db.lookup(ipv4(next.start - 1n))).toBeUndefined();
    expect(db.lookup(ipv4(next.start))).toEqual(answer(next));
  });

  it('read quoted organisations: with a comma, and with doubled quotes', () => {
    const comma = V4.find((row) => /,"[^"]*,[^"]*"$/.test(row.line) && isPublicIPv4(ipv4(row.start)));
    const quotes = V4.find((row) => row.org.includes('"') && isPublicIPv4(ipv4(row.start)));
    expect(comma?.org).toContain(',');
    expect(quotes?.line).toContain('""');
    for (const row of [comma, quotes] as Row[])
      expect(db.lookup(ipv4(row.start)), row.line).toEqual(answer(row));
  });

  it('answer for the first IPv6 row that is global unicast, and not for Teredo', () => {
    const teredo = V6.find((row) => ipv6(row.start).startsWith('2001::'));
    const first = V6.find((row) => ipaddr.IPv6.parse(ipv6(row.start)).range() === 'unicast') as Row;
    expect(db.lookup(ipv6(first.start))).toEqual(answer(first));
    expect(db.lookup(ipv6(first.end))).toEqual(answer(first));
    // The package maps Teredo's 2001::/32 to an AS, but its addresses name a relay, not a host.
    expect(teredo).toBeDefined();
    expect(db.lookup(ipv6((teredo as Row).start + 1n))).toBeUndefined();
  });

  it('keep recent answers and drop old ones: at most 65 536 addresses', () => {
    const fresh = AsnDatabase.fromCsv(file('one.csv', `${1n << 24n},${(2n << 24n) - 1n},64500,Test AS\n`));
    const kept = fresh.lookup('1.0.0.1');
    const dropped = fresh.lookup('1.0.0.2');
    // 1.0.0.1 is looked up again every 1 000 new addresses; 1.0.0.2 never.
    for (let i = 0; i < 70_000; i++) {
      fresh.lookup(ipv4((1n << 24n) + 256n + BigInt(i)));
      if (i % 1000 === 0) expect(fresh.lookup('1.0.0.1')).toBe(kept);
    }
    expect(fresh.lookup('1.0.0.1')).toBe(kept);
    const again = fresh.lookup('1.0.0.2');
    expect(again).toEqual(dropped);
    expect(again).not.toBe(dropped);
  });
});

describe('AsnDatabase.fromCsv', () => {
  it('reads RFC 4180 CSV: CRLF, quoted commas, doubled quotes, line breaks in quotes, UTF-8', () => {
    const db = AsnDatabase.fromCsv(
      file(
        'rfc4180.csv',
        [
          '16777216,16777471,13335,"Cloudflare, Inc."',
          '16777472,16777727,201907,"LLC ""SPUTNIK"""',
          '16777728,16777983,64501,"two\nlines"',
          '16777984,16778239,64502,Telefónica',
          '"16778240","16778495","64503",',
          '',
          '',
        ].join('\r\n'),
      ),
    );
    expect(db.lookup('1.0.0.1')).toEqual({ asn: '13335', asn_org: 'Cloudflare, Inc.' });
    expect(db.lookup('1.0.1.1')).toEqual({ asn: '201907', asn_org: 'LLC "SPUTNIK"' });
    expect(db.lookup('1.0.2.1')).toEqual({ asn: '64501', asn_org: 'two\nlines' });
    expect(db.lookup('1.0.3.1')).toEqual({ asn: '64502', asn_org: 'Telefónica' });
    expect(db.lookup('1.0.4.1')).toEqual({ asn: '64503', asn_org: '' });
    expect(db.lookup('1.0.5.1')).toBeUndefined();
    expect(db.lookup('2001:4860::1')).toBeUndefined(); // no IPv6 table given
  });

  it('lets the first of two overlapping rows keep the overlap', () => {
    const db = AsnDatabase.fromCsv(
      file(
        'overlap.csv',
        [
          '16777216,16777727,64500,first', // 1.0.0.0–1.0.1.255
          '16777472,16777983,64501,second', // 1.0.1.0–1.0.2.255: from 1.0.2.0 on
          '16777600,16777727,64502,inside', // 1.0.1.128–1.0.1.255: dropped
          '16777856,16778239,64503,late', // 1.0.2.128–1.0.3.255: from 1.0.3.0 on
          // Enough rows after for the binary search to land among the ones above.
          '16778496,16778751,64504,x', // 1.0.5.0/24
          '16778752,16779007,64505,y',
          '16779008,16779263,64506,z',
        ].join('\n'),
      ),
    );
    const asns = ['1.0.1.200', '1.0.1.255', '1.0.2.0', '1.0.2.200', '1.0.2.255', '1.0.3.0', '1.0.3.255'].map(
      (ip) => db.lookup(ip)?.asn,
    );
    expect(asns).toEqual(['64500', '64500', '64501', '64501', '64501', '64503', '64503']);
    expect(db.lookup('1.0.4.0')).toBeUndefined();
    expect(db.lookup('1.0.5.0')?.asn).toBe('64504');
  });

  it('reads 128-bit IPv6 bounds', () => {
    const start = 0x2a00_1450_0000_0000_0000_0000_0000_0000n;
    const end = 0x2a00_1450_ffff_ffff_ffff_ffff_ffff_ffffn;
    const db = AsnDatabase.fromCsv(
      file('v4.csv', ''),
      file('v6.csv', `${start},${end},15169,Google LLC\n${end + 1n},${end + 2n ** 96n},64500,Next\n`),
    );
    expect(db.lookup('2a00:1450::')).toEqual({ asn: '15169', asn_org: 'Google LLC' });
    expect(db.lookup('2a00:1450:4001:82b::200e')?.asn).toBe('15169');
    expect(db.lookup('2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff')?.asn).toBe('15169');
    expect(db.lookup('2a00:1451::')?.asn).toBe('64500');
    expect(db.lookup('2a00:144f:ffff:ffff:ffff:ffff:ffff:ffff')).toBeUndefined();
  });

  it('refuses a file it cannot read or that is not in the layout, naming the file and line', () => {
    const cases: [string, string, RegExp][] = [
      ['letters.csv', '16777216,16777471,13335,a\nstart,end,asn,org\n', /line 2: expected a number/],
      ['short.csv', '16777216,16777471,13335\n', /line 1: expected 4 fields/],
      ['long.csv', '16777216,16777471,13335,a,b\n', /line 1: expected 4 fields/],
      ['quote.csv', '16777216,16777471,13335,"open\n', /line 1: expected a closing quote/],
      ['stray.csv', '16777216,16777471,13335,a"b\n', /line 1: expected a quote only around a whole field/],
      ['big.csv', '16777216,4294967296,13335,a\n', /line 1: expected a number of at most 32 bits/],
      ['reversed.csv', '16777471,16777216,13335,a\n', /line 1: expected a start at or before its end/],
      ['unsorted.csv', '16777472,16777727,1,a\n16777216,16777471,2,b\n', /line 2: expected rows sorted/],
    ];
    for (const [name, content, message] of cases) {
      const path = file(name, content);
      expect(() => AsnDatabase.fromCsv(path), name).toThrow(ConfigError);
      expect(() => AsnDatabase.fromCsv(path), name).toThrow(message);
      expect(() => AsnDatabase.fromCsv(path), name).toThrow(name);
    }
    expect(() => AsnDatabase.fromCsv(join(dir, 'missing.csv'))).toThrow(
      /missing\.csv: \(root\): not readable/,
    );
  });
});

describe('AsnDatabase.open', () => {
  it('reads a gzipped database', () => {
    const db = AsnDatabase.open(file('GeoLite2-ASN.mmdb.gz', gzipSync(readFileSync(ASN_MMDB))));
    expect(db.lookup(ipv4(FIRST.start))).toEqual(answer(FIRST));
    expect(db.path).toMatch(/GeoLite2-ASN\.mmdb\.gz$/);
  });

  it('gives nothing for a network with an ISP but no AS (GeoIP2-ISP has such)', () => {
    const db = AsnDatabase.open(
      file(
        'GeoIP2-ISP.mmdb',
        mmdb('GeoIP2-ISP', 6, [
          ['1.0.0.0/24', { isp: 'Some ISP', organization: 'Some ISP' }],
          ['1.0.1.0/24', { autonomous_system_number: 64500, isp: 'Other ISP', organization: 'Other' }],
        ]),
      ),
    );
    expect(db.lookup('1.0.0.1')).toBeUndefined();
    expect(db.lookup('1.0.1.1')).toEqual({ asn: '64500', asn_org: '' });
  });

  it('looks up no IPv6 address in an IPv4-only database', () => {
    // 2c0f:fff0::1 begins with the bits of 44.15.255.240: an IPv4 tree would answer for it.
    const db = AsnDatabase.open(
      file(
        'ipv4-only.mmdb',
        mmdb('GeoLite2-ASN', 4, [['44.15.255.0/24', { autonomous_system_number: 7377 }]]),
      ),
    );
    expect(db.lookup('44.15.255.240')).toEqual({ asn: '7377', asn_org: '' });
    expect(db.lookup('2c0f:fff0::1')).toBeUndefined();
  });

  it('refuses a file that is not a MaxMind database, naming it', () => {
    const path = file('not.mmdb', 'hello');
    expect(() => AsnDatabase.open(path)).toThrow(ConfigError);
    expect(() => AsnDatabase.open(path)).toThrow(/not\.mmdb: \(root\): not a readable MaxMind database/);
  });

  it('refuses a database without AS fields, such as a City database', () => {
    expect(() => AsnDatabase.open(GEO_TEST_DB)).toThrow(ConfigError);
    expect(() => AsnDatabase.open(GEO_TEST_DB)).toThrow(
      /GeoLite2-City\.mmdb\.gz: \(root\): a GeoIP2-City database has no autonomous system fields/,
    );
  });
});
