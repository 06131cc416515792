import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ingestCapture, openDuckDb, queryPackets, readCapture, readSnapshot } from '#lake';
import { writeBenchCapture } from './pcap-data.js';
import { type Check, mb, measure, type ResultRow, rate, ratio } from './report.js';

/**
 * Issue 7's bar: `palisade pcap ingest` of a ≥ 1M-packet capture against
 * `tshark -r IN -w /dev/null` on the same file (≥ 1), a 5-tuple query over one hour against
 * `tshark -r IN -Y FILTER -w OUT` on the original capture (Palisade ≥ 20× faster), and bytes
 * on disk against the capture's size.
 */

export interface PcapFigures {
  packets: number;
  captureBytes: number;
  oursIngestMs: number;
  tsharkReadMs: number;
  /** `dd` of the capture to a file beside the lake: what storing the bytes at all costs. */
  copyMs: number;
  oursQueryMs: number;
  tsharkQueryMs: number;
  matched: number;
  lakeBytes: number;
  zstdBytes: number;
}

const TSHARK = '/usr/bin/tshark';

function run(args: string[], command = TSHARK): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { maxBuffer: 1 << 24 }, (e, _out, stderr) =>
      e ? reject(new Error(`${command} ${args.join(' ')}: ${stderr || e.message}`)) : resolve(),
    ),
  );
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.parquet'))
      total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

export async function benchPcap(
  packets: number,
  runs: number,
  work: string,
  log: (m: string) => void,
): Promise<{ rows: ResultRow[]; checks: Check[]; figures: PcapFigures }> {
  const dir = join(work, 'pcap');
  await mkdir(dir, { recursive: true });
  const startSec = 1_714_604_400;
  log(`  writing a ${packets.toLocaleString('en-US')}-packet capture …`);
  const capture = await writeBenchCapture(join(dir, 'bench.pcap'), { packets, startSec, durationSec: 7200 });
  const captureBytes = (await stat(capture.file)).size;
  const lake = join(dir, 'lake');

  const tshark = await measure({ runs, run: () => run(['-r', capture.file, '-w', '/dev/null']) });
  // Not a target, a floor: the kernel copying the capture into a new file, nothing decoded.
  const copyFile = join(dir, 'copy.pcap');
  const copy = await measure({
    runs,
    before: () => rm(copyFile, { force: true }),
    run: () => run([`if=${capture.file}`, `of=${copyFile}`, 'bs=4M', 'status=none'], '/usr/bin/dd'),
  });
  await rm(copyFile, { force: true });
  const ours = await measure({
    runs,
    before: () => rm(lake, { recursive: true, force: true }),
    run: () => ingestCapture(lake, capture.file),
  });
  const ingested = ours.values[0]?.packets ?? 0;

  // The query: one flow's 5-tuple, forward direction, over the capture's second hour.
  const f = capture.flow;
  const startMs = (startSec + 3600) * 1000;
  const endMs = (startSec + 7200) * 1000;
  const display =
    `ip.src#1 == ${f.src} && ip.dst#1 == ${f.dst} && tcp.srcport#1 == ${f.srcPort} && tcp.dstport#1 == ${f.dstPort} && ` +
    `ip.proto#1 == 6 && frame.time_epoch >= ${startMs / 1000} && frame.time_epoch < ${endMs / 1000}`;
  const tsharkOut = join(dir, 'tshark-query.pcap');
  const oursOut = join(dir, 'ours-query.pcap');
  const tsharkQuery = await measure({
    runs: 1,
    run: () => run(['-r', capture.file, '-Y', display, '-F', 'pcap', '-w', tsharkOut]),
  });
  const oursQuery = await measure({
    runs,
    run: () =>
      queryPackets(lake, {
        filter: {
          ipSrcAddr: f.src,
          ipDstAddr: f.dst,
          ipSrcPort: f.srcPort,
          ipDstPort: f.dstPort,
          protocol: 6,
          startMs,
          endMs,
        },
        output: oursOut,
      }),
  });
  const matched = oursQuery.values[0]?.packets ?? 0;
  const tsharkMatched = await countPackets(tsharkOut);

  const lakeBytes = await dirBytes(join(lake, 'pcap'));
  // What compaction's zstd rewrite would leave: the same rows through DuckDB's Parquet writer.
  const snapshot = await readSnapshot(join(lake, 'pcap'));
  const files = [...(snapshot?.files.keys() ?? [])].map((p) => `'${join(lake, 'pcap', p)}'`);
  const db = await openDuckDb();
  const zstdFile = join(dir, 'zstd.parquet');
  try {
    await db.connection.run(
      `COPY (SELECT * FROM read_parquet([${files.join(', ')}])) TO '${zstdFile}' (FORMAT parquet, COMPRESSION zstd)`,
    );
  } finally {
    db.close();
  }
  const zstdBytes = (await stat(zstdFile)).size;
  await rm(dir, { recursive: true, force: true });

  const figures: PcapFigures = {
    packets,
    captureBytes,
    oursIngestMs: ours.median,
    tsharkReadMs: tshark.median,
    copyMs: copy.median,
    oursQueryMs: oursQuery.median,
    tsharkQueryMs: tsharkQuery.median,
    matched,
    lakeBytes,
    zstdBytes,
  };
  const c = `pcap, ${packets.toLocaleString('en-US')} packets`;
  const rows: ResultRow[] = [
    {
      case: c,
      variant: 'ours: palisade pcap ingest (ingestCapture)',
      medianMs: ours.median,
      runsMs: ours.runs,
      rate: rate(packets, ours.median, 'packets'),
      notes: `${mb(lakeBytes)} of Parquet for ${mb(captureBytes)} of pcap (${(lakeBytes / captureBytes).toFixed(2)}); zstd rewrite ${mb(zstdBytes)}`,
      ratio: ratio(ours.median, tshark.median),
    },
    {
      case: c,
      variant: 'baseline: tshark -r IN -w /dev/null',
      medianMs: tshark.median,
      runsMs: tshark.runs,
      rate: rate(packets, tshark.median, 'packets'),
      notes: `${mb(captureBytes)} capture, in the page cache`,
      ratio: '1.00x (baseline)',
    },
    {
      case: c,
      variant: 'reference: dd IN to a file (bs=4M)',
      medianMs: copy.median,
      runsMs: copy.runs,
      rate: rate(packets, copy.median, 'packets'),
      notes: 'the bytes stored, nothing decoded',
      ratio: ratio(copy.median, tshark.median),
    },
    {
      case: `${c}, 5-tuple over one hour`,
      variant: 'ours: queryPackets',
      medianMs: oursQuery.median,
      runsMs: oursQuery.runs,
      rate: '',
      notes: `${matched.toLocaleString('en-US')} packets`,
      ratio: ratio(oursQuery.median, tsharkQuery.median),
    },
    {
      case: `${c}, 5-tuple over one hour`,
      variant: 'baseline: tshark -r IN -Y FILTER -w OUT',
      medianMs: tsharkQuery.median,
      runsMs: tsharkQuery.runs,
      rate: '',
      notes: `${tsharkMatched.toLocaleString('en-US')} packets`,
      ratio: '1.00x (baseline)',
    },
  ];
  const checks: Check[] = [
    { name: 'pcap ingest keeps every packet', ok: ingested === packets, detail: `${ingested} of ${packets}` },
    {
      name: 'pcap query matches tshark',
      ok: matched === tsharkMatched && matched > 0,
      detail: `${matched} packets, tshark ${tsharkMatched}`,
    },
  ];
  return { rows, checks, figures };
}

