/**
 * Packet-capture files: libpcap and pcapng readers that hand out packets in columnar batches,
 * and writers for both formats. A damaged record is a value ({@link CaptureProblem}) yielded in
 * file order, not an exception, so a bad capture costs its bad records, not the whole ingest.
 * Only a file that is no capture at all (bad magic) throws.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { InfraError, UsageError } from '#core';

/** Packets read from one capture, column by column; row `i < count` is one packet. */
export interface PacketBatch {
  problem: false;
  /** Rows in use; the columns may be longer (they are sized to the batch capacity). */
  count: number;
  /** Seconds since the epoch (integer). */
  tsSec: Float64Array;
  /** Nanoseconds within the second (integer, 0 to 999,999,999). */
  tsNsec: Float64Array;
  /** Captured length (bytes of the packet). */
  caplen: Float64Array;
  /** Length of the packet on the wire. */
  len: Float64Array;
  /** LINKTYPE_ value per packet (a pcapng file can mix interfaces). */
  linktype: Float64Array;
  /** 1-based packet number in the file, as tshark's `frame.number` counts. */
  seq: Float64Array;
  /**
   * The read buffer that holds every packet of the batch (batches from {@link readCapture}):
   * packet `i` is `chunk[offset[i] .. offset[i] + caplen[i])`. One buffer per batch instead of
   * a view per packet spares the garbage collector a million objects per million packets.
   * Undefined when the packets are in `data` instead.
   */
  chunk: Uint8Array | undefined;
  /** Where each packet starts in `chunk` (unused without one). */
  offset: Float64Array;
  /**
   * Each packet's bytes in a buffer of its own, for sources that hold them that way (live
   * capture, Kafka); empty when `chunk` is set. {@link packetData} reads either.
   */
  data: Uint8Array[];
  /** Whether any packet in the batch comes from a source with finer than microsecond timestamps. */
  nanos: boolean;
}

/** A record that could not be read; reading goes on after it unless the file's framing is lost. */
export interface CaptureProblem {
  problem: true;
  file: string;
  /** Byte offset of the record in the file. */
  offset: number;
  /** Its packet number when the record is a packet. */
  packet: number | undefined;
  reason: string;
  /** The record's raw bytes (at most 64 KiB). */
  bytes: Uint8Array;
}

export interface ReadCaptureOptions {
  /** Packets per batch (default 8192). */
  batchPackets?: number;
  /** Bytes per read (default 8 MiB); a record larger than this gets a read of its own size. */
  chunkBytes?: number;
}

const CHUNK_BYTES = 8 << 20;
const DEFAULT_BATCH = 8192;
/** No link layer carries more than this; a larger caplen means the framing is corrupt. */
const MAX_CAPLEN = 16 << 20;
const MAX_BLOCK = MAX_CAPLEN + (1 << 20);
const PROBLEM_BYTES = 64 << 10;
const EMPTY = new Uint8Array(0);

const SHB = 0x0a0d0d0a;
const IDB = 1;
const OPB = 2;
const SPB = 3;
const EPB = 6;
/** Blocks that are not packets but that tshark numbers as frames. */
const NUMBERED = new Set([9, 0x204, 0x216, 0x221, 0xbad, 0x40000bad]);

// How a parser's pass over the buffered bytes ended.
const FULL = 0;
const NEED = 1;
const PROBLEM = 2;
type Step = typeof FULL | typeof NEED | typeof PROBLEM;

/**
 * Read a libpcap or pcapng file as batches of packets, with a {@link CaptureProblem} in place
 * of each record that cannot be read. Each batch is freshly allocated, and so is each read
 * buffer its packets lie in, so a batch stays valid after the next one is read.
 * @throws UsageError when the file cannot be opened or is not a capture file.
 * @example
 * for await (const b of readCapture('in.pcap')) if (!b.problem) total += b.count;
 */
