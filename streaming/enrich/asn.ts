import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIPv6 } from 'node:net';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { type AsnResponse, Reader } from 'maxmind';
import { ConfigError } from '#core';
import { isPublicIPv4 } from './geo.js';
import { RecentAnswers } from './recent.js';

/**
 * The autonomous system an IP address belongs to, for the geo enrichment's ASN fields: `asn` (the
 * AS number as text, e.g. `"13335"`) and `asn_org` (its organisation, `""` where the database has
 * none). Like Metron's geo lookup, only public addresses are looked up: for IPv4 the addresses
 * {@link isPublicIPv4} accepts; for IPv6 global unicast (2000::/3) but not the special-purpose
 * blocks in it that ipaddr.js knows (documentation, benchmarking, ORCHID, AS112, AMT, and 6to4
 * and Teredo, whose addresses name a relay rather than a host). An IPv4-mapped IPv6 address
 * (`::ffff:a.b.c.d`) is looked up as its IPv4 address.
 *
 * The sources: the ip-location-db ASN tables that install with Palisade from npm
 * (`@ip-location-db/asn`, CC BY 4.0 — RouteViews (routeviews.org), the five RIRs' statistics
 * via the NRO (nro.net) and DB-IP's IP to ASN Lite ("IP Geolocation by DB-IP", https://db-ip.com)),
 * the same tables from a newer ip-location-db release, or a customer's MaxMind GeoLite2-ASN /
 * GeoIP2-ISP `.mmdb`.
 */

const ASN_PACKAGE = dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));

/** The ip-location-db ASN tables that install with Palisade: `start,end,asn,org`, numeric bounds. */
export const BUNDLED_ASN_CSV = {
  ipv4: join(ASN_PACKAGE, 'asn-ipv4-num.csv'),
  ipv6: join(ASN_PACKAGE, 'asn-ipv6-num.csv'),
} as const;

/** The ASN fields of an address, as the enrichment writes them (strings, as Metron's fields are). */
export interface AsnFields {
  /** The AS number in decimal. */
  readonly asn: string;
  /** The AS's organisation; `""` when the database has none. */
  readonly asn_org: string;
}

/** Addresses whose answer is kept, at most. */
const CACHE_MAX = 65_536;

/** Where the answers come from: the bundled tables or a MaxMind reader. */
interface AsnSource {
  /** A public IPv4 address, already checked. */
  ipv4(ip: string): AsnFields | undefined;
  /** A public IPv6 address, already parsed and checked. */
  ipv6(address: ipaddr.IPv6): AsnFields | undefined;
}

/** IP address → autonomous system (number and organisation), cached; see the module notes above. */
export class AsnDatabase {
  private static shared: AsnDatabase | undefined;
  private readonly cache = new RecentAnswers<AsnFields>(CACHE_MAX);

  private constructor(
    private readonly source: AsnSource,
    /** The file it was read from (for CSV tables, the IPv4 one). */
    readonly path: string,
  ) {}

  /**
   * The ip-location-db tables that install with Palisade (IPv4 and IPv6), read on first use and
   * shared by every caller in the process: they are ~10 MB in memory and never change.
   */
  static bundled(): AsnDatabase {
    AsnDatabase.shared ??= AsnDatabase.fromCsv(BUNDLED_ASN_CSV.ipv4, BUNDLED_ASN_CSV.ipv6);
    return AsnDatabase.shared;
  }

  /**
   * Tables in ip-location-db's numeric CSV layout (`asn-ipv4-num.csv`, `asn-ipv6-num.csv`), e.g.
   * from a newer release than the bundled one; without an IPv6 table no IPv6 address is found.
   * A file that cannot be read or is not in that layout is a ConfigError naming it (and the line).
   */
  static fromCsv(ipv4: string, ipv6?: string): AsnDatabase {
    // One organisation table for both families: most IPv6 holders also hold IPv4.
    const ids = new Map<string, number>();
    const table: string[] = [];
    const v4 = loadRanges(ipv4, 1, ids, table);
    const v6 = ipv6 === undefined ? NO_RANGES : loadRanges(ipv6, 4, ids, table);
    return new AsnDatabase(new CsvAsn(v4, v6, table), ipv4);
  }

