import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Event } from '#core';

/**
 * Inputs for the benchmarks: synthetic security events for the lake, and Bro lines from the
 * project's samples. Everything is generated before any timed span starts.
 */

/** The repository root, found from this file so the suite runs from `dist/bench` or `bench/`. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'palisade') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench: cannot find the palisade repository root');
    dir = parent;
  }
}

/** A small seeded PRNG (mulberry32), so every run benchmarks the same events. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY_MS = 86_400_000;
/** Events span 3.5 days from a morning, so a batch lands in four `dt` partitions. */
const START_MS = Date.UTC(2026, 10, 24, 6, 0, 0);
const SPAN_MS = 3.5 * DAY_MS;
const SOURCE_HOSTS = 50_000;
const DEST_HOSTS = 5_000;
const SENSORS = ['bro', 'bro', 'bro', 'snort', 'yaf', 'asa'] as const;
const PROTOCOLS = ['tcp', 'tcp', 'tcp', 'udp', 'udp', 'icmp'] as const;
const SERVICES = [80, 443, 443, 443, 53, 53, 22, 25, 123, 3389, 8080, 445] as const;
const COUNTRIES = ['US', 'DE', 'CN', 'RU', 'GB', 'FR', 'NL', 'BR', 'IN', 'JP', 'KR', 'SG', 'CA', 'AU', 'UA'];
const HISTORIES = ['ShADadFf', 'ShAdDaFf', 'S', 'ShADadR', 'Dd', 'ShAFf'];

/** Names of the generated event fields, in the order they are set. */
export const EVENT_FIELDS = {
  sourceType: 'source.type',
  score: 'threat.triage.score',
  country: 'enrichments.geo.ip_dst_addr.country',
} as const;

const KEY = {
  sourceType: JSON.stringify(EVENT_FIELDS.sourceType),
  score: JSON.stringify(EVENT_FIELDS.score),
  country: JSON.stringify(EVENT_FIELDS.country),
};

/**
 * `count` flat security events as a parser and the enrichment stage would leave them: Metron
 * names, dotted enrichment and triage fields, ~200-byte `original_string`. Sources are skewed
 * (a few hosts are very busy) and timestamps mostly increase, as they do on a stream. The events
 * are written as JSON text and come out of `JSON.parse`, so their strings are flat, as after a
 * Kafka consumer.
 */
export function generateEvents(count: number, seed = 20261127): Event[] {
  const rand = seededRandom(seed);
  // At most 8 digits a call: `rand()` carries 32 bits.
  const hex = (digits: number) =>
    Math.floor(rand() * 16 ** digits)
      .toString(16)
      .padStart(digits, '0');
  const srcHosts = Array.from(
    { length: SOURCE_HOSTS },
    (_, i) => `10.${(i >>> 16) & 0xff}.${(i >>> 8) & 0xff}.${(i & 0xff) + 1}`,
  );
  const dstHosts = Array.from(
    { length: DEST_HOSTS },
    (_, i) => `${23 + ((i * 37) % 180)}.${(i * 11) % 256}.${(i >>> 3) & 0xff}.${(i * 7) % 254}`,
  );
  const out: Event[] = [];
  for (let i = 0; i < count; i++) {
    const timestamp = Math.floor(START_MS + (i / count) * SPAN_MS + rand() * 60_000);
    const guid = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(6)}${hex(6)}`;
    const src = Math.floor(SOURCE_HOSTS * rand() ** 3);
    const dst = Math.floor(DEST_HOSTS * rand() ** 2);
    const srcPort = 1024 + Math.floor(rand() * 64_511);
    const dstPort = SERVICES[Math.floor(rand() * SERVICES.length)] as number;
    const protocol = PROTOCOLS[Math.floor(rand() * PROTOCOLS.length)] as string;
    const bytes = Math.floor(40 + Math.exp(rand() * 14));
    const isAlert = rand() < 0.02;
    // Two decimals, as a triage aggregator rounds; whole values occur and must widen to double.
    const score = Math.round((isAlert ? 50 + rand() * 50 : rand() * 20) * 100) / 100;
    const country = COUNTRIES[dst % COUNTRIES.length] as string;
    const history = HISTORIES[Math.floor(rand() * HISTORIES.length)] as string;
    const srcAddr = srcHosts[src] as string;
    const dstAddr = dstHosts[dst] as string;
    const sensor = SENSORS[Math.floor(rand() * SENSORS.length)] as string;
    const original =
      `CONN | ts:${timestamp / 1000} uid:C${guid.slice(0, 17)} id.orig_h:${srcAddr} ` +
      `id.orig_p:${srcPort} id.resp_h:${dstAddr} id.resp_p:${dstPort} proto:${protocol} ` +
      `duration:${(rand() * 30).toFixed(6)} orig_bytes:${bytes} conn_state:SF history:${history} ` +
      `orig_pkts:${1 + Math.floor(rand() * 40)}`;
    // Written as JSON text (no value needs escaping) and parsed line by line, as a consumer does.
    const line =
      `{"timestamp":${timestamp},"guid":"${guid}",${KEY.sourceType}:"${sensor}","ip_src_addr":"${srcAddr}",` +
      `"ip_src_port":${srcPort},"ip_dst_addr":"${dstAddr}","ip_dst_port":${dstPort},"protocol":"${protocol}",` +
      `"bytes":${bytes},"is_alert":${isAlert},${KEY.score}:${score},${KEY.country}:"${country}",` +
      `"original_string":"${original}"}`;
    out.push(JSON.parse(line) as Event);
  }
  return out;
}

/** The Bro sample files: Zeek's JSON sample and Metron's own fixture. */
export const BRO_SAMPLES = [
  'config/samples/bro/zeek-sample.log',
  'test/fixtures/metron/bro/raw/BroExampleOutput',
];

/**
 * `count` Bro lines, the samples repeated. Each line is a fresh flat string (decoded from its
 * own bytes, as a consumer would) so the parse is not helped by V8 seeing one string again.
 */
export function broLines(count: number, transform: (line: string) => string = (l) => l): string[] {
  const root = repoRoot();
  const sample = BRO_SAMPLES.flatMap((f) => readFileSync(join(root, f), 'utf8').split('\n'))
    .filter((l) => l.trim() !== '')
    .map(transform);
  if (sample.length === 0) throw new Error('bench: the Bro samples are empty');
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(Buffer.from(sample[i % sample.length] as string).toString('utf8'));
  return out;
}

const BRO_PAYLOAD_START = /^\{\s*"[^"]+"\s*:\s*\{/;

/**
 * The same line with an integral double (`"bench_ttls":[3600.0]`) in its payload, which sends
 * it down the parser's slower lexeme-keeping path.
 */
export function withIntegralDouble(line: string): string {
  const m = BRO_PAYLOAD_START.exec(line) ?? /^\{/.exec(line);
  if (!m) throw new Error(`bench: not a Bro JSON line: ${line.slice(0, 60)}`);
  const at = m[0].length;
  return `${line.slice(0, at)}"bench_ttls":[3600.0],${line.slice(at)}`;
}
