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
import { type DeltaStruct, SCHEMA_TAG, schemaTag } from '../delta/schema.js';
import { STATS_STRING_LIMIT } from '../delta/stats.js';
import { type PlainColumn, type PlainData, PlainParquetWriter, type PlainStats } from '../parquet-plain.js';
import { type AppendOptions, type AppendResult, commitWrittenFiles } from '../table.js';
import { type Partition, partitioner, SYSTEM_TABLES, type TableSpec } from '../tables.js';
import type { PacketBatch } from './format.js';

export const PCAP_TABLE = 'pcap';

/**
 * Decoded packets, column by column: a read batch plus what decoding found; -1 in a number
 * column and null in a text column mean "none". `seq` is the position in the source: the
 * packet number in a file, or the Kafka offset.
 */
export interface PacketColumns
  extends Pick<PacketBatch, 'count' | 'tsSec' | 'tsNsec' | 'caplen' | 'len' | 'linktype' | 'seq' | 'data'> {
  srcAddr: readonly (string | null)[];
  dstAddr: readonly (string | null)[];
  srcPort: Float64Array;
  dstPort: Float64Array;
  protocol: Float64Array;
  vlan: Float64Array;
  communityId: readonly (string | null)[];
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

const NUMBER_COLUMNS = [
  'timestamp',
  'ts_sec',
  'ts_nsec',
  'ip_src_port',
  'ip_dst_port',
  'protocol',
  'vlan',
  'caplen',
  'len',
  'linktype',
  'seq',
] as const;
type NumberColumn = (typeof NUMBER_COLUMNS)[number];
const OPTIONAL_NUMBERS: ReadonlySet<string> = new Set(['ip_src_port', 'ip_dst_port', 'protocol', 'vlan']);

/** One row group being filled for one hour partition. */
class GroupBuilder {
  rows = 0;
  bytes = 0;
  readonly numbers: Record<NumberColumn, Float64Array>;
  readonly present: Record<string, Uint8Array>;
  readonly src: (string | null)[] = [];
  readonly dst: (string | null)[] = [];
  readonly community: (string | null)[] = [];
  readonly packets: Uint8Array[] = [];

  constructor(capacity: number) {
    this.numbers = Object.fromEntries(NUMBER_COLUMNS.map((c) => [c, new Float64Array(capacity)])) as Record<
      NumberColumn,
      Float64Array
    >;
    this.present = Object.fromEntries([...OPTIONAL_NUMBERS].map((c) => [c, new Uint8Array(capacity)]));
  }

  data(): PlainData[] {
    const n = this.rows;
    return PCAP_COLUMNS.map((c): PlainData => {
      switch (c.name) {
        case 'ip_src_addr':
          return { values: this.src };
        case 'ip_dst_addr':
          return { values: this.dst };
        case 'community_id':
          return { values: this.community };
        case 'packet':
          return { values: this.packets };
        default: {
          const numbers = (this.numbers[c.name as NumberColumn] as Float64Array).subarray(0, n);
          const present = this.present[c.name];
          return present ? { numbers, present: present.subarray(0, n) } : { numbers };
        }
      }
    });
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
    let hourKey = Number.NaN;
    let hour: Hour | undefined;
    for (let k = 0; k < batch.count; k++) {
      const i = order ? (order[k] as number) : k;
      const sec = batch.tsSec[i] as number;
      const key = Math.floor(sec / 3600);
      if (key !== hourKey || hour === undefined) {
        hourKey = key;
        hour = this.hourFor(key);
      }
      const g = hour.group;
      const r = g.rows;
      const nsec = batch.tsNsec[i] as number;
      const n = g.numbers;
      n.timestamp[r] = sec * 1000 + Math.floor(nsec / 1_000_000);
      n.ts_sec[r] = sec;
      n.ts_nsec[r] = nsec;
      n.caplen[r] = batch.caplen[i] as number;
      n.len[r] = batch.len[i] as number;
      n.linktype[r] = batch.linktype[i] as number;
      n.seq[r] = batch.seq[i] as number;
      setOptional(g, 'ip_src_port', r, batch.srcPort[i] as number);
      setOptional(g, 'ip_dst_port', r, batch.dstPort[i] as number);
      setOptional(g, 'protocol', r, batch.protocol[i] as number);
      setOptional(g, 'vlan', r, batch.vlan[i] as number);
      g.src.push(batch.srcAddr[i] ?? null);
      g.dst.push(batch.dstAddr[i] ?? null);
      g.community.push(batch.communityId[i] ?? null);
      const data = batch.data[i] as Uint8Array;
      g.packets.push(data);
      g.rows++;
      g.bytes += data.length;
      this.packets++;
      this.bytes += data.length;
      if (g.rows >= this.rowGroupRows || g.bytes >= this.rowGroupBytes) await this.flush(hour);
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
    hour.group = new GroupBuilder(this.rowGroupRows);
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
      tags: { [SCHEMA_TAG]: schemaTag(PCAP_SCHEMA) },
    });
  }
}

function setOptional(g: GroupBuilder, column: NumberColumn, row: number, value: number): void {
  const present = g.present[column] as Uint8Array;
  if (value < 0) present[row] = 0;
  else {
    present[row] = 1;
    (g.numbers[column] as Float64Array)[row] = value;
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
