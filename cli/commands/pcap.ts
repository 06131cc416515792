import { stat } from 'node:fs/promises';
import { protocolNumber, UsageError } from '#core';
import {
  type CaptureIngestReport,
  type CaptureProblem,
  canonicalAddress,
  decodeBatch,
  filterForEvent,
  ingestCapture,
  openLakeWriter,
  type PacketBatch,
  type PacketFilter,
  type PacketQuerySummary,
  type PacketRecord,
  PcapStore,
  queryPackets,
} from '#lake';
import { compile, StellarError } from '#stellar';
import {
  type CaptureStats,
  encodePacket,
  ensureTopics,
  errorRecord,
  kafkaClient,
  outputTopics,
  startLiveCapture,
} from '#streaming';
import { progressLine } from '../progress.js';
import { timeOption } from './sql.js';

/** Where reports go; stdout unless a caller (a test) collects them. */
type Output = { write(text: string): unknown };

const PROBLEMS_SHOWN = 10;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const rate = (n: number, seconds: number) =>
  `${Math.round(n / Math.max(seconds, 1e-3)).toLocaleString('en')}`;

/**
 * `palisade pcap ingest`: each capture file into the `pcap` table, one commit per file. Records
 * that cannot be read go to `errors` with their bytes; the first few are named on stderr.
 */
export async function ingest(
  options: { lake: string; files: readonly string[] },
  out: Output = process.stdout,
): Promise<CaptureIngestReport[]> {
  for (const file of options.files) {
    const s = await stat(file).catch(() => undefined);
    if (!s?.isFile()) throw new UsageError(`${file}: no such capture file`);
  }
  const reports: CaptureIngestReport[] = [];
  const progress = progressLine();
  for (const file of options.files) {
    const problems: CaptureProblem[] = [];
    const report = await ingestCapture(options.lake, file, {
      onProblem: (p) => {
        problems.push(p);
        if (problems.length <= PROBLEMS_SHOWN) process.stderr.write(`${describe(p)}\n`);
      },
      onProgress: (name, packets, offset) => {
        progress.update(`${name}: ${packets.toLocaleString('en')} packets, ${mb(offset)}`);
      },
    });
    progress.done();
    if (problems.length > PROBLEMS_SHOWN)
      process.stderr.write(`${file}: … and ${problems.length - PROBLEMS_SHOWN} more records not read\n`);
    if (problems.length > 0) {
      const lake = await openLakeWriter(options.lake);
      try {
        await lake.append(
          'errors',
          problems.map((p) =>
            errorRecord(
              { stage: 'parser_error', code: 'pcap_record', message: p.reason },
              Buffer.from(p.bytes),
              {
                sensor: 'pcap',
                file: p.file,
                ...(p.packet === undefined ? {} : { line: p.packet }),
              },
            ),
          ),
        );
      } finally {
        lake.close();
      }
    }
    out.write(
      report.skipped
        ? `${file}: already in the lake (same capture), nothing added; pcap is at version ${report.version}\n`
        : `${file}: ${report.packets.toLocaleString('en')} packets, ${mb(report.bytes)} captured, in ` +
            `${report.seconds.toFixed(1)} s (${rate(report.packets, report.seconds)} packets/s)` +
            `${problems.length > 0 ? `, ${problems.length} records to errors` : ''}; pcap version ${report.version}\n`,
    );
    reports.push(report);
  }
  return reports;
}

function describe(p: CaptureProblem): string {
  const which = p.packet === undefined ? '' : `packet ${p.packet}, `;
  return `${p.file}: ${which}byte ${p.offset}: ${p.reason}`;
}

export interface QueryCliOptions {
  lake: string;
  output: string;
  ipSrcAddr?: string;
  ipDstAddr?: string;
  ipSrcPort?: string;
  ipDstPort?: string;
  protocol?: string;
  includeReverse?: boolean;
  communityId?: string;
  startTime?: string;
  endTime?: string;
  filter?: string;
  pageSize?: number;
  event?: string;
  window: string;
}

function port(text: string, option: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(n >= 0 && n <= 65535))
    throw new UsageError(`${option}: expected a port number 0–65535, got '${text}'`);
  return n;
}

function protocolOf(text: string): number {
  const t = text.trim().toLowerCase();
  if (/^\d+$/.test(t) && Number(t) <= 255) return Number(t);
  const n = t === 'icmp6' || t === 'ipv6-icmp' ? 58 : protocolNumber(t);
  if (n === undefined)
    throw new UsageError(
      `--protocol: expected tcp, udp, icmp, icmpv6, sctp or a number 0–255, got '${text}'`,
    );
  return n;
}

