import { createHash, getHashes } from 'node:crypto';
import { isNumber, kindOf, Lambda, mapGet, numValue, toJavaString, typeName, type Value } from '../values.js';
import { castString, convertBooleanText, javaTrim } from './coerce.js';
import { type FunctionDef, fail } from './types.js';

/**
 * Stellar's encoding and hashing functions: Metron's EncodingFunctions (commons-codec Base32,
 * Base64, BinaryCodec and Hex, as commons-codec 1.10 behaves: lenient decoding, upper-case
 * Base32 alphabets) and HashFunctions (JDK MessageDigest names over Node's digests, and TLSH —
 * Trend Micro's locality-sensitive hash, implemented here from the published algorithm).
 */

// ---------------------------------------------------------------------------------------------
// Bytes and charsets, the Java way
// ---------------------------------------------------------------------------------------------

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

/** Java's `getBytes(UTF_8)`: like Node's, except an unpaired surrogate becomes '?' (not U+FFFD). */
function utf8(s: string): Uint8Array {
  if (ANY_SURROGATE.test(s) && LONE_SURROGATE.test(s)) s = s.replace(/[\uD800-\uDFFF]/gu, '?');
  return Buffer.from(s, 'utf8');
}

const fromUtf8 = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

type Charset = 'UTF-8' | 'UTF-16' | 'UTF-16BE' | 'UTF-16LE' | 'ISO-8859-1' | 'US-ASCII';

/** Java charset names and common aliases (case-insensitive) for the charsets HASH supports. */
const CHARSETS: Record<string, Charset> = {
  'UTF-8': 'UTF-8',
  UTF8: 'UTF-8',
  'UTF-16': 'UTF-16',
  UTF16: 'UTF-16',
  'UTF-16BE': 'UTF-16BE',
  UTF_16BE: 'UTF-16BE',
  'X-UTF-16BE': 'UTF-16BE',
  'UTF-16LE': 'UTF-16LE',
  UTF_16LE: 'UTF-16LE',
  'X-UTF-16LE': 'UTF-16LE',
  'ISO-8859-1': 'ISO-8859-1',
  ISO8859_1: 'ISO-8859-1',
  ISO_8859_1: 'ISO-8859-1',
  'ISO8859-1': 'ISO-8859-1',
  '8859_1': 'ISO-8859-1',
  LATIN1: 'ISO-8859-1',
  L1: 'ISO-8859-1',
  'US-ASCII': 'US-ASCII',
  ASCII: 'US-ASCII',
  US: 'US-ASCII',
  'ISO646-US': 'US-ASCII',
};

function charsetOf(name: string): Charset {
  const cs = CHARSETS[name.toUpperCase()];
  return (
    cs ??
    fail(
      `HASH: unsupported charset '${name}' (supported: UTF-8, UTF-16, UTF-16BE, UTF-16LE, ISO-8859-1, US-ASCII)`,
    )
  );
}

/** `String.getBytes(charset)`: unmappable characters become '?'. */
function encodeString(s: string, cs: Charset): Uint8Array {
  switch (cs) {
    case 'UTF-8':
      return utf8(s);
    case 'ISO-8859-1':
    case 'US-ASCII': {
      const max = cs === 'US-ASCII' ? 0x7f : 0xff;
      const out = new Uint8Array([...s].length);
      let i = 0;
      for (const ch of s) {
        const c = ch.codePointAt(0) as number;
        out[i++] = c <= max ? c : 0x3f;
      }
      return out;
    }
    default: {
      const le = Buffer.from(s, 'utf16le');
      if (cs === 'UTF-16LE') return le;
      const be = Buffer.from(le).swap16();
      // Java's "UTF-16" encoder writes a big-endian byte-order mark.
      return cs === 'UTF-16' ? Buffer.concat([Buffer.from([0xfe, 0xff]), be]) : be;
    }
  }
}

