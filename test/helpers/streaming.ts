// Helpers for the Kafka pipeline tests: generated sensor lines (unique, with known alerts and
// known malformed lines), real worker processes started from the built CLI, and lake counts.

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { inject } from 'vitest';
import { readSnapshot } from '#lake';
import { ROOT } from './cli.js';

export function kafkaBootstrap(): string {
  const bootstrap = inject('kafkaBootstrap');
  if (!bootstrap) throw new Error(inject('kafkaError') ?? 'Kafka broker unavailable: no reason was provided');
  return bootstrap;
}

export type Sensor = 'bro' | 'snort' | 'yaf';

/** One generated input line and what the pipeline must make of it. */
export interface Line {
  sensor: Sensor;
  text: string;
  /** What identifies its event in the lake: bro's `uid`, else the line (`original_string`). */
  key: string;
  /** Malformed on purpose: must land in `errors` with these bytes. */
  broken: boolean;
  /** Must be raised as an alert. */
  alert: boolean;
  /** Talks to the threat-intel address: an alert too wherever that indicator is loaded. */
  threat: boolean;
  /** The triage score it must get, when it is an alert with a score. */
  score?: number;
}

const THREAT_IP = '203.0.113.66';
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const DESTS = ['93.184.216.34', '8.8.8.8', '192.168.0.10', '151.101.1.69', THREAT_IP, '192.168.0.77'];
const PORTS = [80, 443, 22, 53, 8080, 3389];

/**
 * `count` lines across bro (Zeek conn JSON), snort (CSV alerts) and yaf (pipe-delimited flows),
 * every one unique, one in `brokenEvery` malformed. Start times step by 7 ms from `start`.
 */
export function sensorLines(count: number, options: { brokenEvery?: number; start?: number } = {}): Line[] {
  const brokenEvery = options.brokenEvery ?? 500;
  const start = options.start ?? Date.UTC(2026, 10, 20, 8, 0, 0);
  const lines: Line[] = [];
  for (let i = 0; i < count; i++) {
    const sensor: Sensor = i % 10 < 5 ? 'bro' : i % 10 < 8 ? 'snort' : 'yaf';
    const t = start + i * 7;
    const dst = DESTS[i % DESTS.length] as string;
    const port = PORTS[(i >> 1) % PORTS.length] as number;
    const broken = i % brokenEvery === brokenEvery - 1;
    if (sensor === 'bro') {
      const text = broken
        ? `{"conn": {"ts": ${t / 1000}, "uid": "B${i}", "id.orig_h": "${ip(i)}"`
        : `{"conn":{"ts":${(t / 1000).toFixed(3)},"uid":"C${i}","id.orig_h":"${ip(i)}","id.orig_p":${40000 + (i % 20000)},` +
          `"id.resp_h":"${dst}","id.resp_p":${port},"proto":"tcp","service":"http","duration":0.25,` +
          `"orig_bytes":${(i * 37) % 9000},"resp_bytes":${(i * 91) % 50000},"conn_state":"SF"}}`;
      // Alert rule of the test's bro config: ssh, or the threat-intel address.
      const alert = !broken && (port === 22 || dst === THREAT_IP);
      const score = alert ? (dst === THREAT_IP ? 100 : 0) + (port === 22 ? 50 : 0) : undefined;
      lines.push({
        sensor,
        text,
        key: `C${i}`,
        broken,
        alert,
        threat: dst === THREAT_IP,
        ...(score === undefined ? {} : { score }),
      });
    } else if (sensor === 'snort') {
      const d = new Date(t);
      const stamp =
        `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCFullYear() % 100)}-` +
        `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}${pad(i % 1000, 3)}`;
      const text = broken
        ? `${stamp} ,1,999`
        : `${stamp} ,1,${1000 + (i % 50)},1,"Test rule ${i % 50}",TCP,${ip(i)},${40000 + (i % 20000)},${dst},${port},` +
          '52:54:00:12:35:02,08:00:27:7F:93:2D,0x4E,***AP***,0x9AFF3D7,0xC8761D52,,0xFFFF,64,0,59677,64,65536,,,,';
      // Metron's snort config: every snort event is an alert; 10 points unless the target is in 192.168.0.0/24.
      const score = dst.startsWith('192.168.0.') ? undefined : 10;
      lines.push({
        sensor,
        text,
        key: text,
        broken,
        alert: !broken,
        threat: dst === THREAT_IP,
        ...(broken || score === undefined ? {} : { score }),
      });
    } else {
      const d = new Date(t).toISOString().replace('T', ' ').slice(0, 23);
      const text = broken
        ? `${d}|not a yaf record`
        : `${d}|${d}|   0.000|   0.000|  6|${ip(i).padStart(40)}|${String(40000 + (i % 20000)).padStart(5)}|` +
          `${dst.padStart(40)}|${String(port).padStart(5)}|      AS|       0|       0|       0|22efa001|00000000|000|000|` +
          `       1|      44|       0|       0|    0|idle`;
      lines.push({ sensor, text, key: text, broken, alert: false, threat: dst === THREAT_IP });
    }
  }
  return lines;
}

