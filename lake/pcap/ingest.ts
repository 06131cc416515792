/**
 * Capture files into the `pcap` table: read (format.ts) → decode (decode.ts) → store
 * (store.ts), one Delta commit per file. Each file commits under a txn id derived from its
 * content, so ingesting the same capture twice adds nothing the second time, and a crash
 * before the commit leaves only unreferenced files (vacuum removes them).
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readSnapshot } from '../delta/log.js';
import { type Decoded, decodePacket, newDecoded } from './decode.js';
import { type CaptureProblem, type PacketBatch, readCapture } from './format.js';
import { type PacketColumns, PCAP_TABLE, PcapStore, type PcapStoreOptions } from './store.js';

export interface CaptureIngestReport {
  file: string;
  packets: number;
  /** Captured bytes stored (the packets' own bytes, headers of the file format not counted). */
  bytes: number;
  /** Size of the capture file. */
  fileBytes: number;
  problems: number;
  /** The commit that holds the packets; the existing version when `skipped`. */
  version: number;
  /** The file was ingested before (same content): nothing was added. */
  skipped: boolean;
  seconds: number;
}

export interface CaptureIngestOptions extends PcapStoreOptions {
  /** Told about each record that could not be read; reading goes on. */
  onProblem?: (problem: CaptureProblem) => void | Promise<void>;
  /** Told after each batch: packets and bytes of this file so far. */
  onProgress?: (file: string, packets: number, fileOffset: number) => void;
}

/**
 * Decode a batch into the store's columns, packets decoded in place in the batch's buffer. One
 * {@link Decoded} is refilled per packet; the only allocations per packet are the address and
 * Community ID strings of flows not seen lately.
 */
export function decodeBatch(batch: PacketBatch, scratch: Decoded = newDecoded()): PacketColumns {
  const n = batch.count;
  const { chunk, offset } =
    batch.chunk === undefined ? gather(batch) : { chunk: batch.chunk, offset: batch.offset };
  const { linktype, caplen } = batch;
  const srcPort = new Float64Array(n);
  const dstPort = new Float64Array(n);
  const protocol = new Float64Array(n);
  const vlan = new Float64Array(n);
  const flow = new Int32Array(n);
  const srcAddr = new Array<string | null>(n);
  const dstAddr = new Array<string | null>(n);
  const communityId = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const at = offset[i] as number;
    decodePacket(linktype[i] as number, chunk, scratch, at, at + (caplen[i] as number));
    srcAddr[i] = scratch.srcAddr;
    dstAddr[i] = scratch.dstAddr;
    srcPort[i] = scratch.srcPort;
    dstPort[i] = scratch.dstPort;
    protocol[i] = scratch.protocol;
    vlan[i] = scratch.vlan;
    communityId[i] = scratch.communityId;
    flow[i] = scratch.flow;
  }
  return {
    count: n,
    tsSec: batch.tsSec,
    tsNsec: batch.tsNsec,
    caplen: batch.caplen,
    len: batch.len,
    linktype: batch.linktype,
    seq: batch.seq,
    chunk,
    offset,
    srcAddr,
    dstAddr,
    srcPort,
    dstPort,
    protocol,
    vlan,
    communityId,
    flow,
  };
}

/**
 * The packets of a batch that holds each in a buffer of its own (live capture, Kafka), copied
 * into one, as a file's batches come: the store then copies runs of packets, not one view each.
 */
function gather(batch: PacketBatch): { chunk: Uint8Array; offset: Float64Array } {
  const n = batch.count;
  let total = 0;
  for (let i = 0; i < n; i++) total += batch.caplen[i] as number;
  const chunk = new Uint8Array(total);
  const offset = new Float64Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const data = batch.data[i] as Uint8Array;
    const size = batch.caplen[i] as number;
    chunk.set(size === data.length ? data : data.subarray(0, size), at);
    offset[i] = at;
    at += size;
  }
  return { chunk, offset };
}

const SAMPLE = 64 * 1024;

/**
 * A capture's identity for the txn id: its size and hashes of its first and last 64 KiB. Two
 * different captures agreeing on all three are not a case worth reading whole files for.
 */
export async function captureId(path: string): Promise<string> {
  const size = (await stat(path)).size;
  const handle = await open(path, 'r');
  try {
    const hash = createHash('sha256').update(String(size));
    const head = Buffer.alloc(Math.min(SAMPLE, size));
    await handle.read(head, 0, head.length, 0);
    hash.update(head);
    if (size > SAMPLE) {
      const tail = Buffer.alloc(Math.min(SAMPLE, size - SAMPLE));
      await handle.read(tail, 0, tail.length, size - tail.length);
      hash.update(tail);
    }
    return hash.digest('hex').slice(0, 32);
  } finally {
    await handle.close();
  }
}

/** Ingest one capture file into the lake's `pcap` table. */
export async function ingestCapture(
  lakeDir: string,
  file: string,
  options: CaptureIngestOptions = {},
): Promise<CaptureIngestReport> {
  const started = performance.now();
  const fileBytes = (await stat(file)).size;
  const txn = { appId: `pcap-file-${await captureId(file)}`, version: 0 };
  const report: CaptureIngestReport = {
    file,
    packets: 0,
    bytes: 0,
    fileBytes,
    problems: 0,
    version: -1,
    skipped: false,
    seconds: 0,
  };
  const snapshot = await readSnapshot(join(lakeDir, PCAP_TABLE));
  if ((snapshot?.txns.get(txn.appId) ?? -1) >= txn.version) {
    return { ...report, version: snapshot?.version ?? -1, skipped: true, seconds: elapsed(started) };
  }
  const store = new PcapStore(lakeDir, options);
  const scratch = newDecoded();
  let offset = 0;
  try {
    for await (const item of readCapture(file)) {
      if (item.problem) {
        report.problems++;
        await options.onProblem?.(item);
        continue;
      }
      await store.add(decodeBatch(item, scratch));
      for (let i = 0; i < item.count; i++) offset += (item.caplen[i] as number) + 16;
      options.onProgress?.(basename(file), store.packetCount, Math.min(offset, fileBytes));
    }
  } catch (e) {
    await store.abort();
    throw e;
  }
  report.packets = store.packetCount;
  report.bytes = store.packetBytes;
  const result = await store.finish({ txn });
  return { ...report, version: result.version, skipped: result.skipped, seconds: elapsed(started) };
}

const elapsed = (started: number) => (performance.now() - started) / 1000;
