import { type FileHandle, open } from 'node:fs/promises';
import { InfraError } from '#core';

/**
 * A small Parquet writer for wide batches that are already columnar: INT64, DOUBLE and
 * BYTE_ARRAY (UTF-8 text or raw bytes) columns, required or optional, PLAIN-encoded and
 * uncompressed, one data page per column per row group, min/max statistics on the numbers and
 * the text. It exists for packet capture: a million packets a second is tshark's own speed,
 * and both the DuckDB appender (one native call per blob) and the Parquet libraries measured
 * (parquet-wasm, hyparquet-writer: 1.2–3.1 s per million packets) are several times slower
 * than copying the bytes into pages, which is all PLAIN needs. Compaction rewrites these files
 * with zstd later (`palisade batch compact`), so size is bought back off the hot path.
 */

export type PlainType = 'int64' | 'double' | 'string' | 'binary';

export interface PlainColumn {
  name: string;
  type: PlainType;
  optional: boolean;
}

/**
 * A column's values for one row group, in the shape its caller already holds them (so no pass
 * goes into converting them): numbers in a Float64Array; text as indices into its distinct
 * values; bytes as ranges of a few large buffers.
 */
export type PlainData =
  | {
      /**
       * In an optional column a negative number is null: the columns this writer serves
       * (times, lengths, ports, protocol numbers) have no negative values.
       */
      numbers: Float64Array;
    }
  | {
      /** The distinct values, in order of first use (the dictionary page keeps this order). */
      dictionary: readonly string[];
      /** Per row, an index into `dictionary`, or -1 for null. */
      indices: Int32Array;
    }
  | {
      /**
       * Consecutive rows and the buffer they lie in: row `i` is
       * `buffer[offset[i] .. offset[i] + length[i])` of the run it falls in. No nulls.
       */
      runs: readonly { buffer: Uint8Array; rows: number }[];
      offset: Float64Array;
      length: Float64Array;
    };

/** min/max/null count of a column across everything written, for Delta's file statistics. */
export interface PlainStats {
  min: number | string | undefined;
  max: number | string | undefined;
  nulls: number;
}

const MAGIC = Buffer.from('PAR1');

// Thrift compact protocol type ids.
const T_TRUE = 1;
const T_I32 = 5;
const T_I64 = 6;
const T_BINARY = 8;
const T_LIST = 9;
const T_STRUCT = 12;

// Parquet enums.
const TYPE = { int64: 2, double: 5, string: 6, binary: 6 } as const;
const REQUIRED = 0;
const OPTIONAL = 1;
const UTF8 = 0;
const PLAIN = 0;
const PLAIN_DICTIONARY = 2;
const RLE = 3;
const UNCOMPRESSED = 0;
const DATA_PAGE = 0;
const DICTIONARY_PAGE = 2;
/** A text column keeps a dictionary while it has at most this share of distinct values. */
const DICTIONARY_SHARE = 0.5;
/** Packets up to this many bytes are copied byte by byte rather than through a view. */
const SHORT_COPY = 96;

