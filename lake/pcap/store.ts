/**
 * The `pcap` table's writer: decoded packets, partitioned by day and hour, written as
 * uncompressed PLAIN Parquet (see parquet-plain.ts for why) with Delta file statistics, then
 * committed in one Delta commit. Rows within a batch go in time order (ties in capture order);
 * the packet bytes are stored exactly as captured.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AddFile } from '../delta/log.js';
import { CODEC_TAG, type DeltaStruct, SCHEMA_TAG, schemaTag } from '../delta/schema.js';
import { STATS_STRING_LIMIT } from '../delta/stats.js';
import { type PlainColumn, type PlainData, PlainParquetWriter, type PlainStats } from '../parquet-plain.js';
import { type AppendOptions, type AppendResult, commitWrittenFiles } from '../table.js';
import { type Partition, partitioner, SYSTEM_TABLES, type TableSpec } from '../tables.js';
import type { Decoded } from './decode.js';
import type { PacketBatch } from './format.js';

export const PCAP_TABLE = 'pcap';

/**
 * Decoded packets, column by column: a read batch plus what decoding found; -1 in a number
 * column and null in a text column mean "none". `seq` is the position in the source: the
 * packet number in a file, or the Kafka offset.
 */
export interface PacketColumns
  extends Pick<PacketBatch, 'count' | 'tsSec' | 'tsNsec' | 'caplen' | 'len' | 'linktype' | 'seq'> {
  /** The buffer all the packets lie in: packet `i` is `chunk[offset[i] .. offset[i] + caplen[i])`. */
  chunk: Uint8Array;
  offset: Float64Array;
  srcAddr: readonly (string | null)[];
  dstAddr: readonly (string | null)[];
  srcPort: Float64Array;
  dstPort: Float64Array;
  protocol: Float64Array;
  vlan: Float64Array;
  communityId: readonly (string | null)[];
  /** Rows with the same number ≥ 0 have the same three texts ({@link Decoded.flow}). */
  flow: Int32Array;
}

/** Columns every packet has; the rest are null when the packet is not IP or has no ports. */
const REQUIRED: ReadonlySet<string> = new Set([
  'timestamp',
  'ts_sec',
  'ts_nsec',
  'caplen',
  'len',
  'linktype',
  'packet',
  'seq',
]);
const PLAIN_TYPE: Record<string, PlainColumn['type']> = {
  long: 'int64',
  double: 'double',
  string: 'string',
  binary: 'binary',
};

/** The files' columns: the table's declared ones (tables.ts), in order. */
export const PCAP_SCHEMA: DeltaStruct = {
  type: 'struct',
  fields: [...(SYSTEM_TABLES.pcap as TableSpec).columns],
};

/** The same columns as the Parquet writer takes them. */
export const PCAP_COLUMNS: readonly PlainColumn[] = PCAP_SCHEMA.fields.map((f) => ({
  name: f.name,
  type: PLAIN_TYPE[f.type as string] as PlainColumn['type'],
  optional: !REQUIRED.has(f.name),
}));

export interface PcapStoreOptions {
  /** Rows per row group (default 131,072). */
  rowGroupRows?: number;
  /** A row group is also closed once its packets reach this many bytes (default 64 MiB). */
  rowGroupBytes?: number;
  /** A file is closed once it reaches this many bytes (default 1 GiB). */
  fileBytes?: number;
}

/** One text column of a row group: its distinct values in order of first use, and per row an index. */
class TextColumn {
  readonly dictionary: string[] = [];
  readonly indices: Int32Array;
  private readonly index = new Map<string, number>();

  constructor(capacity: number) {
    this.indices = new Int32Array(capacity);
  }

  /** `text`'s index in the dictionary (added when new); -1 for null. */
  id(text: string | null | undefined): number {
    if (text === null || text === undefined) return -1;
    let id = this.index.get(text);
    if (id === undefined) {
      id = this.dictionary.length;
      this.index.set(text, id);
      this.dictionary.push(text);
    }
    return id;
  }

  reset(): void {
    this.dictionary.length = 0;
    this.index.clear();
  }
}

/** Slots of a row group's flow → text indices cache; a power of two. */
const FLOW_SLOTS = 1 << 14;