/** `new String(bytes, charset)`. */
function decodeString(b: Uint8Array, cs: Charset): string {
  const buf = Buffer.from(b);
  switch (cs) {
    case 'UTF-8':
      return fromUtf8(b);
    case 'ISO-8859-1':
      return buf.toString('latin1');
    case 'US-ASCII':
      return [...buf].map((c) => (c < 0x80 ? String.fromCharCode(c) : '\uFFFD')).join('');
    case 'UTF-16LE':
      return buf.toString('utf16le');
    default: {
      let bytes = buf;
      let littleEndian = false;
      if (cs === 'UTF-16' && bytes.length >= 2) {
        if (bytes[0] === 0xfe && bytes[1] === 0xff) bytes = bytes.subarray(2);
        else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
          bytes = bytes.subarray(2);
          littleEndian = true;
        }
      }
      const even = Buffer.from(bytes.subarray(0, bytes.length & ~1));
      return (littleEndian ? even : even.swap16()).toString('utf16le') + (bytes.length & 1 ? '\uFFFD' : '');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// commons-codec encodings
// ---------------------------------------------------------------------------------------------

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE32HEX_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUV';
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeTable(alphabet: string, extra: Record<string, number> = {}): Int8Array {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  for (const [c, v] of Object.entries(extra)) t[c.charCodeAt(0)] = v;
  return t;
}

const BASE32_TABLE = decodeTable(BASE32_ALPHABET);
const BASE32HEX_TABLE = decodeTable(BASE32HEX_ALPHABET);
// commons-codec's Base64 decoder also accepts the URL-safe alphabet.
const BASE64_TABLE = decodeTable(BASE64_ALPHABET, { '-': 62, _: 63 });

const isCodecSpace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** `isInAlphabet(s, allowWSPad=true)` / `Base64.isBase64(s)`: alphabet, padding or whitespace bytes only. */
function inAlphabet(s: string, table: Int8Array): boolean {
  for (const b of utf8(s)) {
    if (b < 128 && (table[b] as number) >= 0) continue;
    if (b === 0x3d || isCodecSpace(b)) continue;
    return false;
  }
  return true;
}

/** commons-codec BaseNCodec decoding: skips bytes outside the alphabet, stops at '=', drops partial bytes. */
function decodeBaseN(s: string, table: Int8Array, bitsPerChar: number): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const b of utf8(s)) {
    if (b === 0x3d) break;
    const v = b < 128 ? (table[b] as number) : -1;
    if (v < 0) continue;
    acc = ((acc << bitsPerChar) | v) & 0xffff;
    bits += bitsPerChar;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

function encodeBase32(bytes: Uint8Array, alphabet: string): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += alphabet[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += alphabet[(acc << (5 - bits)) & 31];
  return out + '='.repeat((8 - (out.length % 8)) % 8);
}

/** commons-codec BinaryCodec.toAsciiString: eight '0'/'1' chars per byte, the last byte first. */
function toBinaryAscii(bytes: Uint8Array): string {
  let out = '';
  for (let i = bytes.length - 1; i >= 0; i--) out += (bytes[i] as number).toString(2).padStart(8, '0');
  return out;
}

/** BinaryCodec.fromAscii: reads groups of eight from the end; any char but '1' is a 0 bit. */
function fromBinaryAscii(s: string): Uint8Array {
  const ascii = utf8(s);
  const out = new Uint8Array(ascii.length >> 3);
  for (let i = 0, j = ascii.length - 1; i < out.length; i++, j -= 8) {
    let b = 0;
    for (let bit = 0; bit < 8; bit++) if (ascii[j - bit] === 0x31) b |= 1 << bit;
    out[i] = b;
  }
  return out;
}

/** commons-codec Hex.decodeHex: an even number of hex digits, else undefined. */
function decodeHex(s: string): Uint8Array | undefined {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return undefined;
  return Buffer.from(s, 'hex');
}

interface Encoding {
  is(s: string): boolean;
  decode(s: string): string;
  encode(s: string): string;
}

/** Metron's `Encodings` enum. */
const ENCODINGS: Record<string, Encoding> = {
  BASE32: {
    is: (s) => inAlphabet(s, BASE32_TABLE),
    decode: (s) => fromUtf8(decodeBaseN(s, BASE32_TABLE, 5)),
    encode: (s) => encodeBase32(utf8(s), BASE32_ALPHABET),
  },
  BASE32HEX: {
    is: (s) => inAlphabet(s, BASE32HEX_TABLE),
    decode: (s) => fromUtf8(decodeBaseN(s, BASE32HEX_TABLE, 5)),
    encode: (s) => encodeBase32(utf8(s), BASE32HEX_ALPHABET),
  },
  BASE64: {
    is: (s) => inAlphabet(s, BASE64_TABLE),
    decode: (s) => fromUtf8(decodeBaseN(s, BASE64_TABLE, 6)),
    encode: (s) => Buffer.from(utf8(s)).toString('base64'),
  },
  BINARY: {
    is: (s) => {
      for (const b of utf8(s)) if (b !== 0x30 && b !== 0x31) return false;
      return true;
    },
    decode: (s) => {
      const text = fromUtf8(fromBinaryAscii(s));
      return javaTrim(text) === '' ? s : text;
    },
    encode: (s) => toBinaryAscii(utf8(s)),
  },
  HEX: {
    is: (s) => decodeHex(s) !== undefined,
    decode: (s) => {
      const bytes = decodeHex(s);
      return bytes === undefined ? s : fromUtf8(bytes);
    },
    encode: (s) => Buffer.from(utf8(s)).toString('hex'),
  },
};

const SUPPORTED_ENCODINGS = ['BASE32', 'BASE32HEX', 'BASE64', 'BINARY', 'HEX'];

/** IS_ENCODING, DECODE and ENCODE's first two arguments, cast to strings; null when either is null or empty. */
function textAndEncoding(fn: string, s: Value | undefined, e: Value | undefined): [string, string] | null {
  const str = castString(fn, s);
  const enc = castString(fn, e);
  return str === null || str === '' || enc === null || enc === '' ? null : [str, enc];
}

function encodingOf(name: string): Encoding {
  return ENCODINGS[name.toUpperCase()] ?? fail(`Encoding ${name} not supported`);
}

// ---------------------------------------------------------------------------------------------
// Message digests (DefaultHasher)
// ---------------------------------------------------------------------------------------------

/** Java MessageDigest names (as `Security.getAlgorithms` lists them) → Node digest names. */
const JAVA_DIGESTS: readonly (readonly [string, string])[] = [
  ['MD2', 'md2'],
  ['MD5', 'md5'],
  ['SHA', 'sha1'],
  ['SHA-1', 'sha1'],
  ['SHA-224', 'sha224'],
  ['SHA-256', 'sha256'],
  ['SHA-384', 'sha384'],
  ['SHA-512', 'sha512'],
  ['SHA-512/224', 'sha512-224'],
  ['SHA-512/256', 'sha512-256'],
  ['SHA3-224', 'sha3-224'],
  ['SHA3-256', 'sha3-256'],
  ['SHA3-384', 'sha3-384'],
  ['SHA3-512', 'sha3-512'],
];

const NODE_HASHES = new Set(getHashes());
/** The digests this Node build offers, by Java name. */
const DIGESTS = new Map(JAVA_DIGESTS.filter(([, node]) => NODE_HASHES.has(node)));
const DIGEST_LENGTHS = new Map([...DIGESTS.values()].map((n) => [n, createHash(n).digest().length]));
const HASHES_AVAILABLE = [...DIGESTS.keys(), 'TLSH'];

/** Java serialization stream prefixes (`ObjectOutputStream.writeObject`) of the boxed scalars and byte[]. */
const SERIAL_PREFIX = {
  int: 'aced0005737200116a6176612e6c616e672e496e746567657212e2a0a4f781873802000149000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b0200007870',
  long: 'aced00057372000e6a6176612e6c616e672e4c6f6e673b8be490cc8f23df0200014a000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b0200007870',
  float:
    'aced00057372000f6a6176612e6c616e672e466c6f6174daedc9a2db3cf0ec02000146000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b0200007870',
  double:
    'aced0005737200106a6176612e6c616e672e446f75626c6580b3c24a296bfb0402000144000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b0200007870',
  boolean: 'aced0005737200116a6176612e6c616e672e426f6f6c65616ecd207280d59cfaee0200015a000576616c75657870',
  bytes: 'aced0005757200025b42acf317f8060854e00200007870',
} as const;

/** The bytes Metron hashes for a non-string value: Java serialization (SerializationUtils.serialize). */
function javaSerialized(v: Value): Uint8Array | undefined {
  if (v instanceof Lambda) return undefined;
  let prefix: string;
  let body: Buffer;
  if (typeof v === 'boolean') {
    prefix = SERIAL_PREFIX.boolean;
    body = Buffer.from([v ? 1 : 0]);
  } else if (isNumber(v)) {
    const kind = kindOf(v);
    const x = numValue(v);
    prefix = SERIAL_PREFIX[kind];
    body = Buffer.alloc(kind === 'int' || kind === 'float' ? 4 : 8);
    if (kind === 'int') body.writeInt32BE(x);
    else if (kind === 'long') body.writeBigInt64BE(BigInt.asIntN(64, BigInt(x)));
    else if (kind === 'float') body.writeFloatBE(x);
    else body.writeDoubleBE(x);
  } else if (v instanceof Uint8Array) {
    prefix = SERIAL_PREFIX.bytes;
    body = Buffer.alloc(4 + v.length);
    body.writeInt32BE(v.length);
    body.set(v, 4);
  } else {
    return fail(
      `HASH: hashing a ${typeName(v)} needs Java object serialization of it, which Palisade does not reproduce`,
    );
  }
  return Buffer.concat([Buffer.from(prefix, 'hex'), body]);
}

function digestHash(nodeName: string, toHash: Value, config: Map<Value, Value> | undefined): Value {
  let charset: Charset = 'UTF-8';
  if (config !== undefined && config.size > 0) {
    const name = mapGet(config, 'charset');
    if (name !== undefined && name !== null) {
      const text = Array.isArray(name) ? (name[0] ?? null) : name;
      if (text !== null) charset = charsetOf(toJavaString(text as Value));
    }
  }
  if (toHash === null) return '00'.repeat(DIGEST_LENGTHS.get(nodeName) ?? 0);
  const bytes = typeof toHash === 'string' ? encodeString(toHash, charset) : javaSerialized(toHash);
  if (bytes === undefined) return null;
  const hex = createHash(nodeName).update(bytes).digest('hex');
  // Metron decodes the hex digits' UTF-8 bytes with the configured charset (a no-op for ASCII-compatible ones).
  return charset === 'UTF-8' || charset === 'ISO-8859-1' || charset === 'US-ASCII'
    ? hex
    : decodeString(Buffer.from(hex, 'latin1'), charset);
}

// ---------------------------------------------------------------------------------------------
// TLSH
// ---------------------------------------------------------------------------------------------

/** Pearson's table from the TLSH reference implementation. */
const PEARSON = Uint8Array.from([
  1, 87, 49, 12, 176, 178, 102, 166, 121, 193, 6, 84, 249, 230, 44, 163, 14, 197, 213, 181, 161, 85, 218, 80,
  64, 239, 24, 226, 236, 142, 38, 200, 110, 177, 104, 103, 141, 253, 255, 50, 77, 101, 81, 18, 45, 96, 31,
  222, 25, 107, 190, 70, 86, 237, 240, 34, 72, 242, 20, 214, 244, 227, 149, 235, 97, 234, 57, 22, 60, 250, 82,
  175, 208, 5, 127, 199, 111, 62, 135, 248, 174, 169, 211, 58, 66, 154, 106, 195, 245, 171, 17, 187, 182, 179,
  0, 243, 132, 56, 148, 75, 128, 133, 158, 100, 130, 126, 91, 13, 153, 246, 216, 219, 119, 68, 223, 78, 83,
  88, 201, 99, 122, 11, 92, 32, 136, 114, 52, 10, 138, 30, 48, 183, 156, 35, 61, 26, 143, 74, 251, 94, 129,
  162, 63, 152, 170, 7, 115, 167, 241, 206, 3, 150, 55, 59, 151, 220, 90, 53, 23, 131, 125, 173, 15, 238, 79,
  95, 89, 16, 105, 137, 225, 224, 217, 160, 37, 123, 118, 73, 2, 157, 46, 116, 9, 145, 134, 228, 207, 212,
  202, 215, 69, 229, 27, 188, 67, 124, 168, 252, 42, 4, 29, 108, 21, 247, 19, 205, 39, 203, 233, 40, 186, 147,
  198, 192, 155, 33, 164, 191, 98, 204, 165, 180, 117, 76, 140, 36, 210, 172, 41, 54, 159, 8, 185, 232, 113,
  196, 231, 47, 146, 120, 51, 65, 28, 144, 254, 221, 93, 189, 194, 139, 112, 43, 71, 109, 184, 209,
]);

/** TLSH's salted Pearson hash of three bytes. */
function pearson(salt: number, i: number, j: number, k: number): number {
  let h = PEARSON[salt] as number;
  h = PEARSON[h ^ i] as number;
  h = PEARSON[h ^ j] as number;
  return PEARSON[h ^ k] as number;
}

/** The length byte: a logarithmic bucket of the data length. */
function lengthCapture(len: number): number {
  let i: number;
  if (len <= 656) i = Math.floor(Math.log(len) / 0.4054651);
  else if (len <= 3199) i = Math.floor(Math.log(len) / 0.26236426 - 8.72777);
  else i = Math.floor(Math.log(len) / 0.09531018 - 62.5472);
  return i & 0xff;
}

const bump = (counts: Uint32Array, i: number): void => {
  counts[i] = (counts[i] as number) + 1;
};

interface TlshOptions {
  buckets: 128 | 256;
  checksumLength: 1 | 3;
}

const HEX_UPPER = '0123456789ABCDEF';
const hexByte = (b: number): string => (HEX_UPPER[(b >> 4) & 15] as string) + HEX_UPPER[b & 15];
const hexSwapped = (b: number): string => (HEX_UPPER[b & 15] as string) + HEX_UPPER[(b >> 4) & 15];

/**
 * The TLSH digest of `data` (hex, no version prefix — the encoding of the TLSH Java library
 * Metron uses), or undefined when there is too little data (50 bytes when forced, else 256) or
 * too little variety (no more than half the buckets used).
 */
export function tlsh(data: Uint8Array, options: TlshOptions, force: boolean): string | undefined {
  const len = data.length;
  if (len < 50 || (!force && len < 256)) return undefined;
  const counts = new Uint32Array(256);
  const checksum = new Uint8Array(options.checksumLength);
  for (let i = 4; i < len; i++) {
    const a = data[i] as number;
    const b = data[i - 1] as number;
    const c = data[i - 2] as number;
    const d = data[i - 3] as number;
    const e = data[i - 4] as number;
    checksum[0] = pearson(0, a, b, checksum[0] as number);
    for (let k = 1; k < checksum.length; k++)
      checksum[k] = pearson(checksum[k - 1] as number, a, b, checksum[k] as number);
    bump(counts, pearson(2, a, b, c));
    bump(counts, pearson(3, a, b, d));
    bump(counts, pearson(5, a, c, d));
    bump(counts, pearson(7, a, c, e));
    bump(counts, pearson(11, a, b, e));
    bump(counts, pearson(13, a, d, e));
  }
  const n = options.buckets;
  const used = counts.subarray(0, n);
  let nonzero = 0;
  for (const x of used) if (x > 0) nonzero++;
  if (nonzero <= n / 2) return undefined;
  const sorted = Uint32Array.from(used).sort();
  const q1 = sorted[n / 4 - 1] as number;
  const q2 = sorted[n / 2 - 1] as number;
  const q3 = sorted[(3 * n) / 4 - 1] as number;
  if (q3 === 0) return undefined;
  const codes = new Uint8Array(n / 4);
  for (let i = 0; i < codes.length; i++) {
    let h = 0;
    for (let j = 0; j < 4; j++) {
      const k = used[4 * i + j] as number;
      if (q3 < k) h += 3 << (j * 2);
      else if (q2 < k) h += 2 << (j * 2);
      else if (q1 < k) h += 1 << (j * 2);
    }
    codes[i] = h;
  }
  // Java computes the quartile ratios in float arithmetic.
  const ratio = (q: number): number =>
    Math.trunc(Math.fround(Math.fround(Math.fround(q) * 100) / Math.fround(q3))) & 0xf;
  let out = '';
  for (const c of checksum) out += hexSwapped(c);
  out += hexSwapped(lengthCapture(len));
  out += hexByte((ratio(q1) << 4) | ratio(q2));
  for (let i = codes.length - 1; i >= 0; i--) out += hexByte(codes[i] as number);
  return out;
}

interface ParsedTlsh {
  checksum: number[];
  lvalue: number;
  q1: number;
  q2: number;
  codes: number[];
}

const TLSH_LENGTHS: Record<number, [number, number]> = {
  70: [128, 1],
  74: [128, 3],
  134: [256, 1],
  138: [256, 3],
};

function parseTlsh(s: string): ParsedTlsh {
  const shape = TLSH_LENGTHS[s.length];
  if (shape === undefined)
    return fail('TLSH_DIST: Invalid hash string, length does not match any known encoding');
  if (!/^[0-9a-fA-F]*$/.test(s)) return fail(`TLSH_DIST: Invalid hex character in '${s}'`);
  const byte = (i: number): number => Number.parseInt(s.slice(2 * i, 2 * i + 2), 16);
  const swapped = (i: number): number => ((byte(i) & 15) << 4) | (byte(i) >> 4);
  const [buckets, checksumLength] = shape;
  const checksum = Array.from({ length: checksumLength }, (_, i) => swapped(i));
  const q = byte(checksumLength + 1);
  const codeCount = buckets / 4;
  const codes = Array.from({ length: codeCount }, (_, i) => byte(checksumLength + 2 + codeCount - 1 - i));
  return { checksum, lvalue: swapped(checksumLength), q1: q >> 4, q2: q & 15, codes };
}

const modDiff = (x: number, y: number, range: number): number => {
  const dl = y > x ? y - x : x - y;
  const dr = y > x ? x + range - y : y + range - x;
  return Math.min(dl, dr);
};

/** Two-bit-pair distances between code bytes: |a-b| per pair, 3 apart counts 6. */
const PAIR_DIFF = (() => {
  const t = new Uint8Array(256 * 256);
  for (let i = 0; i < 256; i++) {
    for (let j = 0; j < 256; j++) {
      let x = i;
      let y = j;
      let diff = 0;
      for (let k = 0; k < 4; k++) {
        const d = Math.abs((x % 4) - (y % 4));
        diff += d === 3 ? 6 : d;
        x >>= 2;
        y >>= 2;
      }
      t[i * 256 + j] = diff;
    }
  }
  return t;
})();

/** TLSH's `totalDiff`: 0 for near-identical data, growing with dissimilarity. */
export function tlshDistance(h1: string, h2: string, includeLength: boolean): number {
  if (h1 === h2) return 0;
  const a = parseTlsh(h1);
  const b = parseTlsh(h2);
  if (a.checksum.length !== b.checksum.length || a.codes.length !== b.codes.length) {
    return fail(
      'TLSH_DIST: Given TLSH structure was created with different options from this hash and cannot be compared',
    );
  }
  let diff = 0;
  if (includeLength) {
    const l = modDiff(a.lvalue, b.lvalue, 256);
    diff = l <= 1 ? l : l * 12;
  }
  for (const [x, y] of [
    [a.q1, b.q1],
    [a.q2, b.q2],
  ] as const) {
    const q = modDiff(x, y, 16);
    diff += q <= 1 ? q : (q - 1) * 12;
  }
  if (a.checksum.some((c, i) => c !== b.checksum[i])) diff++;
  for (let i = 0; i < a.codes.length; i++)
    diff += PAIR_DIFF[(a.codes[i] as number) * 256 + (b.codes[i] as number)] as number;
  return diff;
}

/** `java.util.Random`, for the reproducible TLSH bin projections. */
class JavaRandom {
  private seed: bigint;
  constructor(seed: bigint) {
    this.seed = (seed ^ 0x5deece66dn) & ((1n << 48n) - 1n);
  }
  private next(bits: number): number {
    this.seed = (this.seed * 0x5deece66dn + 0xbn) & ((1n << 48n) - 1n);
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }
  nextInt(bound: number): number {
    if (bound <= 0) return fail('HASH: TLSH bins need a hash with at least one set bit');
    if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(this.next(31))) >> 31n);
    for (;;) {
      const bits = this.next(31);
      const val = bits % bound;
      if (bits - val + (bound - 1) <= 0x7fffffff) return val;
    }
  }
}

