import { createReadStream } from 'node:fs';

/** One raw record read from a file: its bytes and where it came from. */
export interface RawRecord {
  file: string;
  /** 1-based line number. */
  line: number;
  bytes: Buffer;
  /** The line was longer than the reader's limit: `bytes` holds its first limit + 1 bytes. */
  truncated?: boolean;
}

export interface ReadOptions {
  /** Longest line kept whole, in bytes; longer ones are cut to this + 1 (default 16 MiB). */
  maxLineBytes?: number;
}

const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Lines of a file (or standard input, `-`) as raw bytes, one record per line. Bytes are kept as
 * read so a record that fails can go to `errors` exactly as it arrived; a trailing `\r` (CRLF
 * files) is dropped. A line over the limit is cut (and flagged) rather than held whole, so a
 * file without newlines cannot exhaust memory.
 */
export async function* readLines(file: string, options: ReadOptions = {}): AsyncGenerator<RawRecord> {
  const limit = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const input = (
    file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 })
  ) as AsyncIterable<Buffer>;
  const name = file === '-' ? '(stdin)' : file;
  let line = 0;
  let carry: Buffer | undefined;
  let truncated = false;
  const take = (piece: Buffer) => {
    if (truncated) return;
    const next = carry ? Buffer.concat([carry, piece]) : Buffer.from(piece);
    if (next.length > limit) {
      carry = next.subarray(0, limit + 1);
      truncated = true;
    } else carry = next;
  };
  for await (const chunk of input) {
    let start = 0;
    let at = chunk.indexOf(NEWLINE, start);
    while (at !== -1) {
      const piece = chunk.subarray(start, at);
      let bytes: Buffer;
      if (carry || truncated) {
        take(piece);
        bytes = carry ?? Buffer.alloc(0);
      } else bytes = piece.length > limit ? piece.subarray(0, limit + 1) : piece;
      const cut = truncated || piece.length > limit;
      carry = undefined;
      truncated = false;
      line++;
      yield cut ? { file: name, line, bytes, truncated: true } : { file: name, line, bytes: trimCr(bytes) };
      start = at + 1;
      at = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) take(chunk.subarray(start));
  }
  if (carry && carry.length > 0) {
    yield truncated
      ? { file: name, line: line + 1, bytes: carry, truncated: true }
      : { file: name, line: line + 1, bytes: trimCr(carry) };
  }
}

function trimCr(bytes: Buffer): Buffer {
  return bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, bytes.length - 1) : bytes;
}
