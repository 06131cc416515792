/**
 * Packet extraction: Metron's fixed filter (addresses, ports, protocol, include-reverse) plus
 * Community ID and a time window, run by DuckDB over the `pcap` table's files that can hold
 * the window, then an optional predicate per packet (a compiled Stellar filter), written in
 * time order as libpcap files (pcapng when the packets mix link types), in pages.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { extname, resolve } from 'node:path';
import { ipBytes, protocolNumber, UsageError } from '#core';
import { type AddFile, readSnapshot } from '../delta/log.js';
import { openDuckDb, sqlString } from '../duckdb.js';
import { openSql } from '../sql.js';
import { safeDataPath } from '../table.js';
import { PcapngWriter, PcapWriter } from './format.js';
import { formatIpv6 } from './ip-text.js';
import { PCAP_TABLE } from './store.js';

/** Metron's fixed filter, plus Community ID and a time window. Absent fields match anything. */
export interface PacketFilter {
  ipSrcAddr?: string;
  ipDstAddr?: string;
  ipSrcPort?: number;
  ipDstPort?: number;
  /** IP protocol number. */
  protocol?: number;
  /** Also match the other direction: addresses and ports swapped. */
  includeReverse?: boolean;
  communityId?: string;
  /** Epoch ms, inclusive. */
  startMs?: number;
  /** Epoch ms, exclusive. */
  endMs?: number;
}

/** One packet as a predicate sees it, with Metron's field names. */
export interface PacketRecord {
  timestamp: number;
  ts_sec: number;
  ts_nsec: number;
  ip_src_addr: string | null;
  ip_src_port: number | null;
  ip_dst_addr: string | null;
  ip_dst_port: number | null;
  protocol: number | null;
  vlan: number | null;
  caplen: number;
  len: number;
  linktype: number;
  community_id: string | null;
  packet: Uint8Array;
}

export interface PacketQueryOptions {
  filter: PacketFilter;
  /** Kept when it returns true; evaluated after the fixed filter. */
  predicate?: (packet: PacketRecord) => boolean;
  /** Output file. With `pageSize`, pages are `<name>-1<ext>`, `<name>-2<ext>`, …. */
  output: string;
  /** Packets per page; 0 or absent: one file. */
  pageSize?: number;
}

export interface PacketQuerySummary {
  packets: number;
  /** Captured bytes of the packets written. */
  bytes: number;
  /** Times of the first and last packet (epoch ms, fractional), when there is one. */
  firstMs?: number;
  lastMs?: number;
  /** Files written, in page order. */
  files: string[];
  /** `pcap`, or `pcapng` when the packets mix link types. */
  format: 'pcap' | 'pcapng';
  /** Nanosecond timestamps were written. */
  nanos: boolean;
  /** Data files of the table read, of those it has. */
  filesScanned: number;
  filesInTable: number;
}

/** An address as the table stores it; throws a usage error for anything that is not one. */
export function canonicalAddress(text: string, option: string): string {
  const t = text.trim();
  if (isIPv4(t)) return t;
  if (isIPv6(t)) {
    const bytes = ipBytes(t);
    if (bytes?.length === 16) return formatIpv6(bytes, 0);
  }
  throw new UsageError(`${option}: '${text}' is not an IPv4 or IPv6 address`);
}

const HOUR_MS = 3_600_000;

/**
 * "The packets of this event": the filter for an event (or alert) of the lake, by its guid —
 * its flow's Community ID when it has one, else its 5-tuple in both directions — over its time
 * ± `windowMs`. One call from an alert to the packets behind it.
 */
export async function filterForEvent(lakeDir: string, guid: string, windowMs: number): Promise<PacketFilter> {
  const session = await openSql(lakeDir);
  let row: Record<string, unknown> | undefined;
  try {
    const r = await session.query(
      'SELECT timestamp, ip_src_addr, ip_src_port, ip_dst_addr, ip_dst_port, protocol, community_id ' +
        `FROM events WHERE guid = ${sqlString(guid)} LIMIT 1`,
    );
    row = r.rows[0];
  } finally {
    session.close();
  }
  if (!row) throw new UsageError(`--event: no event with guid ${guid} in ${lakeDir}`);
  const ts = Number(row.timestamp);
  const filter: PacketFilter = { startMs: ts - windowMs, endMs: ts + windowMs + 1 };
  if (typeof row.community_id === 'string' && row.community_id !== '') {
    filter.communityId = row.community_id;
    return filter;
  }
  if (typeof row.ip_src_addr !== 'string' || typeof row.ip_dst_addr !== 'string')
    throw new UsageError(`--event: event ${guid} has no addresses to find its packets by`);
  filter.ipSrcAddr = canonicalAddress(row.ip_src_addr, "the event's ip_src_addr");
  filter.ipDstAddr = canonicalAddress(row.ip_dst_addr, "the event's ip_dst_addr");
  if (row.ip_src_port !== null && row.ip_src_port !== undefined) filter.ipSrcPort = Number(row.ip_src_port);
  if (row.ip_dst_port !== null && row.ip_dst_port !== undefined) filter.ipDstPort = Number(row.ip_dst_port);
  const proto = protocolNumber(row.protocol);
  if (proto !== undefined) filter.protocol = proto;
  filter.includeReverse = true;
  return filter;
}