/**
 * Metron's TLSH bins: for each requested size, that many bits sampled (java.util.Random seeded
 * 0) from the hash body, prefixed by the size — a coarse key for clustering similar hashes.
 */
function tlshBins(hash: string, checksumLength: number, sizes: readonly number[]): Map<Value, Value> {
  const random = new JavaRandom(0n);
  const body = Buffer.from(hash.slice(2 * checksumLength), 'hex');
  const bit = (i: number): boolean => (((body[i >> 3] as number) >> (i & 7)) & 1) === 1;
  let length = 0;
  for (let i = body.length * 8 - 1; i >= 0; i--) {
    if (bit(i)) {
      length = i + 1;
      break;
    }
  }
  const out = new Map<Value, Value>();
  for (const size of sizes) {
    const projection = new Uint8Array(Math.ceil(size / 8));
    let highest = -1;
    for (let i = 0; i < size; i++) {
      if (bit(random.nextInt(length))) {
        projection[i >> 3] = (projection[i >> 3] as number) | (1 << (i & 7));
        highest = i;
      }
    }
    const hex = Buffer.from(projection.subarray(0, (highest >> 3) + 1)).toString('hex');
    out.set(sizes.length === 1 ? 'tlsh_bin' : `tlsh_bin_${size}`, `${size}${hex}`);
  }
  return out;
}