/** Thrift compact protocol, only what Parquet's footer and page headers use. */
class Thrift {
  private buf = Buffer.allocUnsafe(4096);
  private at = 0;
  private last: number[] = [0];

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
  private byte(b: number): void {
    this.room(1);
    this.buf[this.at++] = b;
  }
  private varint(n: number): void {
    // Unsigned LEB128 of a non-negative safe integer.
    let v = n;
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }
  private zigzag(n: number): void {
    this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
  }
  private header(id: number, type: number): void {
    const last = this.last[this.last.length - 1] as number;
    const delta = id - last;
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
    else {
      this.byte(type);
      this.zigzag(id);
    }
    this.last[this.last.length - 1] = id;
  }
  i32(id: number, v: number): this {
    this.header(id, T_I32);
    this.zigzag(v);
    return this;
  }
  i64(id: number, v: number): this {
    this.header(id, T_I64);
    this.zigzag(v);
    return this;
  }
  bool(id: number): this {
    this.header(id, T_TRUE);
    return this;
  }
  binary(id: number, v: Uint8Array | string): this {
    this.header(id, T_BINARY);
    this.rawBinary(v);
    return this;
  }
  private rawBinary(v: Uint8Array | string): void {
    const bytes = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
    this.varint(bytes.length);
    this.room(bytes.length);
    this.buf.set(bytes, this.at);
    this.at += bytes.length;
  }
  struct(id: number, body: (t: this) => void): this {
    this.header(id, T_STRUCT);
    this.last.push(0);
    body(this);
    this.byte(0);
    this.last.pop();
    return this;
  }
  list<T>(
    id: number,
    type: 'i32' | 'binary' | 'struct',
    items: readonly T[],
    each: (t: this, item: T) => void,
  ): this {
    this.header(id, T_LIST);
    const t = type === 'i32' ? T_I32 : type === 'binary' ? T_BINARY : T_STRUCT;
    if (items.length < 15) this.byte((items.length << 4) | t);
    else {
      this.byte(0xf0 | t);
      this.varint(items.length);
    }
    for (const item of items) {
      if (type === 'struct') {
        this.last.push(0);
        each(this, item);
        this.byte(0);
        this.last.pop();
      } else each(this, item);
    }
    return this;
  }
  /** A list element (inside `list`): an i32 or binary value with no field header. */
  value(v: number | string): void {
    if (typeof v === 'number') this.zigzag(v);
    else this.rawBinary(v);
  }
  end(): Buffer {
    this.byte(0);
    return this.buf.subarray(0, this.at);
  }
}

/**
 * Page memory reused from one row group to the next but one (a row group's pages are being
 * written while the next is encoded), so a million packets do not fault in fresh pages for
 * every row group. A request that does not fit is served fresh and grows the arena next time.
 */
class Arena {
  private buf = Buffer.allocUnsafe(0);
  private used = 0;
  private want = 0;

  reset(): void {
    // With room to spare: row groups vary in size, and one that misses by a byte pays in full.
    if (this.want > this.buf.length) this.buf = Buffer.allocUnsafe(Math.ceil(this.want * 1.25));
    this.used = 0;
    this.want = 0;
  }

  take(n: number): Buffer {
    this.want += n;
    if (this.used + n > this.buf.length) return Buffer.allocUnsafe(n);
    const out = this.buf.subarray(this.used, this.used + n);
    this.used += n;
    return out;
  }
}

interface ChunkMeta {
  column: PlainColumn;
  offset: number;
  /** Offset of the data page when a dictionary page comes first. */
  dataOffset: number;
  dictionary: boolean;
  size: number;
  values: number;
  min?: Buffer;
  max?: Buffer;
  nulls: number;
}

interface RowGroupMeta {
  rows: number;
  offset: number;
  size: number;
  chunks: ChunkMeta[];
}

const TWO_32 = 4_294_967_296;

/** Little-endian INT64 of a safe integer, two's complement, without BigInt. */
function putInt64(out: Buffer, at: number, v: number): void {
  out.writeUInt32LE(v >>> 0, at);
  out.writeInt32LE(Math.floor(v / TWO_32) | 0, at + 4);
}

/** One Parquet file being written: row groups as they come, the footer on close. */
export class PlainParquetWriter {
  private handle: FileHandle | undefined;
  private position = 0;
  private readonly groups: RowGroupMeta[] = [];
  private readonly totals: PlainStats[];
  private rows = 0;
  private pending: Promise<void> = Promise.resolve();
  private readonly arenas = [new Arena(), new Arena()];

  private constructor(
    readonly path: string,
    readonly columns: readonly PlainColumn[],
  ) {
    this.totals = columns.map(() => ({ min: undefined, max: undefined, nulls: 0 }));
  }

