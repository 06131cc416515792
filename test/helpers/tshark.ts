// tshark and capinfos as the reference for packet-capture tests, plus a minimal independent libpcap
// reader for checking what tshark writes. Nothing here shares code with lake/pcap/.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

const TSHARK = '/usr/bin/tshark';
const CAPINFOS = '/usr/bin/capinfos';
const MAX_BUFFER = 1 << 30;
/** Per-packet comparisons want one row per captured frame, so IP reassembly is off by default. */
const NO_DEFRAGMENT = ['-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE'];
// Printed by every Wireshark tool when run as root (as in CI containers); it says nothing about input.
const ROOT_NOTICE = /^Running as user "root" and group "root"\. This could be dangerous\.\r?\n?/gm;

function clean(stderr: string): string {
  return stderr.replace(ROOT_NOTICE, '');
}

interface ExecFailure {
  code?: number | string;
  stdout?: string;
  stderr?: string;
}

async function exec(bin: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(bin, args, { maxBuffer: MAX_BUFFER, encoding: 'utf8' });
    return { stdout, stderr: clean(stderr), code: 0 };
  } catch (err) {
    const e = err as ExecFailure;
    if (typeof e.code !== 'number') throw err; // not an exit status: spawn failure, maxBuffer, …
    return { stdout: e.stdout ?? '', stderr: clean(e.stderr ?? ''), code: e.code };
  }
}

/** Runs tshark; throws with its stderr on a non-zero exit. stderr comes without the root notice. */
export async function tshark(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await exec(TSHARK, args);
  if (r.code !== 0) throw new Error(`tshark ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** Writes the packets of `input` that match a display filter to `output` as libpcap (µs or ns). */
export async function tsharkFilter(
  input: string,
  displayFilter: string,
  output: string,
  o: { nanos?: boolean } = {},
): Promise<void> {
  await tshark([
    '-r',
    input,
    ...NO_DEFRAGMENT,
    '-Y',
    displayFilter,
    '-F',
    o.nanos ? 'nsecpcap' : 'pcap',
    '-w',
    output,
  ]);
}

/**
 * One row per packet (matching `filter`, if given) with the fields in order; a repeated field is
 * a comma-separated list and an absent one is ''. IP reassembly is off unless `defragment`.
 *
 * @example
 * const rows = await tsharkFields(file, ['frame.number', 'ip.src']); // [['1', '10.0.0.1'], …]
 */
export async function tsharkFields(
  file: string,
  fields: string[],
  filter?: string,
  o: { defragment?: boolean; prefs?: string[] } = {},
): Promise<string[][]> {
  const args = ['-r', file, ...(o.defragment ? [] : NO_DEFRAGMENT), ...(o.prefs ?? [])];
  if (filter !== undefined) args.push('-Y', filter);
  args.push('-T', 'fields', '-E', 'separator=/t');
  for (const f of fields) args.push('-e', f);
  const { stdout } = await tshark(args);
  const lines = stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => line.split('\t'));
}

/** capinfos' verdict on a file: ok when it exits 0 and says nothing on stderr. */
export async function capinfosClean(file: string): Promise<{ ok: boolean; stderr: string }> {
  const r = await exec(CAPINFOS, [file]);
  return { ok: r.code === 0 && r.stderr.trim() === '', stderr: r.stderr };
}

export interface PcapRecord {
  tsSec: number;
  /** Nanoseconds, whatever the file's resolution. */
  tsNsec: number;
  caplen: number;
  len: number;
  data: Buffer;
}

/** Reads a libpcap file (µs or ns magic, either byte order). Throws on anything else or a torn record. */
export function readPcapRecords(file: string): { nanos: boolean; linktype: number; records: PcapRecord[] } {
  const buf = readFileSync(file);
  if (buf.length < 24) throw new Error(`${file}: ${buf.length} bytes is too short for a pcap header`);
  const magics: Record<number, { nanos: boolean }> = {
    2712847316: { nanos: false },
    2712812621: { nanos: true },
  };
  let le = true;
  let kind = magics[buf.readUInt32LE(0)];
  if (!kind) {
    le = false;
    kind = magics[buf.readUInt32BE(0)];
  }
  if (!kind) throw new Error(`${file}: not a libpcap file (magic 0x${buf.readUInt32LE(0).toString(16)})`);
  const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const linktype = u32(20) & 0xffff;
  const records: PcapRecord[] = [];
  let at = 24;
  while (at < buf.length) {
    if (at + 16 > buf.length) throw new Error(`${file}: torn record header at byte ${at}`);
    const caplen = u32(at + 8);
    if (at + 16 + caplen > buf.length) throw new Error(`${file}: torn record data at byte ${at}`);
    const frac = u32(at + 4);
    records.push({
      tsSec: u32(at),
      tsNsec: kind.nanos ? frac : frac * 1000,
      caplen,
      len: u32(at + 12),
      data: buf.subarray(at + 16, at + 16 + caplen),
    });
    at += 16 + caplen;
  }
  return { nanos: kind.nanos, linktype, records };
}
