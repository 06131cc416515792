import { createReadStream } from 'node:fs';

/** One raw record read from a file: its bytes and where it came from. */
export interface RawRecord {
  file: string;
  /** 1-based line number. */
  line: number;
  bytes: Buffer;
}

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Lines of a file as raw bytes, one record per line. Bytes are kept as read so a record that
 * fails can go to `errors` exactly as it arrived; a trailing `\r` (CRLF files) is dropped.
 */
export async function* readLines(file: string): AsyncGenerator<RawRecord> {
  let line = 0;
  let carry: Buffer | undefined;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    let at = chunk.indexOf(NEWLINE, start);
    while (at !== -1) {
      const piece = chunk.subarray(start, at);
      const bytes = carry ? Buffer.concat([carry, piece]) : piece;
      carry = undefined;
      line++;
      yield { file, line, bytes: trimCr(bytes) };
      start = at + 1;
      at = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      carry = carry ? Buffer.concat([carry, rest]) : Buffer.from(rest);
    }
  }
  if (carry && carry.length > 0) yield { file, line: line + 1, bytes: trimCr(carry) };
}

function trimCr(bytes: Buffer): Buffer {
  return bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, bytes.length - 1) : bytes;
}