  static async create(path: string, columns: readonly PlainColumn[]): Promise<PlainParquetWriter> {
    const writer = new PlainParquetWriter(path, columns);
    try {
      writer.handle = await open(path, 'wx');
    } catch (e) {
      throw new InfraError('parquet.write', `cannot create ${path}: ${(e as Error).message}`, { cause: e });
    }
    await writer.write([MAGIC]);
    writer.position = MAGIC.length;
    return writer;
  }

  /** Rows written so far. */
  get rowCount(): number {
    return this.rows;
  }

  /** Bytes written so far (the footer not included). */
  get size(): number {
    return this.position;
  }

  /** Statistics of every column over all rows written, in column order. */
  get stats(): readonly PlainStats[] {
    return this.totals;
  }

  /**
   * Write `rows` rows, one {@link PlainData} per column, as one row group. Everything in `data`
   * is copied into pages before this returns its promise, so the caller may refill its arrays
   * (and must not wait for the write to do so: the write overlaps building the next group).
   */
  async writeRowGroup(rows: number, data: readonly PlainData[]): Promise<void> {
    if (rows === 0) return;
    const group: RowGroupMeta = { rows, offset: this.position, size: 0, chunks: [] };
    const buffers: Buffer[] = [];
    let at = this.position;
    // The arena of the row group before the last one: its write was awaited by the last call.
    const arena = this.arenas[this.groups.length % 2] as Arena;
    arena.reset();
    this.columns.forEach((column, i) => {
      const page = encodePage(column, rows, data[i] as PlainData, this.totals[i] as PlainStats, arena);
      const start = at;
      if (page.dictionary) {
        const header = new Thrift()
          .i32(1, DICTIONARY_PAGE)
          .i32(2, page.dictionary.bytes.length)
          .i32(3, page.dictionary.bytes.length)
          .struct(7, (t) => {
            t.i32(1, page.dictionary?.count ?? 0).i32(2, PLAIN_DICTIONARY);
          })
          .end();
        buffers.push(header, page.dictionary.bytes);
        at += header.length + page.dictionary.bytes.length;
      }
      const header = new Thrift()
        .i32(1, DATA_PAGE)
        .i32(2, page.body.length)
        .i32(3, page.body.length)
        .struct(5, (t) => {
          t.i32(1, rows)
            .i32(2, page.dictionary ? PLAIN_DICTIONARY : PLAIN)
            .i32(3, RLE)
            .i32(4, RLE);
        })
        .end();
      const dataOffset = at;
      buffers.push(header, page.body);
      at += header.length + page.body.length;
      group.chunks.push({
        column,
        offset: start,
        dataOffset,
        dictionary: page.dictionary !== undefined,
        size: at - start,
        values: rows,
        nulls: page.nulls,
        ...(page.min ? { min: page.min } : {}),
        ...(page.max ? { max: page.max } : {}),
      });
    });
    group.size = at - this.position;
    // The write runs while the caller builds the next row group; the one before it is awaited
    // first, so at most one row group is in flight.
    await this.pending;
    this.pending = this.write(buffers);
    this.position = at;
    this.groups.push(group);
    this.rows += rows;
  }