  /**
   * Open a MaxMind ASN or ISP database (`.mmdb`, or `.mmdb.gz`). A file that is not a MaxMind
   * database, or is one without ASN fields (a City or Country database given by mistake), is a
   * ConfigError naming it: better refused at start-up than enriching nothing, silently.
   */
  static open(path: string): AsnDatabase {
    let reader: Reader<AsnResponse>;
    try {
      let bytes = readFileSync(path);
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
      reader = new Reader<AsnResponse>(bytes);
    } catch (e) {
      throw new ConfigError([
        { file: path, path: '', message: `not a readable MaxMind database: ${(e as Error).message}` },
      ]);
    }
    // GeoLite2-ASN, GeoIP2-ISP and DB-IP's ASN databases all name themselves so; a City or
    // Country database reads fine but has no AS fields in its records.
    const type = reader.metadata.databaseType;
    if (!/ASN|ISP/i.test(type))
      throw new ConfigError([
        {
          file: path,
          path: '',
          message: `a ${type} database has no autonomous system fields; give a GeoLite2-ASN or GeoIP2-ISP database`,
        },
      ]);
    return new AsnDatabase(new MaxMindAsn(reader), path);
  }

  /** The ASN fields of an address; undefined when it is not looked up or not found. */
  lookup(ip: string): AsnFields | undefined {
    // Addresses repeat heavily in security telemetry: recent answers are kept.
    return this.cache.through(ip, () => this.find(ip));
  }

  private find(ip: string): AsnFields | undefined {
    if (isPublicIPv4(ip)) return this.source.ipv4(ip);
    // A zone index names a local interface, so the address is not a public one.
    if (!isIPv6(ip) || ip.includes('%')) return undefined;
    const address = ipaddr.IPv6.parse(ip);
    if (address.isIPv4MappedAddress()) {
      const v4 = address.toIPv4Address().toString();
      return isPublicIPv4(v4) ? this.source.ipv4(v4) : undefined;
    }
    const top = address.parts[0] ?? 0;
    return top >= 0x2000 && top <= 0x3fff && address.range() === 'unicast'
      ? this.source.ipv6(address)
      : undefined;
  }
}

/** An answer; frozen because answers are cached and shared between callers. */
function fields(asn: number, org: string): AsnFields {
  return Object.freeze({ asn: String(asn), asn_org: org });
}

class MaxMindAsn implements AsnSource {
  constructor(private readonly reader: Reader<AsnResponse>) {}

  ipv4(ip: string): AsnFields | undefined {
    return this.get(ip);
  }

  ipv6(address: ipaddr.IPv6): AsnFields | undefined {
    // An IPv4-only tree would read an IPv6 address's first 32 bits as an IPv4 address.
    return this.reader.metadata.ipVersion === 6 ? this.get(address.toString()) : undefined;
  }

  private get(ip: string): AsnFields | undefined {
    const r = this.reader.get(ip);
    // GeoIP2-ISP has networks with an ISP but no AS.
    if (r === null || typeof r.autonomous_system_number !== 'number') return undefined;
    return fields(r.autonomous_system_number, r.autonomous_system_organization ?? '');
  }
}

/**
 * Address ranges of one family, sorted and disjoint: row `i` covers `starts` to `ends` (inclusive),
 * each bound `words` big-endian 32-bit words (1 for IPv4, 4 for IPv6), AS `asns[i]`, organisation
 * `table[orgs[i]]`. Typed arrays rather than row objects: ~400 000 IPv4 rows cost 16 bytes each
 * and nothing for the garbage collector to trace.
 */
interface Ranges {
  readonly words: number;
  readonly count: number;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly asns: Uint32Array;
  readonly orgs: Uint32Array;
}

class CsvAsn implements AsnSource {
  // One key per source, reused: lookups are synchronous, so no two are in flight.
  private readonly key4 = new Uint32Array(1);
  private readonly key6 = new Uint32Array(4);

  constructor(
    private readonly v4: Ranges,
    private readonly v6: Ranges,
    private readonly table: readonly string[],
  ) {}