/** `--window`: seconds, or a number with s, m or h. */
function windowMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--window: expected a duration such as 90s, 5m or 1h, got '${text}'`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's').toLowerCase() as 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

/**
 * The fixed filter from the command line, checked; with `--event`, the event's flow and time
 * first, which the other options then narrow or override.
 */
export async function filterOf(o: QueryCliOptions): Promise<PacketFilter> {
  const f: PacketFilter =
    o.event === undefined ? {} : await filterForEvent(o.lake, o.event.trim(), windowMs(o.window));
  if (o.ipSrcAddr !== undefined) f.ipSrcAddr = canonicalAddress(o.ipSrcAddr, '--ip-src-addr');
  if (o.ipDstAddr !== undefined) f.ipDstAddr = canonicalAddress(o.ipDstAddr, '--ip-dst-addr');
  if (o.ipSrcPort !== undefined) f.ipSrcPort = port(o.ipSrcPort, '--ip-src-port');
  if (o.ipDstPort !== undefined) f.ipDstPort = port(o.ipDstPort, '--ip-dst-port');
  if (o.protocol !== undefined) f.protocol = protocolOf(o.protocol);
  if (o.includeReverse) f.includeReverse = true;
  if (o.communityId !== undefined) f.communityId = o.communityId.trim();
  if (o.startTime !== undefined) f.startMs = timeOption(o.startTime, '--start-time');
  if (o.endTime !== undefined) f.endMs = timeOption(o.endTime, '--end-time');
  return f;
}

/** A Stellar predicate over the packet's fields (`packet` is its bytes). */
export function packetPredicate(source: string): (p: PacketRecord) => boolean {
  let rule: ReturnType<typeof compile>;
  try {
    rule = compile(source, { mode: 'predicate', missing: 'null' });
  } catch (e) {
    if (e instanceof StellarError) throw new UsageError(`--filter: ${e.message}`);
    throw e;
  }
  return (p) => {
    try {
      return rule.evaluate(p as unknown as Record<string, unknown>) === true;
    } catch (e) {
      const when = new Date(p.ts_sec * 1000).toISOString();
      throw new UsageError(
        `--filter failed on the packet at ${when} (${p.ts_nsec} ns): ${(e as Error).message}`,
      );
    }
  };
}

/** `palisade pcap query`: the packets matching the filters, written as pcap files. */
export async function query(
  options: QueryCliOptions,
  out: Output = process.stdout,
): Promise<PacketQuerySummary> {
  const filter = await filterOf(options);
  const summary = await queryPackets(options.lake, {
    filter,
    output: options.output,
    ...(options.filter === undefined ? {} : { predicate: packetPredicate(options.filter) }),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  });
  const span =
    summary.firstMs === undefined || summary.lastMs === undefined
      ? ''
      : `, ${new Date(summary.firstMs).toISOString()} to ${new Date(summary.lastMs).toISOString()}`;
  out.write(
    `${summary.packets.toLocaleString('en')} packets, ${summary.bytes.toLocaleString('en')} bytes${span}; ` +
      `${summary.files.length === 1 ? summary.files[0] : `${summary.files.length} pages: ${summary.files.join(', ')}`} ` +
      `(${summary.format}${summary.nanos ? ', nanosecond timestamps' : ''}; ` +
      `${summary.filesScanned} of ${summary.filesInTable} data files read)\n`,
  );
  return summary;
}

export interface CaptureCliOptions {
  iface: string;
  bpf?: string;
  lake?: string;
  bootstrap?: string;
  topicPrefix: string;
  partitions?: number;
  flushMs: number;
  count?: number;
  duration?: number;
  snaplen?: number;
}

/**
 * `palisade pcap capture`: a live interface into the lake (one commit per flush) or onto the
 * `pcap` topic (for `palisade index` to land), until Ctrl-C/SIGTERM, `--count` or `--duration`.
 */
export async function capture(
  options: CaptureCliOptions,
  out: Output = process.stdout,
): Promise<CaptureStats> {
  if ((options.lake === undefined) === (options.bootstrap === undefined))
    throw new UsageError('pcap capture: give exactly one of --lake DIR or --bootstrap HOST:PORT');
  let sink: (batch: PacketBatch) => Promise<void>;
  let close = async () => {};
  let where: string;
  if (options.lake !== undefined) {
    const lake = options.lake;
    where = `lake ${lake}`;
    sink = async (batch) => {
      const store = new PcapStore(lake);
      await store.add(decodeBatch(batch));
      await store.finish();
    };
  } else {
    const kafka = kafkaClient(options.bootstrap as string, 'palisade-pcap');
    const topic = outputTopics(options.topicPrefix).pcap;
    await ensureTopics(kafka, [topic], options.partitions ?? 1);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    where = `topic ${topic} on ${options.bootstrap}`;
    sink = async (batch) => {
      const messages = [];
      for (let i = 0; i < batch.count; i++) {
        messages.push(
          encodePacket(
            batch.tsSec[i] as number,
            batch.tsNsec[i] as number,
            batch.len[i] as number,
            batch.linktype[i] as number,
            batch.data[i] as Uint8Array,
          ),
        );
      }
      await producer.send({ topic, acks: -1, messages });
    };
    close = () => producer.disconnect();
  }
  const live = startLiveCapture({
    iface: options.iface,
    ...(options.bpf === undefined ? {} : { bpf: options.bpf }),
    ...(options.snaplen === undefined ? {} : { snaplen: options.snaplen }),
    ...(options.count === undefined ? {} : { count: options.count }),
    flushMs: options.flushMs,
    sink,
  });
  const stop = () => void live.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const timer = options.duration === undefined ? undefined : setTimeout(stop, options.duration * 1000);
  process.stderr.write(
    `capturing on ${options.iface} (link type ${live.linktype})${options.bpf ? ` with filter '${options.bpf}'` : ''} → ${where}; Ctrl-C stops\n`,
  );
  try {
    const stats = await live.done;
    out.write(
      `${stats.captured.toLocaleString('en')} packets captured; kernel: ${stats.received.toLocaleString('en')} received, ` +
        `${stats.dropped.toLocaleString('en')} dropped, ${stats.ifDropped.toLocaleString('en')} dropped by the interface\n`,
    );
    return stats;
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await close();
    // libpcap's poll handle outlives the session until one more packet arrives (a non-blocking
    // read does not see the break), which would keep the process up: once the command has
    // returned and set its exit code, leave. The timer is unref'd, so it never delays an exit.
    setTimeout(() => process.exit(), 500).unref();
  }
}