export async function* readCapture(
  path: string,
  options: ReadCaptureOptions = {},
): AsyncGenerator<PacketBatch | CaptureProblem, void, undefined> {
  const batchPackets = Math.max(1, options.batchPackets ?? DEFAULT_BATCH);
  const fh = await openInput(path);
  let input: Input | undefined;
  try {
    input = new Input(fh, path, Math.max(64 << 10, options.chunkBytes ?? CHUNK_BYTES));
    await input.fill(24);
    const parser = startParser(input, path);
    if (parser instanceof HeaderProblem) {
      yield parser.value;
      return;
    }
    let batch = chunkBatch(batchPackets);
    for (;;) {
      const step = parser.parse(input, batch);
      // A batch's packets all lie in the read buffer it started in, so it goes out before a
      // refill moves on to the next buffer; so does the batch before a problem, so that records
      // stay in file order.
      if (step === FULL || batch.count > 0) {
        yield batch;
        batch = chunkBatch(batchPackets);
      }
      if (step === PROBLEM) {
        yield parser.problem as CaptureProblem;
        if (parser.stopped) break;
      } else if (step === NEED && !(await input.fill(parser.need))) {
        if (input.end > input.pos) yield parser.truncated(input);
        break;
      }
    }
    if (batch.count > 0) yield batch;
  } finally {
    await input?.settle();
    await fh.close();
  }
}

async function openInput(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR')
      throw new UsageError(`${path}: cannot open capture file (${code})`, { cause: e });
    throw new InfraError('pcap_read', `${path}: cannot open capture file`, { cause: e });
  }
}

/** An empty batch with room for `capacity` packets (`count` 0), to be filled through `data`. */
export function newPacketBatch(capacity: number): PacketBatch {
  return {
    ...numberColumns(capacity),
    chunk: undefined,
    offset: NO_OFFSETS,
    data: new Array<Uint8Array>(capacity).fill(EMPTY),
  };
}

/** An empty batch whose packets will lie in one read buffer (set by the parser). */
function chunkBatch(capacity: number): PacketBatch {
  return { ...numberColumns(capacity), chunk: undefined, offset: new Float64Array(capacity), data: [] };
}

function numberColumns(capacity: number) {
  return {
    problem: false as const,
    count: 0,
    tsSec: new Float64Array(capacity),
    tsNsec: new Float64Array(capacity),
    caplen: new Float64Array(capacity),
    len: new Float64Array(capacity),
    linktype: new Float64Array(capacity),
    seq: new Float64Array(capacity),
    nanos: false,
  };
}

const NO_OFFSETS = new Float64Array(0);

/** Packet `i`'s captured bytes (a view; nothing is copied). */
export function packetData(batch: PacketBatch, i: number): Uint8Array {
  const chunk = batch.chunk;
  if (chunk === undefined) return batch.data[i] ?? EMPTY;
  const at = batch.offset[i] as number;
  return chunk.subarray(at, at + (batch.caplen[i] as number));
}

/**
 * Room kept in front of the bytes read ahead for the unread tail of the current buffer (a
 * record cut by the chunk's end), so the two join without copying the chunk. Longer tails take
 * the slow way.
 */
const TAIL_ROOM = 512 << 10;

/** The next chunk of the file, read while the current one is parsed. */
interface Ahead {
  /** `TAIL_ROOM` bytes of room, then the bytes read. */
  bytes: Uint8Array;
  read: number;
  /** The read's error; kept, not thrown, so that a read nobody waits for cannot go unhandled. */
  failure: unknown;
}

/**
 * The file's bytes from `base`, read in large chunks, the next one read ahead while the
 * current one is parsed (and its batches stored). Each refill puts the unread tail and the
 * next bytes in a fresh buffer, so views handed out earlier are never overwritten.
 */
class Input {
  buf: Uint8Array = EMPTY;
  view: DataView = new DataView(EMPTY.buffer);
  pos = 0;
  end = 0;
  /** File offset of `buf[0]`. */
  base = 0;
  /** Whether everything up to the end of the file is in `buf` or in `ahead`. */
  private eof = false;
  private ahead: Promise<Ahead> | undefined;

  constructor(
    private readonly fh: FileHandle,
    private readonly path: string,
    private readonly chunk: number,
  ) {}