  /** Write the footer and close; returns the file's size in bytes. */
  async close(): Promise<number> {
    await this.pending;
    const footer = new Thrift()
      .i32(1, 1)
      .list(2, 'struct', [undefined, ...this.columns], (t, c) => {
        if (c === undefined) {
          t.binary(4, 'schema').i32(5, this.columns.length);
          return;
        }
        t.i32(1, TYPE[c.type])
          .i32(3, c.optional ? OPTIONAL : REQUIRED)
          .binary(4, c.name);
        if (c.type === 'string') t.i32(6, UTF8);
      })
      .i64(3, this.rows)
      .list(4, 'struct', this.groups, (t, g) => {
        t.list(1, 'struct', g.chunks, (tc, chunk) => {
          tc.i64(2, chunk.offset).struct(3, (m) => {
            m.i32(1, TYPE[chunk.column.type])
              .list(2, 'i32', chunk.dictionary ? [PLAIN_DICTIONARY, RLE] : [PLAIN, RLE], (tl, e) =>
                tl.value(e),
              )
              .list(3, 'binary', [chunk.column.name], (tl, n) => tl.value(n))
              .i32(4, UNCOMPRESSED)
              .i64(5, chunk.values)
              .i64(6, chunk.size)
              .i64(7, chunk.size)
              .i64(9, chunk.dataOffset);
            if (chunk.dictionary) m.i64(11, chunk.offset);
            if (chunk.min || chunk.nulls > 0 || chunk.column.type !== 'binary') {
              m.struct(12, (s) => {
                s.i64(3, chunk.nulls);
                if (chunk.max) s.binary(5, chunk.max);
                if (chunk.min) s.binary(6, chunk.min);
              });
            }
          });
        });
        t.i64(2, g.size).i64(3, g.rows).i64(5, g.offset).i64(6, g.size);
      })
      .binary(6, 'palisade')
      // Each column's statistics follow its type's own order (unsigned bytes for text), so
      // readers may trust min_value/max_value.
      .list(7, 'struct', this.columns, (t) => {
        t.struct(1, () => {});
      })
      .end();
    const length = Buffer.alloc(4);
    length.writeUInt32LE(footer.length, 0);
    await this.write([footer, length, MAGIC]);
    this.position += footer.length + length.length + MAGIC.length;
    await this.handle?.close();
    this.handle = undefined;
    return this.position;
  }

  /** Close without a footer and remove nothing: the caller deletes a file it abandons. */
  async abandon(): Promise<void> {
    await this.pending.catch(() => {});
    await this.handle?.close();
    this.handle = undefined;
  }