  ipv4(ip: string): AsnFields | undefined {
    this.key4[0] = ipv4Number(ip);
    return this.answer(this.v4, this.key4);
  }

  ipv6(address: ipaddr.IPv6): AsnFields | undefined {
    const p = address.parts;
    for (let w = 0; w < 4; w++) this.key6[w] = ((p[2 * w] ?? 0) * 0x1_0000 + (p[2 * w + 1] ?? 0)) >>> 0;
    return this.answer(this.v6, this.key6);
  }

  private answer(r: Ranges, key: Uint32Array): AsnFields | undefined {
    const i = findRange(r, key);
    return i < 0 ? undefined : fields(r.asns[i] ?? 0, this.table[r.orgs[i] ?? 0] ?? '');
  }
}

/** The row whose range holds `key`, or -1 (before the first range, or in a gap between two). */
function findRange(r: Ranges, key: Uint32Array): number {
  // The last row starting at or before the key is the only one that can hold it.
  let lo = 0;
  let hi = r.count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(r.starts, mid * r.words, key, 0, r.words) <= 0) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found >= 0 && compare(r.ends, found * r.words, key, 0, r.words) >= 0 ? found : -1;
}

/** Sign of (the number at `ai` in `a`) − (the number at `bi` in `b`), both `words` big-endian words. */
function compare(a: Uint32Array, ai: number, b: Uint32Array, bi: number, words: number): number {
  for (let w = 0; w < words; w++) {
    const d = (a[ai + w] ?? 0) - (b[bi + w] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A dotted IPv4 address already validated by {@link isPublicIPv4}, as a number. */
function ipv4Number(ip: string): number {
  let n = 0;
  let octet = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 0x2e) {
      n = n * 256 + octet;
      octet = 0;
    } else octet = octet * 10 + c - 0x30;
  }
  return n * 256 + octet;
}

const NO_RANGES: Ranges = {
  words: 4,
  count: 0,
  starts: new Uint32Array(0),
  ends: new Uint32Array(0),
  asns: new Uint32Array(0),
  orgs: new Uint32Array(0),
};

/**
 * Reads an ip-location-db `-num.csv` table (`start,end,asn,org`, no header, bounds inclusive,
 * rows sorted by start) straight from its bytes: numbers are read without making strings, and
 * organisations are interned into `table`.
 *
 * The data has overlapping rows (in the bundled IPv4 table, one: 214.95.0.0–215.0.255.255
 * and 215.0.0.0–215.1.3.255): the first row keeps the overlap, so a later row is clipped to
 * start after it, or dropped when it lies within it — which keeps the ranges disjoint and
 * sorted for the binary search. A row starting before the previous one, or a malformed row,
 * is a ConfigError naming the file and line: guessing would give wrong answers.
 */
function loadRanges(file: string, words: 1 | 4, ids: Map<string, number>, table: string[]): Ranges {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ConfigError([{ file, path: '', message: `not readable: ${(e as Error).message}` }]);
  }
  const csv = new CsvCursor(bytes, file);
  const capacity = csv.lineCount();
  const starts = new Uint32Array(capacity * words);
  const ends = new Uint32Array(capacity * words);
  const asns = new Uint32Array(capacity);
  const orgs = new Uint32Array(capacity);
  // The previous row's start as read, before any clipping, for the sort check.
  const lastStart = new Uint32Array(words);
  // Each row's organisation as raw bytes in the file, and an AS's row to compare against.
  const orgFrom = new Uint32Array(capacity);
  const orgTo = new Uint32Array(capacity);
  const rowOfAsn = new Map<number, number>();
  let n = 0;
  while (csv.skipBlankLines()) {
    const at = n * words;
    if (words === 1) {
      starts[at] = csv.uint32();
      ends[at] = csv.uint32();
    } else {
      csv.uint128(starts, at);
      csv.uint128(ends, at);
    }
    const asn = csv.uint32();
    asns[n] = asn;
    csv.textField();
    csv.endOfRow();
    if (compare(starts, at, ends, at, words) > 0) csv.fail('a start at or before its end');
    if (n > 0 && compare(starts, at, lastStart, 0, words) < 0) csv.fail('rows sorted by start');
    for (let w = 0; w < words; w++) lastStart[w] = starts[at + w] ?? 0;
    const prev = at - words;
    if (n > 0 && compare(starts, at, ends, prev, words) <= 0) {
      if (compare(ends, at, ends, prev, words) <= 0) continue;
      for (let w = 0; w < words; w++) starts[at + w] = ends[prev + w] ?? 0;
      increment(starts, at, words);
    }
    // Decoding and hashing ~400 000 organisation strings was most of the load time. An AS has
    // one organisation in the data, so a row whose organisation's bytes equal those of an
    // earlier row of its AS takes that row's id without making a string.
    orgFrom[n] = csv.fieldFrom;
    orgTo[n] = csv.fieldTo;
    const seen = rowOfAsn.get(asn);
    let id: number | undefined;
    if (seen !== undefined && csv.sameField(orgFrom[seen] ?? 0, orgTo[seen] ?? 0)) id = orgs[seen] ?? 0;
    else {
      const org = csv.fieldText();
      id = ids.get(org);
      if (id === undefined) {
        id = table.length;
        table.push(org);
        ids.set(org, id);
      }
      rowOfAsn.set(asn, n);
    }
    orgs[n] = id;
    n++;
  }
  // Views of the first n rows: the few spare rows (a trailing newline, dropped rows) cost less
  // than copying the arrays.
  return {
    words,
    count: n,
    starts: starts.subarray(0, n * words),
    ends: ends.subarray(0, n * words),
    asns: asns.subarray(0, n),
    orgs: orgs.subarray(0, n),
  };
}