/** Packets in a capture file, as the lake's reader counts them. */
async function countPackets(file: string): Promise<number> {
  let n = 0;
  for await (const batch of readCapture(file)) if (!batch.problem) n += batch.count;
  return n;
}

/** The headline lines for issue 7's bar. */
export function pcapHeadline(f: PcapFigures): string[] {
  const ingestRatio = f.tsharkReadMs / f.oursIngestMs;
  const speedup = f.tsharkQueryMs / f.oursQueryMs;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return [
    `**11. Packet capture, ${f.packets.toLocaleString('en-US')} packets** (${mb(f.captureBytes)} pcap, two hours of mixed TCP/UDP over IPv4 and IPv6). ` +
      `Ingest into the \`pcap\` table ${s(f.oursIngestMs)} (${rate(f.packets, f.oursIngestMs, 'packets')}) against ` +
      `\`tshark -r IN -w /dev/null\` ${s(f.tsharkReadMs)} (${rate(f.packets, f.tsharkReadMs, 'packets')}): ratio **${ingestRatio.toFixed(2)}** ` +
      `against a target of ≥ 1: ${ingestRatio >= 1 ? '**met**' : '**not met**'}. ` +
      `For scale, \`dd\` copying the capture into a file on the same disk takes ${s(f.copyMs)} ` +
      `(${(f.copyMs / f.tsharkReadMs).toFixed(2)} of tshark's time): writing the bytes is not what limits ingest, decoding and encoding them is. ` +
      `A 5-tuple query over one hour ${s(f.oursQueryMs)} against \`tshark -Y\` on the capture ${s(f.tsharkQueryMs)} ` +
      `(${f.matched.toLocaleString('en-US')} packets each): **${speedup.toFixed(1)}×** faster against a target of ≥ 20×: ` +
      `${speedup >= 20 ? '**met**' : '**not met**'}. On disk: ${mb(f.lakeBytes)} of Parquet, ` +
      `**${(f.lakeBytes / f.captureBytes).toFixed(2)}** of the capture's size as ingested (PLAIN, uncompressed), ` +
      `${(f.zstdBytes / f.captureBytes).toFixed(2)} once rewritten with zstd.`,
  ];
}