  /** Make `need` bytes from `pos` available; false when the file ends first. */
  async fill(need: number): Promise<boolean> {
    const left = this.end - this.pos;
    if (left >= need) return true;
    const ahead = await this.ahead;
    this.ahead = undefined;
    if (ahead === undefined && this.eof) return false;
    if (ahead !== undefined && ahead.failure !== undefined)
      throw this.readError(this.base + this.end, ahead.failure);
    const got = ahead?.read ?? 0;
    if (ahead !== undefined && got < this.chunk) this.eof = true;
    let next: Uint8Array;
    let have = left + got;
    if (ahead !== undefined && left <= TAIL_ROOM && (have >= need || this.eof)) {
      next = ahead.bytes.subarray(TAIL_ROOM - left, TAIL_ROOM + got);
      next.set(this.buf.subarray(this.pos, this.end));
    } else {
      // A tail too long for the room, or a record longer than a chunk: gather what there is
      // and read the rest now.
      const size = have + Math.max(this.chunk, need);
      next = allocate(size);
      next.set(this.buf.subarray(this.pos, this.end));
      if (ahead !== undefined) next.set(ahead.bytes.subarray(TAIL_ROOM, TAIL_ROOM + got), left);
      have = await this.read(next, have, size, this.base + this.pos);
    }
    this.base += this.pos;
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, have);
    this.pos = 0;
    this.end = have;
    if (!this.eof) this.ahead = this.readAhead(this.base + have);
    return have >= need;
  }

  /** Wait for a read still running, so that the file can be closed. */
  async settle(): Promise<void> {
    await this.ahead;
  }

  /** Fill `buf[from .. to)` with the file's bytes from `at + from`; returns where they stop. */
  private async read(buf: Uint8Array, from: number, to: number, at: number): Promise<number> {
    let have = from;
    try {
      while (have < to) {
        const { bytesRead } = await this.fh.read(buf, have, to - have, at + have);
        if (bytesRead === 0) {
          this.eof = true;
          break;
        }
        have += bytesRead;
      }
    } catch (e) {
      throw this.readError(at + have, e);
    }
    return have;
  }

  private async readAhead(at: number): Promise<Ahead> {
    const bytes = allocate(TAIL_ROOM + this.chunk);
    let read = 0;
    try {
      while (read < this.chunk) {
        const { bytesRead } = await this.fh.read(bytes, TAIL_ROOM + read, this.chunk - read, at + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
    } catch (e) {
      return { bytes, read, failure: e };
    }
    return { bytes, read, failure: undefined };
  }

  private readError(at: number, cause: unknown): InfraError {
    return new InfraError('pcap_read', `${this.path}: read failed at byte ${at}`, { cause });
  }

  problem(at: number, length: number, packet: number | undefined, reason: string): CaptureProblem {
    const stop = Math.min(at + length, this.end, at + PROBLEM_BYTES);
    return {
      problem: true,
      file: this.path,
      offset: this.base + at,
      packet,
      reason,
      bytes: this.buf.slice(at, Math.max(at, stop)),
    };
  }
}

/** A buffer of its own (not a slice of Node's pool), never zero-filled: it is read into at once. */
function allocate(size: number): Uint8Array {
  const raw = Buffer.allocUnsafeSlow(size);
  return new Uint8Array(raw.buffer, raw.byteOffset, size);
}

/** A parser of one format: fills the batch from the buffered bytes until it needs more. */
interface Parser {
  /** Bytes from `input.pos` the next record needs (after {@link NEED}). */
  need: number;
  /** The problem found (after {@link PROBLEM}). */
  problem: CaptureProblem | null;
  /** Whether the problem lost the file's framing, so nothing after it can be read. */
  stopped: boolean;
  /** Fill `batch`, which is empty or already lies in `input.buf`, with packets from `input.buf`. */
  parse(input: Input, batch: PacketBatch): Step;
  /** The problem for bytes left at the end of the file that do not make a whole record. */
  truncated(input: Input): CaptureProblem;
}

/** A file whose header is cut short: a problem, and nothing to parse. */
class HeaderProblem {
  constructor(readonly value: CaptureProblem) {}
}

/** The parser for the file's format, told apart by its first four bytes. */
function startParser(input: Input, path: string): Parser | HeaderProblem {
  const b = input.buf;
  if (input.end < 4) throw new UsageError(`${path}: not a capture file (${input.end} bytes)`);
  const magic = input.view.getUint32(0, false);
  if (magic === SHB) return new PcapngParser();
  const little = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
  const nanos = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  if (!little && magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) {
    const seen = Array.from(b.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join(' ');
    throw new UsageError(`${path}: not a pcap or pcapng file (magic bytes ${seen})`);
  }
  if (input.end < 24)
    return new HeaderProblem(input.problem(0, input.end, undefined, 'truncated pcap file header'));
  // The top 4 bits of the link-type field carry FCS information, not the link type.
  const linktype = input.view.getUint32(20, little) & 0x0fffffff;
  input.pos = 24;
  return new LibpcapParser(little, nanos, linktype);
}

/** libpcap: a 24-byte file header, then 16-byte record headers each followed by its bytes. */
class LibpcapParser implements Parser {
  need = 0;
  problem: CaptureProblem | null = null;
  stopped = false;
  private seq = 0;

  constructor(
    private readonly little: boolean,
    private readonly nanos: boolean,
    private readonly linktype: number,
  ) {}

  parse(input: Input, batch: PacketBatch): Step {
    const dv = input.view;
    const end = input.end;
    const le = this.little;
    const cap = batch.tsSec.length;
    const fracScale = this.nanos ? 1 : 1000;
    batch.chunk = input.buf;
    const { tsSec, tsNsec, caplen: caplens, len, linktype, seq, offset } = batch;
    let p = input.pos;
    let n = batch.count;
    let step: Step = FULL;
    while (n < cap) {
      if (end - p < 16) {
        this.need = 16;
        step = NEED;
        break;
      }
      const caplen = dv.getUint32(p + 8, le);
      if (caplen > MAX_CAPLEN) {
        // libpcap has no markers to find the next record by, so the rest is lost.
        this.problem = input.problem(
          p,
          16,
          this.seq + 1,
          `caplen ${caplen} is over ${MAX_CAPLEN}: corrupt file`,
        );
        this.stopped = true;
        step = PROBLEM;
        break;
      }
      if (end - p - 16 < caplen) {
        this.need = 16 + caplen;
        step = NEED;
        break;
      }
      let sec = dv.getUint32(p, le);
      let nsec = dv.getUint32(p + 4, le) * fracScale;
      // Some writers let the fraction reach a whole second; carry it so tsNsec stays below 1e9.
      if (nsec >= 1e9) {
        const carry = Math.floor(nsec / 1e9);
        sec += carry;
        nsec -= carry * 1e9;
      }
      tsSec[n] = sec;
      tsNsec[n] = nsec;
      caplens[n] = caplen;
      len[n] = dv.getUint32(p + 12, le);
      linktype[n] = this.linktype;
      seq[n] = ++this.seq;
      offset[n] = p + 16;
      p += 16 + caplen;
      n++;
    }
    if (n > batch.count && this.nanos) batch.nanos = true;
    input.pos = p;
    batch.count = n;
    return step;
  }

  truncated(input: Input): CaptureProblem {
    const left = input.end - input.pos;
    const what = left < 16 ? 'record header' : 'packet data';
    return input.problem(input.pos, left, this.seq + 1, `truncated ${what} at end of file (${left} bytes)`);
  }
}

/** One pcapng interface: its link type and how its 64-bit timestamps convert to (sec, nsec). */
interface Iface {
  linktype: number;
  /** Timestamp units are 10^-exp s when decimal, else 2^-exp s. */
  decimal: boolean;
  exp: number;
  /** Units per second, when it is exactly a number (exp ≤ 15 decimal, ≤ 52 binary). */
  unitsPerSec: number;
  /** For decimal exp ≤ 9: nanoseconds per unit. */
  nsPerUnit: number;
  /** if_tsoffset: seconds added to every timestamp. */
  offset: number;
  nanos: boolean;
}

/** pcapng: blocks, each section with its own byte order and interfaces. */
class PcapngParser implements Parser {
  need = 0;
  problem: CaptureProblem | null = null;
  stopped = false;
  private seq = 0;
  private little = true;
  private ifaces: Iface[] = [];

  parse(input: Input, batch: PacketBatch): Step {
    const dv = input.view;
    const end = input.end;
    const cap = batch.tsSec.length;
    batch.chunk = input.buf;
    let p = input.pos;
    let n = batch.count;
    let step: Step = FULL;
    while (n < cap) {
      if (end - p < 12) {
        this.need = 12;
        step = NEED;
        break;
      }
      let le = this.little;
      const type = dv.getUint32(p, le);
      if (type === SHB) {
        // A section header sets the byte order of everything up to the next one, itself included.
        const bom = dv.getUint32(p + 8, true);
        if (bom === 0x1a2b3c4d) le = true;
        else if (bom === 0x4d3c2b1a) le = false;
        else {
          step = this.fatal(input, p, 12, `section header with bad byte-order magic 0x${hex(bom)}`);
          break;
        }
      }
      const blen = dv.getUint32(p + 4, le);
      if (blen < 12 || (blen & 3) !== 0 || blen > MAX_BLOCK || (type === SHB && blen < 28)) {
        step = this.fatal(input, p, 12, `block type 0x${hex(type)} has bad length ${blen}`);
        break;
      }
      if (end - p < blen) {
        this.need = blen;
        step = NEED;
        break;
      }
      const trailer = dv.getUint32(p + blen - 4, le);
      if (trailer !== blen) {
        step = this.fatal(
          input,
          p,
          blen,
          `block length ${blen} does not match its trailing length ${trailer}`,
        );
        break;
      }
      if (type === EPB || type === OPB) {
        const at = ++this.seq;
        const ifid = type === EPB ? dv.getUint32(p + 8, le) : dv.getUint16(p + 8, le);
        const iface = this.ifaces[ifid];
        const caplen = blen >= 32 ? dv.getUint32(p + 20, le) : -1;
        const reason = packetBlockProblem(blen, caplen, ifid, iface !== undefined);
        if (iface === undefined || reason !== undefined) {
          this.problem = input.problem(p, blen, at, reason ?? '');
          p += blen;
          step = PROBLEM;
          break;
        }
        setTime(iface, dv.getUint32(p + 12, le), dv.getUint32(p + 16, le), batch, n);
        batch.caplen[n] = caplen;
        batch.len[n] = dv.getUint32(p + 24, le);
        batch.linktype[n] = iface.linktype;
        batch.seq[n] = at;
        batch.offset[n] = p + 28;
        if (iface.nanos) batch.nanos = true;
        n++;
      } else if (type === SHB) {
        this.little = le;
        this.ifaces = [];
      } else if (type === IDB) {
        if (blen < 20) {
          step = this.skip(input, p, blen, undefined, `interface block length ${blen} is too short`);
          p += blen;
          break;
        }
        this.ifaces.push(readIface(dv, p, blen, le));
      } else if (type === SPB) {
        // Tshark numbers it as a frame, so it takes a number; it has no timestamp to store.
        step = this.skip(input, p, blen, ++this.seq, 'simple packet block has no timestamp: skipped');
        p += blen;
        break;
      } else if (NUMBERED.has(type)) {
        // Tshark lists these as frames (journal entries, system-call events, custom blocks), so
        // they take a frame number although they carry no packet.
        this.seq++;
      }
      // Every other block (name resolution, statistics, secrets) carries no packet.
      p += blen;
    }
    input.pos = p;
    batch.count = n;
    return step;
  }

  truncated(input: Input): CaptureProblem {
    const left = input.end - input.pos;
    return input.problem(input.pos, left, undefined, `truncated block at end of file (${left} bytes)`);
  }

  private fatal(input: Input, at: number, length: number, reason: string): Step {
    this.problem = input.problem(at, length, undefined, `${reason}; the rest of the file is skipped`);
    this.stopped = true;
    return PROBLEM;
  }

  private skip(input: Input, at: number, length: number, packet: number | undefined, reason: string): Step {
    this.problem = input.problem(at, length, packet, reason);
    return PROBLEM;
  }
}

function packetBlockProblem(blen: number, caplen: number, ifid: number, known: boolean): string | undefined {
  if (caplen < 0) return `packet block length ${blen} is too short`;
  if (caplen > MAX_CAPLEN || 32 + caplen > blen)
    return `captured length ${caplen} does not fit its block of ${blen} bytes`;
  if (!known) return `packet refers to interface ${ifid}, which its section does not describe`;
  return undefined;
}

function hex(v: number): string {
  return v.toString(16).padStart(8, '0');
}

function readIface(dv: DataView, p: number, blen: number, le: boolean): Iface {
  let tsresol = 6;
  let offset = 0;
  const optEnd = p + blen - 4;
  let o = p + 16;
  while (o + 4 <= optEnd) {
    const code = dv.getUint16(o, le);
    const olen = dv.getUint16(o + 2, le);
    if (code === 0 || o + 4 + olen > optEnd) break;
    if (code === 9 && olen >= 1) tsresol = dv.getUint8(o + 4);
    else if (code === 14 && olen >= 8) offset = Number(dv.getBigInt64(o + 4, le));
    o += 4 + ((olen + 3) & ~3);
  }
  const decimal = (tsresol & 0x80) === 0;
  const exp = tsresol & 0x7f;
  const unitsPerSec = decimal ? 10 ** exp : 2 ** exp;
  return {
    linktype: dv.getUint16(p + 8, le),
    decimal,
    exp,
    unitsPerSec,
    nsPerUnit: decimal && exp <= 9 ? 10 ** (9 - exp) : 0,
    offset,
    nanos: unitsPerSec > 1e6,
  };
}

/**
 * Row `n`'s (sec, nsec) from a 64-bit count of the interface's units, exactly: nanoseconds are
 * floored as Wireshark does. Double arithmetic is exact below 2^53; the common decimal
 * resolutions (µs, ns) past that use long division by 16-bit digits; the rest use BigInt.
 */
function setTime(f: Iface, hi: number, lo: number, batch: PacketBatch, n: number): void {
  let sec: number;
  let nsec: number;
  const div = f.unitsPerSec;
  if (f.decimal && f.exp <= 9) {
    let rem: number;
    if (hi < 0x200000) {
      const units = hi * 4294967296 + lo;
      sec = Math.floor(units / div);
      rem = units - sec * div;
    } else {
      const qh = Math.floor(hi / div);
      let t = (hi - qh * div) * 65536 + (lo >>> 16);
      const q1 = Math.floor(t / div);
      t = (t - q1 * div) * 65536 + (lo & 0xffff);
      const q0 = Math.floor(t / div);
      rem = t - q0 * div;
      sec = qh * 4294967296 + q1 * 65536 + q0;
    }
    nsec = rem * f.nsPerUnit;
  } else if (!f.decimal && f.exp <= 23 && hi < 0x200000) {
    const units = hi * 4294967296 + lo;
    sec = Math.floor(units / div);
    nsec = Math.floor(((units - sec * div) * 1e9) / div);
  } else {
    const units = (BigInt(hi) << 32n) | BigInt(lo);
    const per = f.decimal ? 10n ** BigInt(f.exp) : 1n << BigInt(f.exp);
    sec = Number(units / per);
    nsec = Number(((units % per) * 1_000_000_000n) / per);
  }
  batch.tsSec[n] = sec + f.offset;
  batch.tsNsec[n] = nsec;
}

// ---------------------------------------------------------------------------------------------
// Writers

export interface PcapWriterOptions {
  /** LINKTYPE_ of every packet. */
  linktype: number;
  /** Nanosecond timestamps (magic a1b23c4d); else microseconds, with tsNsec truncated to µs. */
  nanos: boolean;
  /** Snapshot length in the header (default 262144); raised at close to the largest caplen written. */
  snaplen?: number;
  /** Bytes gathered per write (default 4 MiB). */
  bufferBytes?: number;
}

export interface PcapngWriterOptions {
  /** Nanosecond timestamps (if_tsresol 9); else microseconds, with tsNsec truncated to µs. */
  nanos: boolean;
  /** Snapshot length of every interface (default 0: no limit). */
  snaplen?: number;
  bufferBytes?: number;
}

const WRITE_BUFFER = 4 << 20;

/**
 * Records gathered into large buffers; each full buffer is written while the next fills. A
 * failed write is kept and thrown from the next {@link drain} or {@link close}.
 */
class Sink {
  buf: Uint8Array;
  view: DataView;
  private used = 0;
  /** File offset where `buf` goes. */
  private at = 0;
  private queued = 0;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly fh: FileHandle,
    private readonly owned: boolean,
    private readonly path: string,
    private readonly size: number,
  ) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  /** Whether enough is queued that the caller should await {@link drain}. */
  get busy(): boolean {
    return this.queued > 2 * this.size;
  }

  /** Room for `n` bytes: the offset in `buf` to write them at. */
  reserve(n: number): number {
    if (this.failure !== undefined) throw this.error();
    if (this.used + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) {
        this.buf = new Uint8Array(n);
        this.view = new DataView(this.buf.buffer);
      }
    }
    const o = this.used;
    this.used += n;
    return o;
  }

  flush(): void {
    if (this.used === 0) return;
    const buf = this.buf;
    const length = this.used;
    const position = this.at;
    this.at += length;
    this.queued += length;
    this.chain = this.chain
      .then(async () => {
        if (this.failure === undefined) await this.fh.write(buf, 0, length, position);
      })
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => {
        this.queued -= length;
      });
    // The buffer now belongs to the queued write; the next records go to a fresh one.
    this.buf = new Uint8Array(this.size);
    this.view = new DataView(this.buf.buffer);
    this.used = 0;
  }

  async drain(): Promise<void> {
    this.flush();
    await this.chain;
    if (this.failure !== undefined) throw this.error();
  }

  /** Overwrite bytes already written at `position` (a header field known only at the end). */
  async patch(position: number, bytes: Uint8Array): Promise<void> {
    await this.drain();
    try {
      await this.fh.write(bytes, 0, bytes.length, position);
    } catch (e) {
      this.failure = e;
      throw this.error();
    }
  }

  async close(): Promise<number> {
    try {
      await this.drain();
    } finally {
      if (this.owned) await this.fh.close();
    }
    return this.at;
  }

  private error(): InfraError {
    return new InfraError('pcap_write', `${this.path}: write failed`, { cause: this.failure });
  }
}