  private async write(buffers: Buffer[], position = this.position): Promise<void> {
    const handle = this.handle;
    if (!handle) throw new InfraError('parquet.write', `${this.path} is closed`);
    let total = 0;
    for (const b of buffers) total += b.length;
    try {
      let done = 0;
      let pending = buffers;
      // writev may take only a part; write the rest until everything is down.
      while (done < total) {
        const { bytesWritten } = await handle.writev(pending, position + done);
        done += bytesWritten;
        if (done < total) pending = remainder(buffers, done);
      }
    } catch (e) {
      throw new InfraError('parquet.write', `cannot write ${this.path}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
}

function remainder(buffers: Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  let left = skip;
  for (const b of buffers) {
    if (left >= b.length) left -= b.length;
    else {
      out.push(left > 0 ? b.subarray(left) : b);
      left = 0;
    }
  }
  return out;
}

interface Page {
  /** A text column's distinct values, PLAIN-encoded, when the data page holds indices into them. */
  dictionary?: { bytes: Buffer; count: number };
  body: Buffer;
  nulls: number;
  min?: Buffer;
  max?: Buffer;
}

/**
 * Definition levels (bit width 1) as one bit-packed run of the RLE/bit-packing hybrid,
 * prefixed by its length as data page v1 wants; a row is present when its value is not
 * negative (every row when `values` is undefined).
 */
function definitionLevels(rows: number, values: Float64Array | Int32Array | undefined): Buffer {
  const groups = Math.ceil(rows / 8);
  const header: number[] = [];
  let v = groups * 2 + 1;
  while (v >= 0x80) {
    header.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  header.push(v);
  const out = Buffer.alloc(4 + header.length + groups);
  out.writeUInt32LE(header.length + groups, 0);
  out.set(header, 4);
  const base = 4 + header.length;
  if (values === undefined) {
    out.fill(0xff, base);
    // Bits past the last row are padding; keep them 0 as a reader may expect.
    if (rows % 8 !== 0) out[base + groups - 1] = (1 << (rows % 8)) - 1;
    return out;
  }
  for (let i = 0; i < rows; i++) {
    if ((values[i] as number) < 0) continue;
    const at = base + (i >> 3);
    out[at] = (out[at] as number) | (1 << (i & 7));
  }
  return out;
}

function encodePage(
  column: PlainColumn,
  rows: number,
  data: PlainData,
  total: PlainStats,
  arena: Arena,
): Page {
  if ('numbers' in data) return numberPage(column, rows, data.numbers, total, arena);
  if ('dictionary' in data) return textPage(column, rows, data.dictionary, data.indices, total, arena);
  return runsPage(column, rows, data, arena);
}

/** Values packed as INT64/DOUBLE before being copied after the definition levels; reused. */
let scratch = new Float64Array(0);

function numberPage(
  column: PlainColumn,
  rows: number,
  numbers: Float64Array,
  total: PlainStats,
  arena: Arena,
): Page {
  // Values are packed into an aligned scratch array first (typed-array stores, no per-value
  // Buffer call), then copied after the definition levels in one go.
  const isInt = column.type === 'int64';
  if (scratch.length < rows) scratch = new Float64Array(rows);
  const packed = scratch;
  const halves = new Int32Array(packed.buffer);
  const optional = column.optional;
  let count = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < rows; i++) {
    const v = numbers[i] as number;
    if (optional && v < 0) continue;
    if (isInt) {
      halves[count * 2] = v >>> 0;
      halves[count * 2 + 1] = Math.floor(v / TWO_32) | 0;
    } else packed[count] = v;
    count++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const levels = optional ? definitionLevels(rows, numbers) : undefined;
  const start = levels ? levels.length : 0;
  const body = arena.take(start + count * 8);
  if (levels) levels.copy(body, 0);
  body.set(new Uint8Array(packed.buffer, 0, count * 8), start);
  const nulls = rows - count;
  total.nulls += nulls;
  if (count === 0) return { body, nulls };
  if (total.min === undefined || min < (total.min as number)) total.min = min;
  if (total.max === undefined || max > (total.max as number)) total.max = max;
  const lo = Buffer.allocUnsafe(8);
  const hi = Buffer.allocUnsafe(8);
  if (isInt) {
    putInt64(lo, 0, min);
    putInt64(hi, 0, max);
  } else {
    lo.writeDoubleLE(min, 0);
    hi.writeDoubleLE(max, 0);
  }
  return { body, nulls, min: lo, max: hi };
}

function textPage(
  column: PlainColumn,
  rows: number,
  dictionary: readonly string[],
  indices: Int32Array,
  total: PlainStats,
  arena: Arena,
): Page {
  const ids = new Uint32Array(rows);
  let count = 0;
  for (let i = 0; i < rows; i++) {
    const id = indices[i] as number;
    if (id >= 0) ids[count++] = id;
  }
  const nulls = requireValues(column, rows, count);
  const levels = column.optional ? definitionLevels(rows, indices) : undefined;
  total.nulls += nulls;
  let min: string | undefined;
  let max: string | undefined;
  for (const v of dictionary) {
    if (min === undefined || v < min) min = v;
    if (max === undefined || v > max) max = v;
  }
  // Addresses and flow ids repeat, so the dictionary usually wins: each value is encoded once
  // per row group and the rows are small indices. When most values are distinct, PLAIN.
  const page: Page =
    dictionary.length <= Math.max(1, count * DICTIONARY_SHARE)
      ? {
          dictionary: { bytes: plainText(dictionary, undefined, arena), count: dictionary.length },
          body: dictionaryIndices(ids.subarray(0, count), dictionary.length, levels, arena),
          nulls,
        }
      : {
          body: plainText(
            Array.from(ids.subarray(0, count), (id) => dictionary[id] as string),
            levels,
            arena,
          ),
          nulls,
        };
  if (min === undefined || max === undefined) return page;
  // JavaScript orders strings by UTF-16 code units and Parquet by unsigned bytes; they agree
  // outside the surrogate range, which addresses and hashes never reach.
  if (total.min === undefined || min < (total.min as string)) total.min = min;
  if (total.max === undefined || max > (total.max as string)) total.max = max;
  return { ...page, min: Buffer.from(min, 'utf8'), max: Buffer.from(max, 'utf8') };
}

/** The null count, after checking a required column has none. */
function requireValues(column: PlainColumn, rows: number, count: number): number {
  if (!column.optional && count < rows)
    throw new InfraError(
      'parquet.write',
      `column ${column.name} is required but has ${rows - count} null rows`,
    );
  return rows - count;
}

/** PLAIN BYTE_ARRAY text (4-byte length, then the UTF-8 bytes) after the definition levels. */
function plainText(values: readonly string[], levels: Buffer | undefined, arena: Arena): Buffer {
  let bytes = 0;
  for (const v of values) bytes += Buffer.byteLength(v, 'utf8');
  const start = levels ? levels.length : 0;
  const body = arena.take(start + values.length * 4 + bytes);
  if (levels) levels.copy(body, 0);
  let at = start;
  for (const v of values) {
    const n = body.write(v, at + 4, 'utf8');
    body.writeUInt32LE(n, at);
    at += 4 + n;
  }
  return body;
}

/** PLAIN BYTE_ARRAY bytes (4-byte length, then the bytes), copied range by range from the runs. */
function runsPage(
  column: PlainColumn,
  rows: number,
  data: Extract<PlainData, { runs: unknown }>,
  arena: Arena,
): Page {
  const { runs, offset, length } = data;
  let bytes = 0;
  for (let i = 0; i < rows; i++) bytes += length[i] as number;
  const levels = column.optional ? definitionLevels(rows, undefined) : undefined;
  const start = levels ? levels.length : 0;
  const body = arena.take(start + rows * 4 + bytes);
  if (levels) levels.copy(body, 0);
  let at = start;
  let row = 0;
  for (const run of runs) {
    const buffer = run.buffer;
    for (const end = row + run.rows; row < end; row++) {
      const o = offset[row] as number;
      const n = length[row] as number;
      body[at] = n & 0xff;
      body[at + 1] = (n >>> 8) & 0xff;
      body[at + 2] = (n >>> 16) & 0xff;
      body[at + 3] = n >>> 24;
      // A view per packet costs more than a short copy by hand.
      if (n <= SHORT_COPY) for (let k = 0; k < n; k++) body[at + 4 + k] = buffer[o + k] as number;
      else body.set(buffer.subarray(o, o + n), at + 4);
      at += 4 + n;
    }
  }
  return { body, nulls: 0 };
}

/**
 * Dictionary indices as a data page wants them: the definition levels, one byte of bit
 * width, then one bit-packed run of the RLE/bit-packing hybrid (groups of 8, LSB first).
 */
function dictionaryIndices(
  ids: Uint32Array,
  distinct: number,
  levels: Buffer | undefined,
  arena: Arena,
): Buffer {
  let width = 0;
  while (2 ** width < distinct) width++;
  const groups = Math.ceil(ids.length / 8);
  const header: number[] = [];
  let h = groups * 2 + 1;
  while (h >= 0x80) {
    header.push((h % 0x80) | 0x80);
    h = Math.floor(h / 0x80);
  }
  header.push(h);
  const start = levels ? levels.length : 0;
  const body = arena.take(start + 1 + header.length + groups * width);
  if (levels) levels.copy(body, 0);
  body[start] = width;
  body.set(header, start + 1);
  if (width === 0) return body;
  let at = start + 1 + header.length;
  let acc = 0;
  let bits = 0;
  const count = ids.length;
  if (width <= 24) {
    // Fewer than 8 bits wait in acc before each value joins, so 32-bit integer shifts hold it.
    for (let i = 0; i < groups * 8; i++) {
      acc = (acc | ((i < count ? (ids[i] as number) : 0) << bits)) >>> 0;
      bits += width;
      while (bits >= 8) {
        body[at++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
    return body;
  }
  for (let i = 0; i < groups * 8; i++) {
    // acc stays below 2^(7 + 32): exact in a double.
    acc += (i < count ? (ids[i] as number) : 0) * 2 ** bits;
    bits += width;
    while (bits >= 8) {
      body[at++] = acc % 256;
      acc = Math.floor(acc / 256);
      bits -= 8;
    }
  }
  return body;
}