/** Adds one to the `words`-word big-endian number at `at`. */
function increment(a: Uint32Array, at: number, words: number): void {
  for (let w = at + words - 1; w >= at; w--) {
    a[w] = ((a[w] ?? 0) + 1) >>> 0;
    if (a[w] !== 0) return;
  }
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const WORD = 0x1_0000_0000;

/**
 * RFC 4180 CSV read field by field from bytes: a field is bare (up to a comma or line end) or
 * quoted (commas and line breaks are text, `""` is a quote); lines end in LF or CRLF.
 */
class CsvCursor {
  /** The last text field's raw bytes: `bytes[fieldFrom]` up to `bytes[fieldTo]`, excluded. */
  fieldFrom = 0;
  fieldTo = 0;
  private pos = 0;
  private rowEnded = true;

  constructor(
    private readonly bytes: Buffer,
    private readonly file: string,
  ) {}

  /** An upper bound on the rows, to size the arrays once. */
  lineCount(): number {
    let lines = 1;
    for (let i = this.bytes.indexOf(LF); i >= 0; i = this.bytes.indexOf(LF, i + 1)) lines++;
    return lines;
  }

  /** Moves to the next row's first field; false at the end of the file. */
  skipBlankLines(): boolean {
    const b = this.bytes;
    while (b[this.pos] === LF || (b[this.pos] === CR && b[this.pos + 1] === LF))
      this.pos += b[this.pos] === CR ? 2 : 1;
    this.rowEnded = false;
    return this.pos < b.length;
  }

  /** An unsigned decimal field of at most 32 bits (an IPv4 address, an AS number). */
  uint32(): number {
    const b = this.bytes;
    const quoted = this.startField();
    const first = this.pos;
    let n = 0;
    for (let c = b[this.pos]; c !== undefined && c >= 0x30 && c <= 0x39; c = b[++this.pos])
      n = n * 10 + c - 0x30;
    this.endNumber(quoted, first);
    if (n > 0xffff_ffff) this.fail('a number of at most 32 bits');
    return n;
  }

  /**
   * An unsigned decimal field of at most 128 bits (an IPv6 address), written into `out` at `at`
   * as 4 big-endian 32-bit words: it does not fit a double, and BigInt would allocate.
   */
  uint128(out: Uint32Array, at: number): void {
    const b = this.bytes;
    const quoted = this.startField();
    const first = this.pos;
    out.fill(0, at, at + 4);
    // Up to 4 digits at a time: a word × 10 000 + carry stays below 2^53, so exact.
    for (;;) {
      let chunk = 0;
      let scale = 1;
      for (
        let c = b[this.pos];
        scale < 10_000 && c !== undefined && c >= 0x30 && c <= 0x39;
        c = b[++this.pos]
      ) {
        chunk = chunk * 10 + c - 0x30;
        scale *= 10;
      }
      if (scale === 1) break;
      let carry = chunk;
      for (let w = at + 3; w >= at; w--) {
        const x = (out[w] ?? 0) * scale + carry;
        carry = Math.floor(x / WORD);
        out[w] = x - carry * WORD;
      }
      if (carry !== 0) this.fail('a number of at most 128 bits');
    }
    this.endNumber(quoted, first);
  }

  /** Moves past a text field, whose raw bytes (quotes included) are then `fieldFrom`–`fieldTo`. */
  textField(): void {
    const b = this.bytes;
    if (this.rowEnded) this.fail('4 fields');
    this.fieldFrom = this.pos;
    if (b[this.pos] === QUOTE) {
      // Quotes inside are doubled, so the first quote not followed by another closes the field.
      let q = this.pos;
      for (;;) {
        q = b.indexOf(QUOTE, q + 1);
        if (q < 0) this.fail('a closing quote');
        if (b[q + 1] !== QUOTE) break;
        q++;
      }
      this.pos = q + 1;
    } else {
      for (let c = b[this.pos]; c !== undefined && c !== COMMA && c !== LF && c !== CR; c = b[++this.pos])
        if (c === QUOTE) this.fail('a quote only around a whole field');
    }
    this.fieldTo = this.pos;
    this.endField();
  }

  /** The last text field, unquoted, from UTF-8. */
  fieldText(): string {
    const b = this.bytes;
    if (b[this.fieldFrom] !== QUOTE) return b.toString('utf8', this.fieldFrom, this.fieldTo);
    const inner = b.toString('utf8', this.fieldFrom + 1, this.fieldTo - 1);
    // textField checked that quotes inside come in pairs.
    return inner.includes('"') ? inner.replaceAll('""', '"') : inner;
  }

  /** Whether the last text field's raw bytes equal those at `from`–`to`. */
  sameField(from: number, to: number): boolean {
    if (to - from !== this.fieldTo - this.fieldFrom) return false;
    const b = this.bytes;
    for (let i = from, j = this.fieldFrom; i < to; i++, j++) if (b[i] !== b[j]) return false;
    return true;
  }

  /** The row must end here. */
  endOfRow(): void {
    if (!this.rowEnded) this.fail('4 fields');
  }

  /** A ConfigError at the current line: what was expected there. */
  fail(expected: string): never {
    // Counted only here: a failure is rare, counting every line is not free. Once a row has
    // ended the cursor is past its line end.
    const at = this.rowEnded ? this.pos - 1 : this.pos;
    let line = 1;
    for (let i = this.bytes.indexOf(LF); i >= 0 && i < at; i = this.bytes.indexOf(LF, i + 1)) line++;
    throw new ConfigError([
      {
        file: this.file,
        path: `line ${line}`,
        message: `expected ${expected}, in ip-location-db's numeric ASN layout (start,end,asn,org)`,
      },
    ]);
  }

  /** Whether the field is quoted; moves past the quote. */
  private startField(): boolean {
    if (this.rowEnded) this.fail('4 fields');
    if (this.bytes[this.pos] !== QUOTE) return false;
    this.pos++;
    return true;
  }

  private endNumber(quoted: boolean, first: number): void {
    if (this.pos === first) this.fail('a number');
    if (quoted && this.bytes[this.pos++] !== QUOTE) this.fail('a closing quote');
    this.endField();
  }

  private endField(): void {
    const b = this.bytes;
    const c = b[this.pos];
    if (c === COMMA) this.pos++;
    else if (c === LF) {
      this.pos++;
      this.rowEnded = true;
    } else if (c === CR && b[this.pos + 1] === LF) {
      this.pos += 2;
      this.rowEnded = true;
    } else if (this.pos >= b.length) this.rowEnded = true;
    else this.fail('a comma or a line end after the field');
  }
}
