/**
 * Live capture through libpcap (the `pcap` package, built against the system's libpcap):
 * packets are copied out of libpcap's shared buffer, gathered into batches and handed to a
 * sink every `flushMs` or `batchPackets`, whichever comes first. The kernel's own counters
 * (received, dropped) are reported with each flush and at the end.
 */
import { createRequire } from 'node:module';
import { InfraError, UsageError } from '#core';
import { newPacketBatch, type PacketBatch } from '#lake';

/** libpcap's names for the link types it reports, as LINKTYPE_ numbers. */
const LINK_TYPES: Record<string, number> = {
  LINKTYPE_NULL: 0,
  LINKTYPE_ETHERNET: 1,
  LINKTYPE_RAW: 101,
  LINKTYPE_IEEE802_11_RADIO: 127,
  LINKTYPE_LINUX_SLL: 113,
};

export interface CaptureStats {
  /** Packets handed to Palisade. */
  captured: number;
  /** The kernel's counters for the session: seen, dropped for lack of buffer, dropped by the interface. */
  received: number;
  dropped: number;
  ifDropped: number;
}

export interface LiveCaptureOptions {
  iface: string;
  /** A BPF filter in tcpdump syntax. */
  bpf?: string;
  snaplen?: number;
  /** Kernel buffer in bytes (default 16 MiB). */
  bufferBytes?: number;
  /** Hand a batch to the sink at least this often (default 1000 ms). */
  flushMs?: number;
  /** ... or once it holds this many packets (default 65,536). */
  batchPackets?: number;
  /** Stop after this many packets. */
  count?: number;
  /** Called with each batch; the next batch waits for it (so a slow sink shows as kernel drops). */
  sink: (batch: PacketBatch, stats: CaptureStats) => Promise<void>;
}

interface PcapPacket {
  buf: Buffer;
  header: Buffer;
  link_type: string;
}
interface PcapSession {
  on(event: 'packet', listener: (packet: PcapPacket) => void): void;
  stats(): { ps_recv: number; ps_drop: number; ps_ifdrop: number };
  close(): void;
  link_type: string;
}
interface PcapModule {
  createSession(
    iface: string,
    options: {
      filter?: string;
      snap_length?: number;
      buffer_size?: number;
      buffer_timeout?: number;
      promiscuous?: boolean;
    },
  ): PcapSession;
}

function loadPcap(): PcapModule {
  try {
    return createRequire(import.meta.url)('pcap') as PcapModule;
  } catch (e) {
    throw new InfraError(
      'pcap.module',
      'live capture needs the optional `pcap` package, built against libpcap: install libpcap-dev ' +
        `(apt-get install libpcap-dev) and run npm install again (${(e as Error).message.split('\n')[0]})`,
      { cause: e },
    );
  }
}

/** A running capture: `stop()` closes the session, flushes what it holds and resolves with the counters. */
export interface LiveCapture {
  readonly linktype: number;
  /** Resolves when the capture ends: `count` reached, `stop()` called, or the sink failed (rejects). */
  readonly done: Promise<CaptureStats>;
  stop(): Promise<CaptureStats>;
}

export function startLiveCapture(options: LiveCaptureOptions): LiveCapture {
  const pcap = loadPcap();
  const snaplen = options.snaplen ?? 262_144;
  let session: PcapSession;
  try {
    session = pcap.createSession(options.iface, {
      ...(options.bpf ? { filter: options.bpf } : {}),
      snap_length: snaplen,
      buffer_size: options.bufferBytes ?? 16 << 20,
      // Deliver packets as they come rather than once a second.
      buffer_timeout: 0,
      promiscuous: true,
    });
  } catch (e) {
    throw new UsageError(`cannot capture on '${options.iface}': ${(e as Error).message}`);
  }
  const linktype = LINK_TYPES[session.link_type];
  if (linktype === undefined) {
    session.close();
    throw new UsageError(
      `'${options.iface}' has link type ${session.link_type}, which Palisade does not store`,
    );
  }
  const capacity = options.batchPackets ?? 65_536;
  const stats: CaptureStats = { captured: 0, received: 0, dropped: 0, ifDropped: 0 };
  let batch = newPacketBatch(capacity);
  let seq = 0;
  let stopped = false;
  let flushing: Promise<void> = Promise.resolve();
  let failure: unknown;

  const readStats = () => {
    try {
      const s = session.stats();
      stats.received = s.ps_recv;
      stats.dropped = s.ps_drop;
      stats.ifDropped = s.ps_ifdrop;
    } catch {
      // The session is closed: the last counters stand.
    }
  };
  const flush = () => {
    if (batch.count === 0) return flushing;
    const full = batch;
    batch = newPacketBatch(capacity);
    readStats();
    flushing = flushing
      .then(() => (failure ? undefined : options.sink(full, { ...stats })))
      .catch((e) => {
        failure ??= e;
        void finish();
      });
    return flushing;
  };

  let resolveDone: (s: CaptureStats) => void = () => {};
  let rejectDone: (e: unknown) => void = () => {};
  const done = new Promise<CaptureStats>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const timer = setInterval(() => void flush(), options.flushMs ?? 1000);

  const finish = async (): Promise<CaptureStats> => {
    if (!stopped) {
      stopped = true;
      clearInterval(timer);
      readStats();
      session.close();
      await flush();
      await flushing;
      if (failure) rejectDone(failure);
      else resolveDone({ ...stats });
    }
    return done;
  };

  session.on('packet', (raw) => {
    if (stopped) return;
    const h = raw.header;
    const caplen = h.readUInt32LE(8);
    const i = batch.count;
    batch.tsSec[i] = h.readUInt32LE(0);
    batch.tsNsec[i] = h.readUInt32LE(4) * 1000;
    batch.caplen[i] = caplen;
    batch.len[i] = h.readUInt32LE(12);
    batch.linktype[i] = linktype;
    batch.seq[i] = ++seq;
    // libpcap's buffer is reused for the next packet: keep a copy.
    batch.data[i] = Buffer.from(raw.buf.subarray(0, caplen));
    batch.count++;
    stats.captured++;
    if (batch.count >= capacity) void flush();
    if (options.count !== undefined && stats.captured >= options.count) void finish();
  });

  return { linktype, done, stop: finish };
}
