/** @module lake — Delta Lake tables of Parquet files, and read-only SQL over them with DuckDB. */

import { type DuckDb, openDuckDb } from './duckdb.js';
import { type AppendOptions, type AppendResult, appendEvents } from './table.js';

/** The Delta log: snapshots and commits. */
export {
  type Action,
  type AddFile,
  CommitConflict,
  listVersions,
  readSnapshot,
  type Snapshot,
} from './delta/log.js';
/** Delta schema types. */
export type { DeltaField, DeltaStruct, DeltaType } from './delta/schema.js';
/** The `profiles` table: measurements in and out. */
export {
  type LakeAppender,
  loadProfileCache,
  measurementRow,
  PROFILES_TABLE,
  type ProfileNumber,
  type ProfileReadOptions,
  readProfileNumbers,
  replaceMeasurements,
} from './profiles.js';
/** Events read back from the sensor tables, flat as the stream had them. */
export { type EventChunk, type ReadEventsOptions, readEvents, sensorTables } from './read-events.js';
/** SQL sessions over a lake directory. */
export {
  type AsOf,
  listTables,
  openSql,
  type QueryOptions,
  type SqlOptions,
  type SqlResult,
  type SqlSession,
} from './sql.js';
/** The `events` view's columns and the tables it leaves out. */
export { EVENT_COLUMNS, EVENTS_VIEW, NON_SENSOR_TABLES } from './sql-events.js';
/** Table appends and their results. */
export {
  type AppendOptions,
  type AppendResult,
  checkTableName,
  committedTxn,
  parquetSource,
  type ReplaceWhere,
  safeDataPath,
} from './table.js';
/** The lake's tables: partitioning, declared columns, sort order. */
export {
  DAY_COLUMN,
  dayOf,
  HOUR_COLUMN,
  type Partitioning,
  SENSOR_TABLE,
  SYSTEM_TABLES,
  type TableSpec,
  tableSpec,
} from './tables.js';

/** A lake directory opened for writing; holds the DuckDB used to write Parquet. */
export interface LakeWriter {
  readonly dir: string;
  append(
    table: string,
    events: Parameters<typeof appendEvents>[3],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  close(): void;
}

/** Open a lake directory for appends (created on first write). */
export async function openLakeWriter(dir: string): Promise<LakeWriter> {
  const db: DuckDb = await openDuckDb();
  return {
    dir,
    append: (table, events, options) => appendEvents(db, dir, table, events, options),
    close: () => db.close(),
  };
}
/** An in-memory DuckDB, for maintenance work that rewrites Parquet (compaction). */
export { type DuckDb, openDuckDb, sqlString } from './duckdb.js';
/** Compaction: rewrite each partition's small files into files near a target size, in one OPTIMIZE commit. */
export { type CompactOptions, type CompactReport, compactLake, compactTable } from './maintenance/compact.js';
/** Vacuum: drop day partitions past retention, delete data files no snapshot needs. */
export { type VacuumOptions, type VacuumReport, vacuumLake, vacuumTable } from './maintenance/vacuum.js';
export { type Decoded, decodePacket, newDecoded } from './pcap/decode.js';
/** Packet capture: capture files in and out, packet decoding, the `pcap` table's writer and its queries. */
export {
  type CaptureProblem,
  newPacketBatch,
  type PacketBatch,
  PcapngWriter,
  PcapWriter,
  readCapture,
} from './pcap/format.js';
export {
  type CaptureIngestOptions,
  type CaptureIngestReport,
  captureId,
  decodeBatch,
  ingestCapture,
} from './pcap/ingest.js';
export {
  canonicalAddress,
  filterForEvent,
  type PacketFilter,
  type PacketQueryOptions,
  type PacketQuerySummary,
  type PacketRecord,
  queryPackets,
} from './pcap/query.js';
export { type PacketColumns, PCAP_TABLE, PcapStore, type PcapStoreOptions } from './pcap/store.js';