/**
 * One row group being filled for one hour partition, column by column in the shapes the
 * Parquet writer takes, and refilled once written. The packets are not copied here: a row keeps
 * its offset into the read buffer, and the writer copies the bytes into the page.
 */
class GroupBuilder {
  rows = 0;
  bytes = 0;
  readonly timestamp: Float64Array;
  readonly tsSec: Float64Array;
  readonly tsNsec: Float64Array;
  readonly srcPort: Float64Array;
  readonly dstPort: Float64Array;
  readonly protocol: Float64Array;
  readonly vlan: Float64Array;
  readonly caplen: Float64Array;
  readonly len: Float64Array;
  readonly linktype: Float64Array;
  readonly seq: Float64Array;
  readonly offset: Float64Array;
  /** Consecutive rows that lie in one buffer. */
  readonly runs: { buffer: Uint8Array; rows: number }[] = [];
  readonly src: TextColumn;
  readonly dst: TextColumn;
  readonly community: TextColumn;
  /**
   * The three text indices of the flows seen in this group, direct-mapped by flow number: a
   * packet of a known flow costs a compare instead of three dictionary look-ups by string.
   */
  private readonly flowKeys = new Int32Array(FLOW_SLOTS).fill(-1);
  private readonly flowTexts = new Int32Array(FLOW_SLOTS * 3);

  constructor(capacity: number) {
    const numbers = () => new Float64Array(capacity);
    this.timestamp = numbers();
    this.tsSec = numbers();
    this.tsNsec = numbers();
    this.srcPort = numbers();
    this.dstPort = numbers();
    this.protocol = numbers();
    this.vlan = numbers();
    this.caplen = numbers();
    this.len = numbers();
    this.linktype = numbers();
    this.seq = numbers();
    this.offset = numbers();
    this.src = new TextColumn(capacity);
    this.dst = new TextColumn(capacity);
    this.community = new TextColumn(capacity);
  }

  /** Append rows `from` to `to` of `b`, in `order` when given (else as they are). */
  append(b: PacketColumns, order: Uint32Array | undefined, from: number, to: number): void {
    const { timestamp, tsSec, tsNsec, srcPort, dstPort, protocol, vlan, caplen, len, linktype, seq, offset } =
      this;
    const { src, dst, community, flowKeys, flowTexts } = this;
    const srcIds = src.indices;
    const dstIds = dst.indices;
    const communityIds = community.indices;
    let r = this.rows;
    let bytes = 0;
    for (let k = from; k < to; k++, r++) {
      const i = order === undefined ? k : (order[k] as number);
      const sec = b.tsSec[i] as number;
      const nsec = b.tsNsec[i] as number;
      timestamp[r] = sec * 1000 + Math.floor(nsec / 1_000_000);
      tsSec[r] = sec;
      tsNsec[r] = nsec;
      // -1 stays -1: the writer reads a negative number in an optional column as null.
      srcPort[r] = b.srcPort[i] as number;
      dstPort[r] = b.dstPort[i] as number;
      protocol[r] = b.protocol[i] as number;
      vlan[r] = b.vlan[i] as number;
      const size = b.caplen[i] as number;
      caplen[r] = size;
      len[r] = b.len[i] as number;
      linktype[r] = b.linktype[i] as number;
      seq[r] = b.seq[i] as number;
      offset[r] = b.offset[i] as number;
      bytes += size;
      const flow = b.flow[i] as number;
      if (flow < 0) {
        srcIds[r] = src.id(b.srcAddr[i]);
        dstIds[r] = dst.id(b.dstAddr[i]);
        communityIds[r] = community.id(b.communityId[i]);
        continue;
      }
      const slot = flow & (FLOW_SLOTS - 1);
      const t = slot * 3;
      if (flowKeys[slot] !== flow) {
        flowKeys[slot] = flow;
        flowTexts[t] = src.id(b.srcAddr[i]);
        flowTexts[t + 1] = dst.id(b.dstAddr[i]);
        flowTexts[t + 2] = community.id(b.communityId[i]);
      }
      srcIds[r] = flowTexts[t] as number;
      dstIds[r] = flowTexts[t + 1] as number;
      communityIds[r] = flowTexts[t + 2] as number;
    }
    // A batch lies in one buffer, and so may the batch before it.
    const last = this.runs[this.runs.length - 1];
    if (last !== undefined && last.buffer === b.chunk) last.rows += to - from;
    else this.runs.push({ buffer: b.chunk, rows: to - from });
    this.rows = r;
    this.bytes += bytes;
  }