/** A config folder: the shipped configs, plus a bro enrichment config with alert and triage rules. */
export function writeTestConfig(dir: string): string {
  const config = join(dir, 'config');
  cpSync(join(ROOT, 'config'), config, { recursive: true });
  mkdirSync(join(config, 'enrichments'), { recursive: true });
  writeFileSync(
    join(config, 'enrichments', 'bro.json'),
    JSON.stringify({
      enrichment: {
        fieldMap: {
          geo: ['ip_dst_addr'],
          stellar: { config: { is_alert: `ip_dst_port == 22 || ip_dst_addr == '${THREAT_IP}'` } },
        },
      },
      threatIntel: {
        fieldMap: { hbaseThreatIntel: ['ip_dst_addr'] },
        fieldToTypeMap: { ip_dst_addr: ['malicious_ip'] },
        triageConfig: {
          riskLevelRules: [
            { name: 'ssh', comment: 'ssh to anywhere', rule: 'ip_dst_port == 22', score: 50 },
            { name: 'threat', rule: `ip_dst_addr == '${THREAT_IP}'`, score: 100, reason: "'known bad'" },
          ],
          aggregator: 'SUM',
        },
      },
    }),
  );
  return config;
}

/** Produce lines to `<prefix><sensor>` topics (created with `partitions`), in batches. */
export async function produceLines(
  bootstrap: string,
  prefix: string,
  lines: readonly Line[],
  partitions = 3,
) {
  const kafka = new Kafka({ clientId: 'palisade-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const sensors = [...new Set(lines.map((l) => l.sensor))];
  await admin.createTopics({
    topics: sensors.map((s) => ({ topic: `${prefix}${s}`, numPartitions: partitions })),
    waitForLeaders: true,
  });
  await admin.disconnect();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < lines.length; i += 2000) {
      const bySensor = new Map<string, { value: string }[]>();
      for (const l of lines.slice(i, i + 2000)) {
        const topic = `${prefix}${l.sensor}`;
        bySensor.set(topic, [...(bySensor.get(topic) ?? []), { value: l.text }]);
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...bySensor].map(([topic, messages]) => ({ topic, messages })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** A worker process of the built CLI. */
export interface WorkerProcess {
  proc: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

export function startWorker(args: string[], env: Record<string, string> = {}): WorkerProcess {
  // A killed worker's partitions move after the session timeout: 10 s rather than 30 keeps
  // the fault tests short.
  const proc = spawn(
    process.execPath,
    [join(ROOT, 'dist', 'cli', 'main.js'), ...args, '--session-timeout', '10000'],
    {
      cwd: ROOT,
      env: { ...process.env, PALISADE_DEBUG: '1', PALISADE_LOG: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString('utf8')).slice(-20_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code, signal) => resolve(signal ? -1 : code)),
  );
  return { proc, exited, output: () => out };
}

/** Rows in a lake table, from its Delta log's file statistics (0 when it does not exist). */
export async function lakeRows(lake: string, table: string): Promise<number> {
  const snapshot = await readSnapshot(join(lake, table));
  if (!snapshot) return 0;
  let rows = 0;
  for (const add of snapshot.files.values()) {
    const stats = add.stats ? (JSON.parse(add.stats) as { numRecords?: number }) : {};
    rows += stats.numRecords ?? 0;
  }
  return rows;
}

/** Wait until `check` is true, polling; fails with `describe()` after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => Promise<string> | string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out: ${await describe()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** An order-free checksum of a set of strings: sha256 of the sorted list. */
export function checksum(values: Iterable<string>): string {
  const h = createHash('sha256');
  for (const v of [...values].sort()) h.update(v).update('\n');
  return h.digest('hex');
}

export { THREAT_IP };

/** What the lake holds for the generated lines, in a form to compare with {@link expectedLake}. */
export interface LakeContents {
  tables: Record<string, { rows: number; distinct: number; checksum: string }>;
  alerts: { rows: number; distinct: number; checksum: string; scores: Record<string, number> };
  errors: { rows: number; checksum: string };
}

/**
 * What the lake must hold for `lines`: each good line once in its table, each broken one in
 * errors. With `intel` (the threat-intel address loaded), every sensor whose enrichment config
 * looks addresses up in threat intel raises an alert for it too.
 */
export function expectedLake(lines: readonly Line[], options: { intel?: boolean } = {}): LakeContents {
  const tables: LakeContents['tables'] = {};
  for (const sensor of ['bro', 'snort', 'yaf'] as const) {
    const texts = lines.filter((l) => l.sensor === sensor && !l.broken).map((l) => l.key);
    if (texts.length > 0)
      tables[sensor] = { rows: texts.length, distinct: texts.length, checksum: checksum(texts) };
  }
  const alerts = lines.filter((l) => l.alert || (options.intel === true && l.threat && !l.broken));
  const scores: Record<string, number> = {};
  for (const l of alerts)
    if (l.score !== undefined) scores[String(l.score)] = (scores[String(l.score)] ?? 0) + 1;
  const broken = lines.filter((l) => l.broken).map((l) => l.text);
  return {
    tables,
    alerts: {
      rows: alerts.length,
      distinct: alerts.length,
      checksum: checksum(alerts.map((l) => l.key)),
      scores,
    },
    errors: { rows: broken.length, checksum: checksum(broken) },
  };
}

/** Read back what the lake holds (through DuckDB, the way an analyst would). */
export async function lakeContents(lake: string): Promise<LakeContents> {
  const { openSql } = await import('#lake');
  const sql = await openSql(lake);
  try {
    const strings = async (q: string) => (await sql.query(q)).rows.map((r) => String(Object.values(r)[0]));
    const tables: LakeContents['tables'] = {};
    for (const table of ['bro', 'snort', 'yaf']) {
      if (!sql.tables.has(table)) continue;
      const texts = await strings(`SELECT ${table === 'bro' ? 'uid' : 'original_string'} FROM ${table}`);
      tables[table] = { rows: texts.length, distinct: new Set(texts).size, checksum: checksum(texts) };
    }
    const alertTexts = sql.tables.has('alerts')
      ? await strings("SELECT CASE WHEN source.type = 'bro' THEN uid ELSE original_string END FROM alerts")
      : [];
    const scores: Record<string, number> = {};
    if (sql.tables.has('alerts')) {
      const rows = (
        await sql.query(
          'SELECT threat.triage.score AS score, count(*) AS n FROM alerts WHERE threat.triage.score IS NOT NULL GROUP BY 1',
        )
      ).rows;
      for (const r of rows) scores[String(Number(r.score))] = Number(r.n);
    }
    const errorTexts = sql.tables.has('errors')
      ? await strings('SELECT decode(raw_message_bytes) FROM errors')
      : [];
    return {
      tables,
      alerts: {
        rows: alertTexts.length,
        distinct: new Set(alertTexts).size,
        checksum: checksum(alertTexts),
        scores,
      },
      errors: { rows: errorTexts.length, checksum: checksum(errorTexts) },
    };
  } finally {
    sql.close();
  }
}

/** Rows landed so far in the tables the generated lines go to. */
export async function landedRows(lake: string): Promise<number> {
  let n = 0;
  for (const table of ['bro', 'snort', 'yaf', 'errors']) n += await lakeRows(lake, table);
  return n;
}

/** A committed message of a topic, decoded. */
export interface TopicMessage {
  partition: number;
  offset: number;
  event: Record<string, unknown>;
}

/** A consumer reading a topic's committed messages from the start, as they come. */
export interface TopicReader {
  readonly messages: TopicMessage[];
  /** Wait until at least `count` messages are in and the topic has been quiet for `quietMs`. */
  settle(count: number, timeoutMs?: number, quietMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function readTopic(bootstrap: string, topic: string): Promise<TopicReader> {
  const kafka = new Kafka({ clientId: 'palisade-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `check-${topic}-${Date.now()}`, readUncommitted: false });
  const messages: TopicMessage[] = [];
  let last = Date.now();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      messages.push({
        partition,
        offset: Number(message.offset),
        event: JSON.parse(message.value?.toString('utf8') ?? '{}') as Record<string, unknown>,
      });
      last = Date.now();
    },
  });
  return {
    messages,
    settle: async (count, timeoutMs = 120_000, quietMs = 3000) => {
      const until = Date.now() + timeoutMs;
      while (!(messages.length >= count && Date.now() - last > quietMs) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    close: () => consumer.disconnect(),
  };
}

/** guids of the committed messages on a topic (read_committed, from the start, until quiet). */
export async function topicGuids(bootstrap: string, topic: string, expected: number): Promise<string[]> {
  const reader = await readTopic(bootstrap, topic);
  try {
    await reader.settle(expected);
    return reader.messages.map((m) => (m.event.guid as string | undefined) ?? '');
  } finally {
    await reader.close();
  }
}

/** guids of the events in the lake's sensor tables. */
export async function lakeGuids(lake: string): Promise<string[]> {
  const { openSql } = await import('#lake');
  const sql = await openSql(lake);
  try {
    const out: string[] = [];
    for (const table of ['bro', 'snort', 'yaf'])
      if (sql.tables.has(table))
        for (const r of (await sql.query(`SELECT guid FROM ${table}`)).rows) out.push(String(r.guid));
    return out;
  } finally {
    sql.close();
  }
}