/** commons-beanutils BooleanConverter: true/yes/y/on/1 and false/no/n/off/0, else null. */
function convertBoolean(v: Value): boolean | null {
  return typeof v === 'boolean' ? v : convertBooleanText(toJavaString(v));
}

/**
 * commons-beanutils Integer conversion, enough for TLSH options: ints, integral strings, first of
 * a list. Not coerce.ts's `convertInt`: this one refuses Integer.MIN_VALUE and NaN, trims with
 * JavaScript's `trim` and does not look into sets, as HASH's options have always been read.
 */
function optionInt(v: Value): number | null {
  const x = Array.isArray(v) ? (v[0] ?? null) : v;
  if (x === null) return null;
  if (isNumber(x)) {
    const n = Math.trunc(numValue(x));
    return Number.isFinite(n) && Math.abs(n) <= 2147483647 ? n : null;
  }
  if (typeof x === 'boolean') return x ? 1 : 0;
  const s = toJavaString(x as Value).trim();
  return /^[+-]?\d+$/.test(s) && Math.abs(Number(s)) <= 2147483647 ? Number(s) : null;
}

function tlshHash(toHash: Value, config: Map<Value, Value> | undefined): Value {
  let buckets: 128 | 256 = 128;
  let checksumLength: 1 | 3 = 1;
  let force = true;
  let sizes: (number | null)[] = [];
  if (config !== undefined && config.size > 0) {
    const option = (key: string): Value | undefined => {
      const v = mapGet(config, key);
      return v === null ? undefined : v;
    };
    const b = option('bucketSize');
    if (b !== undefined) {
      const n = optionInt(b);
      if (n === null) return fail(`HASH: TLSH bucketSize must be 128 or 256, got ${toJavaString(b)}`);
      if (n === 128 || n === 256) buckets = n;
    }
    const c = option('checksumBytes');
    if (c !== undefined) {
      const n = optionInt(c);
      if (n === null) return fail(`HASH: TLSH checksumBytes must be 1 or 3, got ${toJavaString(c)}`);
      if (n === 1 || n === 3) checksumLength = n;
    }
    const f = option('force');
    if (f !== undefined) force = convertBoolean(f) ?? force;
    const h = option('hashes');
    if (h !== undefined) sizes = Array.isArray(h) ? h.map((x) => optionInt(x)) : [optionInt(h)];
  }
  let data: Uint8Array;
  if (typeof toHash === 'string') data = utf8(toHash);
  else if (toHash instanceof Uint8Array) data = toHash;
  // Metron serializes anything else with Kryo; null and scalars come out far below TLSH's
  // 50-byte minimum, so they hash to null. Larger structures would need Kryo's exact bytes.
  else if (toHash === null || typeof toHash === 'boolean' || isNumber(toHash)) return null;
  else
    return fail(
      `HASH: TLSH of a ${typeName(toHash)} needs Metron's Kryo serialization, which Palisade does not reproduce`,
    );
  const hash = tlsh(data, { buckets, checksumLength }, force);
  if (hash === undefined) return null;
  if (sizes.length === 0) return hash;
  if (sizes.some((s) => s === null)) return fail('HASH: TLSH hashes must be integers');
  const out = new Map<Value, Value>([['tlsh', hash]]);
  for (const [k, v] of tlshBins(hash, checksumLength, sizes as number[])) out.set(k, v);
  return out;
}