  data(): PlainData[] {
    const n = this.rows;
    const numbers = (a: Float64Array): PlainData => ({ numbers: a.subarray(0, n) });
    const text = (c: TextColumn): PlainData => ({
      dictionary: c.dictionary,
      indices: c.indices.subarray(0, n),
    });
    return PCAP_COLUMNS.map((c): PlainData => {
      switch (c.name) {
        case 'timestamp':
          return numbers(this.timestamp);
        case 'ts_sec':
          return numbers(this.tsSec);
        case 'ts_nsec':
          return numbers(this.tsNsec);
        case 'ip_src_addr':
          return text(this.src);
        case 'ip_src_port':
          return numbers(this.srcPort);
        case 'ip_dst_addr':
          return text(this.dst);
        case 'ip_dst_port':
          return numbers(this.dstPort);
        case 'protocol':
          return numbers(this.protocol);
        case 'vlan':
          return numbers(this.vlan);
        case 'caplen':
          return numbers(this.caplen);
        case 'len':
          return numbers(this.len);
        case 'linktype':
          return numbers(this.linktype);
        case 'community_id':
          return text(this.community);
        case 'packet':
          return { runs: this.runs, offset: this.offset.subarray(0, n), length: this.caplen.subarray(0, n) };
        case 'seq':
          return numbers(this.seq);
        default:
          throw new Error(`pcap column ${c.name} has no builder`);
      }
    });
  }

  /** Empty, for the next row group (the writer has copied everything it was given). */
  reset(): void {
    this.rows = 0;
    this.bytes = 0;
    this.runs.length = 0;
    this.src.reset();
    this.dst.reset();
    this.community.reset();
    this.flowKeys.fill(-1);
  }
}

/** An hour partition: its open file and the row group being filled. */
interface Hour {
  partition: Partition;
  file: PlainParquetWriter | undefined;
  path: string;
  group: GroupBuilder;
}

/** Writes packets to new files of the `pcap` table; {@link finish} commits them. */
export class PcapStore {
  private readonly hours = new Map<number, Hour>();
  private readonly adds: AddFile[] = [];
  private readonly written: string[] = [];
  private readonly partitionOf = partitioner('day-hour');
  private readonly rowGroupRows: number;
  private readonly rowGroupBytes: number;
  private readonly fileBytes: number;
  private readonly tableDir: string;
  private packets = 0;
  private bytes = 0;

  constructor(
    readonly lakeDir: string,
    options: PcapStoreOptions = {},
  ) {
    this.tableDir = join(lakeDir, PCAP_TABLE);
    this.rowGroupRows = options.rowGroupRows ?? 131_072;
    this.rowGroupBytes = options.rowGroupBytes ?? 64 << 20;
    this.fileBytes = options.fileBytes ?? 1 << 30;
  }

  /** Packets added so far. */
  get packetCount(): number {
    return this.packets;
  }

  /** Captured bytes added so far. */
  get packetBytes(): number {
    return this.bytes;
  }

  /** Add a batch of decoded packets. */
  async add(batch: PacketColumns): Promise<void> {
    const order = timeOrder(batch);
    const { tsSec, caplen, count } = batch;
    const row = (k: number): number => (order === undefined ? k : (order[k] as number));
    let k = 0;
    while (k < count) {
      const key = Math.floor((tsSec[row(k)] as number) / 3600);
      const hour = this.hourFor(key);
      const g = hour.group;
      // The run of rows from k that go to this hour's row group: up to the hour's end, or the
      // row that fills the group (by rows or bytes), whichever comes first.
      const room = k + this.rowGroupRows - g.rows;
      let bytes = g.bytes;
      let end = k;
      do bytes += caplen[row(end++)] as number;
      while (
        end < count &&
        end < room &&
        bytes < this.rowGroupBytes &&
        Math.floor((tsSec[row(end)] as number) / 3600) === key
      );
      this.bytes += bytes - g.bytes;
      this.packets += end - k;
      g.append(batch, order, k, end);
      if (g.rows >= this.rowGroupRows || g.bytes >= this.rowGroupBytes) await this.flush(hour);
      k = end;
    }
  }