/** Whether a data file can hold packets of the window, from its partition and statistics. */
function mayHold(add: AddFile, filter: PacketFilter): boolean {
  const start = filter.startMs ?? Number.NEGATIVE_INFINITY;
  const end = filter.endMs ?? Number.POSITIVE_INFINITY;
  const dt = add.partitionValues.dt;
  const hour = add.partitionValues.hour;
  if (dt && hour !== undefined && hour !== null) {
    const from = Date.parse(`${dt}T00:00:00Z`) + Number(hour) * HOUR_MS;
    if (Number.isFinite(from) && (from + HOUR_MS <= start || from >= end)) return false;
  }
  if (add.stats) {
    const stats = JSON.parse(add.stats) as {
      minValues?: Record<string, unknown>;
      maxValues?: Record<string, unknown>;
    };
    const lo = stats.minValues?.timestamp;
    const hi = stats.maxValues?.timestamp;
    if (typeof lo === 'number' && typeof hi === 'number' && (hi < start || lo >= end)) return false;
  }
  return true;
}

/** The WHERE clause of the fixed filter. */
function whereOf(f: PacketFilter): string {
  const all: string[] = [];
  if (f.startMs !== undefined) all.push(`timestamp >= ${Math.ceil(f.startMs)}`);
  if (f.endMs !== undefined) all.push(`timestamp < ${Math.ceil(f.endMs)}`);
  if (f.protocol !== undefined) all.push(`protocol = ${f.protocol}`);
  if (f.communityId !== undefined) all.push(`community_id = ${sqlString(f.communityId)}`);
  const direction = (src: string, dst: string): string[] => {
    const parts: string[] = [];
    if (f.ipSrcAddr !== undefined) parts.push(`${src}_addr = ${sqlString(f.ipSrcAddr)}`);
    if (f.ipDstAddr !== undefined) parts.push(`${dst}_addr = ${sqlString(f.ipDstAddr)}`);
    if (f.ipSrcPort !== undefined) parts.push(`${src}_port = ${f.ipSrcPort}`);
    if (f.ipDstPort !== undefined) parts.push(`${dst}_port = ${f.ipDstPort}`);
    return parts;
  };
  const forward = direction('ip_src', 'ip_dst');
  if (forward.length > 0) {
    const one = `(${forward.join(' AND ')})`;
    all.push(f.includeReverse ? `(${one} OR (${direction('ip_dst', 'ip_src').join(' AND ')}))` : one);
  }
  return all.length > 0 ? `WHERE ${all.join(' AND ')}` : '';
}

const COLUMNS =
  'timestamp::DOUBLE, ts_sec::DOUBLE, ts_nsec::DOUBLE, ip_src_addr, ip_src_port::DOUBLE, ip_dst_addr, ' +
  'ip_dst_port::DOUBLE, protocol::DOUBLE, vlan::DOUBLE, caplen::DOUBLE, len::DOUBLE, linktype::DOUBLE, community_id, packet';

