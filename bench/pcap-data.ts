import { open } from 'node:fs/promises';
import { seededRandom } from './data.js';

/**
 * A large synthetic capture for the packet-capture bench: Ethernet frames of IPv4 (and some
 * IPv6) flows — TCP sessions of 8–40 segments, DNS query/answer pairs, other UDP — interleaved
 * over `durationSec`, sizes from 60 to 1514 bytes, payloads half text-like and half random (so
 * compression has something real to do). Seeded and written straight to a libpcap file.
 */
export interface BenchCapture {
  file: string;
  packets: number;
  bytes: number;
  startSec: number;
  /** A busy TCP flow, for the 5-tuple query. */
  flow: { src: string; dst: string; srcPort: number; dstPort: number };
}

interface Flow {
  v6: boolean;
  src: number;
  dst: number;
  sport: number;
  dport: number;
  proto: number;
  left: number;
  /** TCP sequence numbers of each direction. */
  seqOut: number;
  seqIn: number;
}

const TEXT = Buffer.from(
  'GET /index.html HTTP/1.1\r\nHost: example.org\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n',
);

export async function writeBenchCapture(
  file: string,
  options: { packets: number; startSec: number; durationSec: number; seed?: number },
): Promise<BenchCapture> {
  const random = seededRandom(options.seed ?? 7);
  const noise = Buffer.alloc(1 << 16);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(random() * 256);
  const handle = await open(file, 'w');
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262_144, 16);
  header.writeUInt32LE(1, 20);
  let chunk = Buffer.allocUnsafe(8 << 20);
  let used = 0;
  let position = 0;
  const flush = async () => {
    await handle.write(chunk, 0, used, position);
    position += used;
    chunk = Buffer.allocUnsafe(8 << 20);
    used = 0;
  };
  chunk.set(header, 0);
  used = 24;
  const active: Flow[] = [];
  const newFlow = (): Flow => {
    const kind = random();
    const v6 = random() < 0.1;
    const proto = kind < 0.6 ? 6 : 17;
    return {
      v6,
      src: 0x0a000000 + Math.floor(random() * 4096),
      dst: kind < 0.6 ? 0x5db8d800 + Math.floor(random() * 512) : 0x08080800 + Math.floor(random() * 8),
      sport: 1024 + Math.floor(random() * 60000),
      dport: proto === 6 ? (random() < 0.7 ? 443 : 80) : 53,
      proto,
      left: proto === 6 ? 8 + Math.floor(random() * 32) : 2,
      seqOut: Math.floor(random() * 2 ** 31),
      seqIn: Math.floor(random() * 2 ** 31),
    };
  };
  for (let i = 0; i < 400; i++) active.push(newFlow());
  const busy = active[0] as Flow;
  busy.v6 = false;
  busy.proto = 6;
  busy.dst = 0x5db8d801;
  busy.dport = 443;
  busy.left = Number.POSITIVE_INFINITY;
  let bytes = 0;
  const stepNs = (options.durationSec * 1e9) / options.packets;
  for (let n = 0; n < options.packets; n++) {
    const slot = n % 7 === 0 ? 0 : 1 + Math.floor(random() * (active.length - 1));
    const f = active[slot] as Flow;
    const reply = random() < 0.45;
    const payload = f.proto === 6 ? Math.floor(random() * 1400) : 30 + Math.floor(random() * 200);
    const ipHeader = f.v6 ? 40 : 20;
    const l4 = f.proto === 6 ? 20 : 8;
    const frameLen = 14 + ipHeader + l4 + payload;
    if (used + 16 + frameLen > chunk.length) await flush();
    const ns = Math.floor(n * stepNs);
    const sec = options.startSec + Math.floor(ns / 1e9);
    const usec = Math.floor((ns % 1e9) / 1000);
    let o = used;
    chunk.writeUInt32LE(sec, o);
    chunk.writeUInt32LE(usec, o + 4);
    chunk.writeUInt32LE(frameLen, o + 8);
    chunk.writeUInt32LE(frameLen, o + 12);
    o += 16;
    chunk.fill(0, o, o + 12);
    chunk[o + 5] = 1;
    chunk[o + 11] = 2;
    chunk.writeUInt16BE(f.v6 ? 0x86dd : 0x0800, o + 12);
    o += 14;
    const [a, b] = reply ? [f.dst, f.src] : [f.src, f.dst];
    const [sp, dp] = reply ? [f.dport, f.sport] : [f.sport, f.dport];
    if (f.v6) {
      chunk.fill(0, o, o + 40);
      chunk[o] = 0x60;
      chunk.writeUInt16BE(l4 + payload, o + 4);
      chunk[o + 6] = f.proto;
      chunk[o + 7] = 64;
      chunk.writeUInt32BE(0x20010db8, o + 8);
      chunk.writeUInt32BE(a, o + 20);
      chunk.writeUInt32BE(0x20010db8, o + 24);
      chunk.writeUInt32BE(b, o + 36);
    } else {
      chunk.fill(0, o, o + 20);
      chunk[o] = 0x45;
      chunk.writeUInt16BE(20 + l4 + payload, o + 2);
      chunk[o + 8] = 64;
      chunk[o + 9] = f.proto;
      chunk.writeUInt32BE(a, o + 12);
      chunk.writeUInt32BE(b, o + 16);
    }
    o += ipHeader;
    chunk.fill(0, o, o + l4);
    chunk.writeUInt16BE(sp, o);
    chunk.writeUInt16BE(dp, o + 2);
    if (f.proto === 6) {
      // A stream tshark can follow: sequence numbers that advance, ACK|PSH, a real window.
      chunk.writeUInt32BE(reply ? f.seqIn : f.seqOut, o + 4);
      chunk.writeUInt32BE(reply ? f.seqOut : f.seqIn, o + 8);
      chunk[o + 12] = 0x50;
      chunk[o + 13] = 0x18;
      chunk.writeUInt16BE(65_280, o + 14);
      if (reply) f.seqIn = (f.seqIn + payload) % 2 ** 32;
      else f.seqOut = (f.seqOut + payload) % 2 ** 32;
    } else chunk.writeUInt16BE(8 + payload, o + 4);
    o += l4;
    const tls = f.proto === 6 && f.dport === 443;
    if (!tls && n % 2 === 0) {
      for (let k = 0; k < payload; k += TEXT.length)
        TEXT.copy(chunk, o + k, 0, Math.min(TEXT.length, payload - k));
    } else {
      noise.copy(chunk, o, (n * 131) % (noise.length - 1500), ((n * 131) % (noise.length - 1500)) + payload);
      // Encrypted traffic comes in TLS records: application data of the segment's length.
      if (tls && payload >= 5) {
        chunk[o] = 0x17;
        chunk[o + 1] = 3;
        chunk[o + 2] = 3;
        chunk.writeUInt16BE(payload - 5, o + 3);
      }
    }
    used += 16 + frameLen;
    bytes += frameLen;
    if (--f.left <= 0) active[slot] = newFlow();
  }
  await flush();
  await handle.close();
  const ip = (v: number) => `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  return {
    file,
    packets: options.packets,
    bytes,
    startSec: options.startSec,
    flow: { src: ip(busy.src), dst: ip(busy.dst), srcPort: busy.sport, dstPort: busy.dport },
  };
}