async function openOutput(
  target: string | FileHandle,
): Promise<{ fh: FileHandle; owned: boolean; path: string }> {
  if (typeof target !== 'string') return { fh: target, owned: false, path: `fd ${target.fd}` };
  try {
    return { fh: await open(target, 'w'), owned: true, path: target };
  } catch (e) {
    throw new InfraError('pcap_write', `${target}: cannot create capture file`, { cause: e });
  }
}

/**
 * A libpcap file (little-endian), records in the order written.
 * @example
 * const w = await PcapWriter.open('out.pcap', { linktype: 1, nanos: false });
 * if (!w.write(sec, nsec, len, bytes)) await w.drain();
 * const bytesWritten = await w.close();
 */
export class PcapWriter {
  private maxCaplen = 0;

  private constructor(
    private readonly sink: Sink,
    private readonly nanos: boolean,
    private readonly snaplen: number,
  ) {}

  /** Create (or truncate) `target`, or write to an open handle (left open by {@link close}). */
  static async open(target: string | FileHandle, options: PcapWriterOptions): Promise<PcapWriter> {
    const { fh, owned, path } = await openOutput(target);
    const sink = new Sink(fh, owned, path, options.bufferBytes ?? WRITE_BUFFER);
    const snaplen = options.snaplen ?? 262144;
    const o = sink.reserve(24);
    const v = sink.view;
    v.setUint32(o, options.nanos ? 0xa1b23c4d : 0xa1b2c3d4, true);
    v.setUint16(o + 4, 2, true);
    v.setUint16(o + 6, 4, true);
    v.setUint32(o + 8, 0, true);
    v.setUint32(o + 12, 0, true);
    v.setUint32(o + 16, snaplen, true);
    v.setUint32(o + 20, options.linktype, true);
    return new PcapWriter(sink, options.nanos, snaplen);
  }