/** Packets matching the filter, written to `options.output` (and further pages). */
export async function queryPackets(
  lakeDir: string,
  options: PacketQueryOptions,
): Promise<PacketQuerySummary> {
  const { filter } = options;
  if (filter.startMs !== undefined && filter.endMs !== undefined && filter.endMs <= filter.startMs) {
    throw new UsageError('the end time must be after the start time (start is inclusive, end exclusive)');
  }
  const tableDir = resolve(lakeDir, PCAP_TABLE);
  const snapshot = await readSnapshot(tableDir);
  const all = snapshot ? [...snapshot.files.values()] : [];
  const files = all.filter((a) => mayHold(a, filter));
  const summary: PacketQuerySummary = {
    packets: 0,
    bytes: 0,
    files: [],
    format: 'pcap',
    nanos: false,
    filesScanned: files.length,
    filesInTable: all.length,
  };
  const pageSize = options.pageSize && options.pageSize > 0 ? options.pageSize : Number.POSITIVE_INFINITY;
  const ext = extname(options.output);
  const stem = ext ? options.output.slice(0, -ext.length) : options.output;
  const pagePath = (n: number) =>
    Number.isFinite(pageSize) ? `${stem}-${n}${ext || '.pcap'}` : options.output;

  const db = await openDuckDb();
  try {
    const source =
      files.length === 0
        ? undefined
        : `read_parquet([${files.map((a) => sqlString(safeDataPath(tableDir, a.path, 'packet queries read only the lake'))).join(', ')}])`;
    const where = whereOf(filter);
    // The output format is fixed before the first packet: one link type → libpcap, several →
    // pcapng; nanosecond timestamps when any candidate has a sub-microsecond part.
    let linktypes: number[] = [1];
    if (source) {
      const shape = await db.connection.runAndReadAll(
        `SELECT linktype::DOUBLE, bool_or(ts_nsec % 1000 <> 0) FROM ${source} ${where} GROUP BY 1 ORDER BY 1`,
      );
      const rows = shape.getRows() as [number, boolean][];
      if (rows.length > 0) linktypes = rows.map((r) => r[0]);
      summary.nanos = rows.some((r) => r[1] === true);
    }
    summary.format = linktypes.length > 1 ? 'pcapng' : 'pcap';
    const openPage = async (n: number) => {
      const path = pagePath(n);
      summary.files.push(path);
      return summary.format === 'pcap'
        ? { pcap: await PcapWriter.open(path, { linktype: linktypes[0] as number, nanos: summary.nanos }) }
        : { pcapng: await PcapngWriter.open(path, { nanos: summary.nanos }) };
    };
    let page = await openPage(1);
    let inPage = 0;
    if (source) {
      const result = await db.connection.stream(
        `SELECT ${COLUMNS} FROM ${source} ${where} ORDER BY ts_sec, ts_nsec, seq`,
      );
      for (
        let chunk = await result.fetchChunk();
        chunk && chunk.rowCount > 0;
        chunk = await result.fetchChunk()
      ) {
        const col = (i: number) => chunk.getColumnVector(i);
        const v = Array.from({ length: 14 }, (_, i) => col(i));
        for (let r = 0; r < chunk.rowCount; r++) {
          const record: PacketRecord = {
            timestamp: v[0]?.getItem(r) as number,
            ts_sec: v[1]?.getItem(r) as number,
            ts_nsec: v[2]?.getItem(r) as number,
            ip_src_addr: v[3]?.getItem(r) as string | null,
            ip_src_port: v[4]?.getItem(r) as number | null,
            ip_dst_addr: v[5]?.getItem(r) as string | null,
            ip_dst_port: v[6]?.getItem(r) as number | null,
            protocol: v[7]?.getItem(r) as number | null,
            vlan: v[8]?.getItem(r) as number | null,
            caplen: v[9]?.getItem(r) as number,
            len: v[10]?.getItem(r) as number,
            linktype: v[11]?.getItem(r) as number,
            community_id: v[12]?.getItem(r) as string | null,
            packet: (v[13] as unknown as { getItemBytes(i: number): Uint8Array }).getItemBytes(r),
          };
          if (options.predicate && !options.predicate(record)) continue;
          if (inPage >= pageSize) {
            await closePage(page);
            page = await openPage(summary.files.length + 1);
            inPage = 0;
          }
          const full = page.pcap
            ? !page.pcap.write(record.ts_sec, record.ts_nsec, record.len, record.packet)
            : !page.pcapng?.write(record.linktype, record.ts_sec, record.ts_nsec, record.len, record.packet);
          if (full) await (page.pcap ?? page.pcapng)?.drain();
          inPage++;
          summary.packets++;
          summary.bytes += record.caplen;
          const ms = record.ts_sec * 1000 + record.ts_nsec / 1e6;
          summary.firstMs ??= ms;
          summary.lastMs = ms;
        }
      }
    }
    await closePage(page);
    return summary;
  } finally {
    db.close();
  }
}

async function closePage(page: { pcap?: PcapWriter; pcapng?: PcapngWriter }): Promise<void> {
  await (page.pcap ?? page.pcapng)?.close();
}