const TLSH_DATA =
  'The best documentation is the UNIX source. After all, this is what the system uses for documentation when it decides what to do next! ' +
  'The manuals paraphrase the source code, often having been written at different times and by different people than who wrote the code. ' +
  'Think of them as guidelines. Sometimes they are more like wishes... Nonetheless, it is all too common to turn to the source and find ' +
  'options and behaviors that are not documented in the manual. Sometimes you find options described in the manual that are unimplemented ' +
  'and ignored by the source.';

// ---------------------------------------------------------------------------------------------
// The functions
// ---------------------------------------------------------------------------------------------

/** The encoding and hashing functions. */
export const ENCODING_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: 'GET_SUPPORTED_ENCODINGS',
    namespace: '',
    family: 'encoding',
    description: 'Lists the encodings ENCODE, DECODE and IS_ENCODING support.',
    params: [],
    returns: 'a list of encoding names',
    pure: true,
    examples: [{ expr: 'GET_SUPPORTED_ENCODINGS()', expect: SUPPORTED_ENCODINGS }],
    call: () => [...SUPPORTED_ENCODINGS],
  },
  {
    name: 'IS_ENCODING',
    namespace: '',
    family: 'encoding',
    description:
      "Tests whether a string uses only the given encoding's alphabet (it may still not be encoded).",
    params: [
      { name: 'string', description: 'the string to test' },
      { name: 'encoding', description: 'BASE32, BASE32HEX, BASE64, BINARY or HEX (any case)' },
    ],
    returns: 'true or false; false for a null or empty string or encoding',
    pure: true,
    examples: [
      { expr: "IS_ENCODING('NBSWY3DP', 'BASE32')", expect: true },
      { expr: "IS_ENCODING('value', 'BASE32')", expect: false },
      { expr: "IS_ENCODING('aGVsbG8=', 'base64')", expect: true },
      { expr: "IS_ENCODING('68656c6c6f', 'HEX')", expect: true },
      { expr: "IS_ENCODING('abc', 'ROT13')", error: true },
    ],
    call: ([s, e]) => {
      const text = textAndEncoding('IS_ENCODING', s, e);
      return text !== null && encodingOf(text[1]).is(text[0]);
    },
  },
  {
    name: 'DECODE',
    namespace: '',
    family: 'encoding',
    description:
      'Decodes a string with an encoding (leniently, as commons-codec does); the text is read as UTF-8.',
    params: [
      { name: 'string', description: 'the string to decode' },
      { name: 'encoding', description: 'BASE32, BASE32HEX, BASE64, BINARY or HEX (any case)' },
      {
        name: 'verify',
        description: 'true to return the string unchanged unless IS_ENCODING holds',
        optional: true,
      },
    ],
    returns:
      'the decoded string; the input when it cannot be decoded; null for a null or empty string or encoding',
    pure: true,
    examples: [
      { expr: "DECODE('NBSWY3DP', 'BASE32')", expect: 'hello' },
      { expr: "DECODE('aGVsbG8=', 'BASE64')", expect: 'hello' },
      { expr: "DECODE('68656c6c6f', 'HEX')", expect: 'hello' },
      { expr: "DECODE('zz', 'HEX')", expect: 'zz' },
      { expr: "DECODE('hello!', 'BASE64', true)", expect: 'hello!' },
      { expr: "DECODE('', 'BASE64')", expect: null },
    ],
    call: (args) => {
      const text = textAndEncoding('DECODE', args[0], args[1]);
      const verify = args.length > 2 ? (args[2] ?? null) : false;
      if (verify !== null && typeof verify !== 'boolean')
        return fail(`DECODE: ${typeName(verify)} cannot be cast to a boolean`);
      if (text === null) return null;
      const [str, enc] = text;
      const encoding = encodingOf(enc);
      if (verify === null) return fail('DECODE: verify must be true or false, not null');
      return verify && !encoding.is(str) ? str : encoding.decode(str);
    },
  },
  {
    name: 'ENCODE',
    namespace: '',
    family: 'encoding',
    description: "Encodes a string's UTF-8 bytes with an encoding.",
    params: [
      { name: 'string', description: 'the string to encode' },
      { name: 'encoding', description: 'BASE32, BASE32HEX, BASE64, BINARY or HEX (any case)' },
      { name: 'ignored', description: 'accepted and ignored, as in Metron', optional: true },
    ],
    returns: 'the encoded string; null for a null or empty string or encoding',
    pure: true,
    examples: [
      { expr: "ENCODE('hello', 'BASE32')", expect: 'NBSWY3DP' },
      { expr: "ENCODE('hello', 'BASE32HEX')", expect: 'D1IMOR3F' },
      { expr: "ENCODE('hello', 'BASE64')", expect: 'aGVsbG8=' },
      { expr: "ENCODE('ab', 'BINARY')", expect: '0110001001100001' },
      { expr: "ENCODE('hello', 'hex')", expect: '68656c6c6f' },
      { expr: "ENCODE(null, 'HEX')", expect: null },
    ],
    call: ([s, e]) => {
      const text = textAndEncoding('ENCODE', s, e);
      return text === null ? null : encodingOf(text[1]).encode(text[0]);
    },
  },
  {
    name: 'HASH',
    namespace: '',
    family: 'hash',
    description:
      'Hashes a value with a JDK MessageDigest algorithm (hex) or with TLSH; strings hash their bytes, other scalars their Java serialization.',
    params: [
      { name: 'toHash', description: 'the value to hash (a string, number, boolean or bytes)' },
      { name: 'hashType', description: 'the algorithm: see GET_HASHES_AVAILABLE (any case), or tlsh' },
      {
        name: 'config',
        description:
          'a map: charset (digests, default UTF-8); for TLSH bucketSize (128|256), checksumBytes (1|3), force (default true: 50 bytes suffice), hashes (bin sizes)',
        optional: true,
      },
    ],
    returns:
      "a lowercase hex digest ('00…' for null); for TLSH an upper-case hash, null when the data is too short or uniform, or a map with tlsh and tlsh_bin… entries when hashes is given",
    pure: true,
    examples: [
      { expr: "HASH('My value to hash', 'md5')", expect: 'd4eb020c5d2fc4bc80a75d6667566c1f' },
      {
        expr: "HASH('abc', 'SHA-256')",
        expect: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      },
      { expr: "HASH(null, 'md5')", expect: '00000000000000000000000000000000' },
      {
        expr: "HASH(toHash, 'tlsh')",
        vars: { toHash: TLSH_DATA },
        expect: '6FF02BEF718027B0160B4391212923ED7F1A463D563B1549B86CF62973B197AD2731F8',
      },
      { expr: "HASH('Metron is the best', 'tlsh')", expect: null },
      { expr: "HASH('x', 'nope')", error: true },
      { expr: "HASH('x', null)", expect: null },
    ],
    call: ([toHash, hashType, config]) => {
      if (hashType === null || hashType === undefined) return null;
      const algorithm = toJavaString(hashType);
      const upper = algorithm.toUpperCase();
      const options = config instanceof Map ? config : undefined;
      if (upper === 'TLSH') return tlshHash(toHash ?? null, options);
      const node = DIGESTS.get(upper);
      if (node === undefined) {
        return fail(
          `HASH: Unsupported hash function: ${algorithm}. Supported algorithms are ${HASHES_AVAILABLE.join(',')}`,
        );
      }
      return digestHash(node, toHash ?? null, options);
    },
  },
  {
    name: 'GET_HASHES_AVAILABLE',
    namespace: '',
    family: 'hash',
    description: 'Lists the algorithms HASH accepts.',
    params: [],
    returns: 'a list of algorithm names',
    pure: true,
    examples: [{ expr: "'MD5' in GET_HASHES_AVAILABLE() && 'TLSH' in GET_HASHES_AVAILABLE()", expect: true }],
    call: () => [...HASHES_AVAILABLE],
  },
  {
    name: 'TLSH_DIST',
    namespace: 'TLSH',
    family: 'hash',
    description: 'The TLSH distance between two hashes made with the same options (0 = near-identical).',
    params: [
      { name: 'hash1', description: 'the first TLSH hash' },
      { name: 'hash2', description: 'the second TLSH hash' },
      {
        name: 'includeLength',
        description: 'whether the data length counts in the distance (default false)',
        optional: true,
      },
    ],
    returns: 'an int distance; -1 when either hash is null',
    pure: true,
    examples: [
      {
        expr: 'TLSH_DIST(h, h)',
        vars: { h: '6FF02BEF718027B0160B4391212923ED7F1A463D563B1549B86CF62973B197AD2731F8' },
        expect: 0,
      },
      { expr: "TLSH_DIST(null, 'x')", expect: -1 },
      { expr: "TLSH_DIST(1, 'x')", error: true },
    ],
    call: ([h1, h2, include]) => {
      if (h1 !== null && h1 !== undefined && typeof h1 !== 'string')
        return fail(`TLSH_DIST: ${toJavaString(h1)} must be strings`);
      if (h2 !== null && h2 !== undefined && typeof h2 !== 'string')
        return fail(`TLSH_DIST: ${toJavaString(h2)} must be strings`);
      if (h1 === null || h1 === undefined || h2 === null || h2 === undefined) return -1;
      const withLength =
        include === null || include === undefined ? false : (convertBoolean(include) ?? false);
      return tlshDistance(h1, h2, withLength);
    },
  },
];