  /**
   * Add one packet; `data.length` is its captured length. Returns false when enough is queued
   * that the caller should `await drain()` before writing more.
   */
  write(tsSec: number, tsNsec: number, len: number, data: Uint8Array): boolean {
    const caplen = data.length;
    const s = this.sink;
    const o = s.reserve(16 + caplen);
    const v = s.view;
    v.setUint32(o, tsSec, true);
    v.setUint32(o + 4, this.nanos ? tsNsec : Math.floor(tsNsec / 1000), true);
    v.setUint32(o + 8, caplen, true);
    v.setUint32(o + 12, len, true);
    s.buf.set(data, o + 16);
    if (caplen > this.maxCaplen) this.maxCaplen = caplen;
    return !s.busy;
  }

  /** Wait until the queued writes are done. */
  drain(): Promise<void> {
    return this.sink.drain();
  }

  /** Finish the file; returns the bytes written. */
  async close(): Promise<number> {
    if (this.maxCaplen > this.snaplen) {
      const field = new Uint8Array(4);
      new DataView(field.buffer).setUint32(0, this.maxCaplen, true);
      await this.sink.patch(16, field);
    }
    return this.sink.close();
  }
}

/**
 * A pcapng file for packets of several link types: one section, an interface per link type
 * (described on first use), enhanced packet blocks in the order written.
 */
