import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Event, seededRandom } from '#core';

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

/** The project's seeded PRNG, so every run benchmarks the same events. */
export { seededRandom };

const DAY_MS = 86_400_000;
/** By default events span 3.5 days from a morning, so a batch lands in four `dt` partitions. */
const START_MS = Date.UTC(2026, 10, 24, 6, 0, 0);
const SPAN_MS = 3.5 * DAY_MS;
const DEFAULT_SEED = 20261127;
const SOURCE_HOSTS = 50_000;
const DEST_HOSTS = 5_000;
const SENSORS = ['bro', 'bro', 'bro', 'snort', 'yaf', 'asa'] as const;
/** Bro's log types as Metron's `protocol`: conn 25 %, dns 30 %, http 30 %, ssl 15 %. */
const PROTOCOLS = [
  ...Array<string>(5).fill('conn'),
  ...Array<string>(6).fill('dns'),
  ...Array<string>(6).fill('http'),
  ...Array<string>(3).fill('ssl'),
];
const CONN_PORTS = [22, 25, 123, 3389, 445, 8080, 1433, 5900] as const;
const COUNTRIES = ['US', 'DE', 'CN', 'RU', 'GB', 'FR', 'NL', 'BR', 'IN', 'JP', 'KR', 'SG', 'CA', 'AU', 'UA'];
const HISTORIES = ['ShADadFf', 'ShAdDaFf', 'S', 'ShADadR', 'Dd', 'ShAFf'];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'HEAD', 'PUT', 'OPTIONS'];
const STATUS_CODES = [200, 200, 200, 200, 200, 200, 204, 301, 302, 304, 304, 400, 403, 404, 404, 500, 503];
const URI_PATHS = ['/', '/index.html', '/api/v1/items', '/api/v2/session', '/login', '/static/app.js'];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'curl/8.5.0',
  'python-requests/2.32.3',
  'Go-http-client/1.1',
  'Microsoft-CryptoAPI/10.0',
  'Wget/1.21.4',
];
const DNS_DOMAINS = [
  'example.com',
  'corp.internal',
  'cdn.cloudfront.net',
  'googleapis.com',
  'azure.com',
  'xyz',
];
const DNS_LABELS = ['www', 'api', 'mail', 'login', 'update', 'telemetry', 'static', 'vpn'];
const TAGS = ['internal', 'outbound', 'inbound', 'dmz', 'vpn', 'scanner', 'tor-exit', 'allowlisted'];

/** Names of the generated event fields that are not plain identifiers. */
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

/** The `i`-th source host; low indexes are the busy ones. */
export function sourceHost(i: number): string {
  return `10.${(i >>> 16) & 0xff}.${(i >>> 8) & 0xff}.${(i & 0xff) + 1}`;
}

/** A source host that occurs rarely (about 8 events per million): the point lookup's key. */
export const RARE_SOURCE = sourceHost(45_000);

export interface EventOptions {
  /** PRNG seed: the same seed gives the same events. */
  seed?: number;
  /** First timestamp (epoch ms); events then spread over `spanMs`, mostly increasing. */
  startMs?: number;
  spanMs?: number;
}

/**
 * `count` flat security events as a parser and the enrichment stage would leave them, Bro's
 * log types mixed as in a sensor table: Metron names, dotted enrichment and triage fields, a
 * `tags` list, HTTP fields (`method`, `uri`, `user_agent`, `status_code`) on http events,
 * `query` on dns events, and a ~200-byte `original_string`. 20 columns in all; an event fills
 * 15 (conn, ssl) to 19 (http) of them. Sources are skewed (a few hosts are very busy) and
 * timestamps mostly increase, as they do on a stream. The events are written as JSON text and
 * come out of `JSON.parse`, so their strings are flat, as after a Kafka consumer.
 */
export function generateEvents(count: number, options: EventOptions = {}): Event[] {
  const out: Event[] = [];
  eventLines(count, options, (line) => {
    out.push(JSON.parse(line) as Event);
  });
  return out;
}

/**
 * Events from NDJSON pieces that each end on a line boundary (the generator's lines, ASCII),
 * one `JSON.parse` per line, as a consumer does: the same events {@link generateEvents} gives.
 */
export function parseEventPieces(pieces: readonly Uint8Array[]): Event[] {
  const out: Event[] = [];
  for (const piece of pieces) {
    const text = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString('latin1');
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      out.push(JSON.parse(text.slice(start, end)) as Event);
      start = end + 1;
    }
    if (start !== text.length) throw new Error('bench: an NDJSON piece does not end on a line boundary');
  }
  return out;
}