  /**
   * Write what is buffered and commit every file in one Delta commit (a no-op when `txn` was
   * already committed: then the files are removed). Returns the commit's result.
   */
  async finish(options: Pick<AppendOptions, 'txn' | 'beforeCommit'> = {}): Promise<AppendResult> {
    try {
      for (const hour of this.hours.values()) {
        await this.flush(hour);
        await this.closeFile(hour);
      }
    } catch (e) {
      await this.abort();
      throw e;
    }
    this.hours.clear();
    const adds = this.adds.splice(0);
    this.written.length = 0;
    return commitWrittenFiles(this.lakeDir, PCAP_TABLE, { dataSchema: PCAP_SCHEMA, adds }, options);
  }

  /** Give up: close and delete every file written; nothing is committed. */
  async abort(): Promise<void> {
    for (const hour of this.hours.values()) await hour.file?.abandon();
    this.hours.clear();
    await Promise.all(this.written.map((p) => rm(join(this.tableDir, p), { force: true })));
    this.written.length = 0;
    this.adds.length = 0;
  }

  private hourFor(key: number): Hour {
    let hour = this.hours.get(key);
    if (!hour) {
      hour = {
        partition: this.partitionOf(key * 3_600_000),
        file: undefined,
        path: '',
        group: new GroupBuilder(this.rowGroupRows),
      };
      this.hours.set(key, hour);
    }
    return hour;
  }

  private async flush(hour: Hour): Promise<void> {
    const group = hour.group;
    if (group.rows === 0) return;
    if (!hour.file) {
      hour.path = `${hour.partition.dir}/part-00000-${randomUUID()}.c000.parquet`;
      this.written.push(hour.path);
      const path = join(this.tableDir, hour.path);
      await mkdir(dirname(path), { recursive: true });
      hour.file = await PlainParquetWriter.create(path, PCAP_COLUMNS);
    }
    await hour.file.writeRowGroup(group.rows, group.data());
    group.reset();
    if (hour.file.size >= this.fileBytes) await this.closeFile(hour);
  }

  private async closeFile(hour: Hour): Promise<void> {
    const file = hour.file;
    if (!file) return;
    hour.file = undefined;
    const size = await file.close();
    this.adds.push({
      path: hour.path,
      partitionValues: hour.partition.values,
      size,
      modificationTime: Date.now(),
      dataChange: true,
      stats: statsOf(file.rowCount, file.stats),
      tags: { [SCHEMA_TAG]: schemaTag(PCAP_SCHEMA), [CODEC_TAG]: 'uncompressed' },
    });
  }
}

/** Row order by time then source position, or undefined when the batch is in order already. */
function timeOrder(b: PacketColumns): Uint32Array | undefined {
  const before = (i: number, j: number): number =>
    (b.tsSec[i] as number) - (b.tsSec[j] as number) ||
    (b.tsNsec[i] as number) - (b.tsNsec[j] as number) ||
    (b.seq[i] as number) - (b.seq[j] as number);
  let sorted = true;
  for (let i = 1; i < b.count && sorted; i++) if (before(i - 1, i) > 0) sorted = false;
  if (sorted) return undefined;
  const order = new Uint32Array(b.count);
  for (let i = 0; i < b.count; i++) order[i] = i;
  return order.sort(before);
}

/** Delta's `stats` for a file, from the writer's column statistics. */
function statsOf(rows: number, stats: readonly PlainStats[]): string {
  const minValues: Record<string, unknown> = {};
  const maxValues: Record<string, unknown> = {};
  const nullCount: Record<string, number> = {};
  PCAP_COLUMNS.forEach((c, i) => {
    const s = stats[i] as PlainStats;
    if (c.type === 'binary') return;
    nullCount[c.name] = s.nulls;
    if (s.min === undefined || s.max === undefined) return;
    if (typeof s.min === 'string' && typeof s.max === 'string') {
      // A truncated minimum is still a lower bound; a truncated maximum is not an upper one.
      minValues[c.name] = s.min.slice(0, STATS_STRING_LIMIT);
      if (s.max.length <= STATS_STRING_LIMIT) maxValues[c.name] = s.max;
    } else {
      minValues[c.name] = s.min;
      maxValues[c.name] = s.max;
    }
  });
  return JSON.stringify({ numRecords: rows, minValues, maxValues, nullCount });
}