export class PcapngWriter {
  private readonly ifaceOf = new Map<number, number>();
  private lastLinktype = -1;
  private lastIface = 0;

  private constructor(
    private readonly sink: Sink,
    private readonly nanos: boolean,
    private readonly snaplen: number,
  ) {}

  static async open(target: string | FileHandle, options: PcapngWriterOptions): Promise<PcapngWriter> {
    const { fh, owned, path } = await openOutput(target);
    const sink = new Sink(fh, owned, path, options.bufferBytes ?? WRITE_BUFFER);
    const o = sink.reserve(28);
    const v = sink.view;
    v.setUint32(o, SHB, true);
    v.setUint32(o + 4, 28, true);
    v.setUint32(o + 8, 0x1a2b3c4d, true);
    v.setUint16(o + 12, 1, true);
    v.setUint16(o + 14, 0, true);
    // Section length unknown: -1.
    v.setInt32(o + 16, -1, true);
    v.setInt32(o + 20, -1, true);
    v.setUint32(o + 24, 28, true);
    return new PcapngWriter(sink, options.nanos, options.snaplen ?? 0);
  }

  /** Add one packet (see {@link PcapWriter.write}). */
  write(linktype: number, tsSec: number, tsNsec: number, len: number, data: Uint8Array): boolean {
    const iface = linktype === this.lastLinktype ? this.lastIface : this.iface(linktype);
    const caplen = data.length;
    const padded = (caplen + 3) & ~3;
    const blen = 32 + padded;
    const s = this.sink;
    const o = s.reserve(blen);
    const v = s.view;
    const perSec = this.nanos ? 1e9 : 1e6;
    const sub = this.nanos ? tsNsec : Math.floor(tsNsec / 1000);
    // sec·perSec + sub can pass 2^53, so the 64-bit count is built in 16-bit pieces.
    const secHi = Math.floor(tsSec / 65536);
    let low = (tsSec - secHi * 65536) * perSec + sub;
    const carry = Math.floor(low / 65536);
    low -= carry * 65536;
    const high = secHi * perSec + carry;
    const hi32 = Math.floor(high / 65536);
    v.setUint32(o, EPB, true);
    v.setUint32(o + 4, blen, true);
    v.setUint32(o + 8, iface, true);
    v.setUint32(o + 12, hi32, true);
    v.setUint32(o + 16, (high - hi32 * 65536) * 65536 + low, true);
    v.setUint32(o + 20, caplen, true);
    v.setUint32(o + 24, len, true);
    s.buf.set(data, o + 28);
    s.buf.fill(0, o + 28 + caplen, o + 28 + padded);
    v.setUint32(o + 28 + padded, blen, true);
    return !s.busy;
  }

  drain(): Promise<void> {
    return this.sink.drain();
  }

  async close(): Promise<number> {
    return this.sink.close();
  }

  private iface(linktype: number): number {
    let id = this.ifaceOf.get(linktype);
    if (id === undefined) {
      id = this.ifaceOf.size;
      this.ifaceOf.set(linktype, id);
      // if_tsresol (9 = 10^-9) when nanoseconds, then opt_endofopt.
      const blen = this.nanos ? 32 : 20;
      const s = this.sink;
      const o = s.reserve(blen);
      const v = s.view;
      v.setUint32(o, IDB, true);
      v.setUint32(o + 4, blen, true);
      v.setUint16(o + 8, linktype, true);
      v.setUint16(o + 10, 0, true);
      v.setUint32(o + 12, this.snaplen, true);
      if (this.nanos) {
        v.setUint16(o + 16, 9, true);
        v.setUint16(o + 18, 1, true);
        v.setUint32(o + 20, 9, true);
        v.setUint32(o + 24, 0, true);
      }
      v.setUint32(o + blen - 4, blen, true);
    }
    this.lastLinktype = linktype;
    this.lastIface = id;
    return id;
  }
}