/** The JSON text of {@link generateEvents}' events, one line (without its newline) per call of `emit`. */
export function eventLines(count: number, options: EventOptions, emit: (line: string) => void): void {
  const rand = seededRandom(options.seed ?? DEFAULT_SEED);
  const startMs = options.startMs ?? START_MS;
  const spanMs = options.spanMs ?? SPAN_MS;
  // At most 8 digits a call: `rand()` carries 32 bits.
  const hex = (digits: number) =>
    Math.floor(rand() * 16 ** digits)
      .toString(16)
      .padStart(digits, '0');
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const srcHosts = Array.from({ length: SOURCE_HOSTS }, (_, i) => sourceHost(i));
  const dstHosts = Array.from(
    { length: DEST_HOSTS },
    (_, i) => `${23 + ((i * 37) % 180)}.${(i * 11) % 256}.${(i >>> 3) & 0xff}.${(i * 7) % 254}`,
  );
  for (let i = 0; i < count; i++) {
    const timestamp = Math.floor(startMs + (i / count) * spanMs + rand() * 60_000);
    const guid = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(6)}${hex(6)}`;
    const src = Math.floor(SOURCE_HOSTS * rand() ** 3);
    const dst = Math.floor(DEST_HOSTS * rand() ** 2);
    const srcPort = 1024 + Math.floor(rand() * 64_511);
    const protocol = pick(PROTOCOLS);
    let dstPort: number;
    let app = '';
    if (protocol === 'dns') {
      dstPort = rand() < 0.9 ? 53 : 5353;
      app = `"query":"${pick(DNS_LABELS)}${Math.floor(rand() * 100)}.${hex(4)}.${pick(DNS_DOMAINS)}",`;
    } else if (protocol === 'http') {
      dstPort = rand() < 0.8 ? 80 : 8080;
      const uri = `${pick(URI_PATHS)}?id=${Math.floor(rand() * 100_000)}&t=${hex(8)}`;
      app =
        `"method":"${pick(METHODS)}","uri":"${uri}","user_agent":"${pick(USER_AGENTS)}",` +
        `"status_code":${pick(STATUS_CODES)},`;
    } else if (protocol === 'ssl') {
      dstPort = rand() < 0.9 ? 443 : 8443;
    } else {
      dstPort = pick(CONN_PORTS);
    }
    const bytes = Math.floor(40 + Math.exp(rand() * 14));
    // Six decimals, as Bro prints an interval; a whole value may occur and must widen to double.
    const duration = (rand() * 30).toFixed(6);
    const isAlert = rand() < 0.02;
    // Two decimals, as a triage aggregator rounds; whole values occur and must widen to double.
    const score = Math.round((isAlert ? 50 + rand() * 50 : rand() * 20) * 100) / 100;
    const country = COUNTRIES[dst % COUNTRIES.length] as string;
    const history = pick(HISTORIES);
    const srcAddr = srcHosts[src] as string;
    const dstAddr = dstHosts[dst] as string;
    const sensor = pick(SENSORS);
    const tagCount = 1 + Math.floor(rand() * 3);
    const tags: string[] = [];
    for (let t = 0; t < tagCount; t++) tags.push(`"${pick(TAGS)}"`);
    const original =
      `${protocol.toUpperCase()} | ts:${timestamp / 1000} uid:C${guid.slice(0, 17)} id.orig_h:${srcAddr} ` +
      `id.orig_p:${srcPort} id.resp_h:${dstAddr} id.resp_p:${dstPort} proto:${protocol === 'dns' ? 'udp' : 'tcp'} ` +
      `duration:${duration} orig_bytes:${bytes} conn_state:SF history:${history} ` +
      `orig_pkts:${1 + Math.floor(rand() * 40)}`;
    // Written as JSON text (no value needs escaping) and parsed line by line, as a consumer does.
    const line =
      `{"timestamp":${timestamp},"guid":"${guid}",${KEY.sourceType}:"${sensor}","ip_src_addr":"${srcAddr}",` +
      `"ip_src_port":${srcPort},"ip_dst_addr":"${dstAddr}","ip_dst_port":${dstPort},"protocol":"${protocol}",` +
      `"bytes":${bytes},"duration":${duration},"is_alert":${isAlert},${app}"tags":[${tags.join(',')}],` +
      `${KEY.score}:${score},${KEY.country}:"${country}","original_string":"${original}"}`;
    emit(line);
  }
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
