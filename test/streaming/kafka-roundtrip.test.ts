// 10,000 security events through a real Kafka broker (started by test/setup/global.ts): what a
// consumer group reads back must be exactly what was produced, byte for byte, once each.

import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { seededRandom } from '../../bench/data.js';

const EVENTS = 10_000;
const BATCH = 500;
const PARTITIONS = 3;

function kafkaBootstrap(): string {
  const bootstrap = inject('kafkaBootstrap');
  if (!bootstrap) throw new Error(inject('kafkaError') ?? 'Kafka broker unavailable: no reason was provided');
  return bootstrap;
}

describe('Kafka round trip', () => {
  const clients: { disconnect(): Promise<void> }[] = [];

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect()));
  });

  it('delivers 10,000 JSON events byte-identical, each exactly once', { timeout: 120_000 }, async () => {
    // Inside the test, not in beforeAll: a missing broker must fail this test, not skip it.
    const kafka = new Kafka({
      clientId: 'palisade-test',
      brokers: [kafkaBootstrap()],
      logLevel: logLevel.ERROR,
    });
    const topic = `roundtrip-${randomUUID()}`;
    const admin = kafka.admin();
    clients.push(admin);
    await admin.connect();
    expect(
      await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true }),
    ).toBe(true);
    const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(meta?.partitions).toHaveLength(PARTITIONS);

    const sent = new Map<string, Buffer>();
    for (const event of securityEvents(EVENTS, 0x5eed)) {
      sent.set(event.guid, Buffer.from(JSON.stringify(event), 'utf8'));
    }
    expect(sent.size).toBe(EVENTS);

    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    clients.push(producer);
    await producer.connect();
    const entries = [...sent];
    for (let i = 0; i < entries.length; i += BATCH) {
      await producer.send({
        topic,
        acks: -1,
        messages: entries.slice(i, i + BATCH).map(([guid, value]) => ({ key: guid, value })),
      });
    }

    const received = new Map<string, Buffer>();
    const duplicates: string[] = [];
    const partitionsSeen = new Set<number>();
    let total = 0;
    let allIn: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      allIn = resolve;
    });

    const consumer = kafka.consumer({ groupId: `roundtrip-${randomUUID()}` });
    clients.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        total += 1;
        partitionsSeen.add(partition);
        const guid = message.key?.toString('utf8') ?? '(no key)';
        if (received.has(guid)) duplicates.push(guid);
        else if (message.value) received.set(guid, message.value);
        if (total >= EVENTS) allIn();
      },
    });

    const timedOut = await Promise.race([
      done.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 90_000)),
    ]);
    // Anything past 10,000 that is already on its way is a duplicate; give it a moment to show.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await consumer.stop();

    expect(timedOut, `only ${total} of ${EVENTS} events came back within 90 s`).toBe(false);
    expect(duplicates).toEqual([]);
    expect(total).toBe(EVENTS);
    expect(received.size).toBe(EVENTS);
    expect([...partitionsSeen].sort((a, b) => a - b)).toEqual([0, 1, 2]);
    const mismatched = [...sent]
      .filter(([guid, value]) => !received.get(guid)?.equals(value))
      .map(([g]) => g);
    expect(mismatched).toEqual([]);
  });
});

interface SecurityEvent {
  timestamp: number;
  guid: string;
  'source.type': string;
  original_string: string;
  ip_src_addr: string;
  ip_src_port: number;
  ip_dst_addr: string;
  ip_dst_port: number;
  protocol: string;
  [field: string]: unknown;
}

/** Deterministic, varied events in Metron's normalised shape (bro, snort, squid, auth). */
function* securityEvents(count: number, seed: number): Generator<SecurityEvent> {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const ipv4 = () => `${pick([10, 172, 192, 203, 198])}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
  const ipv6 = () => `2001:db8:${int(0, 0xffff).toString(16)}::${int(1, 0xffff).toString(16)}`;
  const users = ['alice', 'bob', 'José Álvarez', 'Zoë Müller', '山田太郎', 'Дмитрий', 'محمد', 'svc-backup'];
  const hosts = ['example.com', 'bücher.example', 'пример.рф', '例え.テスト', 'intranet.corp.local'];
  const uris = [
    '/login',
    '/api/v1/items?id=42&q=%E2%9C%93',
    '/search?q=naïve café',
    '/📈/report',
    '/wp-admin',
  ];
  const start = Date.UTC(2026, 10, 1);

  for (let i = 0; i < count; i++) {
    const src = rand() < 0.1 ? ipv6() : ipv4();
    const dst = rand() < 0.1 ? ipv6() : ipv4();
    const srcPort = int(1024, 65535);
    const timestamp = start + i * 37 + int(0, 36);
    const guid = uuidFrom(rand);
    const kind = pick(['bro', 'snort', 'squid', 'auth'] as const);
    const base = { timestamp, guid, ip_src_addr: src, ip_src_port: srcPort, ip_dst_addr: dst };
    if (kind === 'bro') {
      const host = pick(hosts);
      const uri = pick(uris);
      const method = pick(['GET', 'POST', 'PUT']);
      yield {
        ...base,
        'source.type': 'bro',
        ip_dst_port: pick([80, 443, 8080]),
        protocol: 'http',
        method,
        host,
        uri,
        status_code: pick([200, 301, 403, 404, 500]),
        user_agent: pick(['Mozilla/5.0 (X11; Linux x86_64)', 'curl/8.5.0', 'python-requests/2.32']),
        original_string: `HTTP | id.orig_h:${src} id.resp_h:${dst} method:${method} host:${host} uri:${uri}`,
      };
    } else if (kind === 'snort') {
      const sig = pick([
        'ET SCAN Nmap',
        'GPL ICMP PING',
        'ET POLICY “suspicious” UA — ☠',
        'SQL injection attempt',
      ]);
      const proto = pick(['TCP', 'UDP', 'ICMP']);
      yield {
        ...base,
        'source.type': 'snort',
        ip_dst_port: proto === 'ICMP' ? 0 : int(1, 1024),
        protocol: proto,
        sig_id: int(1_000_000, 3_000_000),
        msg: sig,
        is_alert: true,
        original_string: `${new Date(timestamp).toISOString()},1,${int(1, 9999)},${sig},${proto},${src},${srcPort},${dst}`,
      };
    } else if (kind === 'squid') {
      const url = `http://${pick(hosts)}${pick(uris)}`;
      yield {
        ...base,
        'source.type': 'squid',
        ip_dst_port: 3128,
        protocol: 'tcp',
        action: pick(['TCP_MISS', 'TCP_HIT', 'TCP_DENIED']),
        bytes: int(0, 5_000_000),
        url,
        original_string: `${(timestamp / 1000).toFixed(3)} ${int(1, 9999)} ${src} TCP_MISS/200 ${int(0, 99999)} GET ${url} - DIRECT/${dst} text/html`,
      };
    } else {
      const user = pick(users);
      const outcome = pick(['success', 'failure']);
      yield {
        ...base,
        'source.type': 'auth',
        ip_dst_port: 22,
        protocol: 'ssh',
        user,
        outcome,
        // Control characters and quotes must survive too.
        original_string: `sshd[${int(100, 99999)}]: ${outcome === 'success' ? 'Accepted' : 'Failed'} password for "${user}" from ${src} port ${srcPort}\t\u0007`,
      };
    }
  }
}

function uuidFrom(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
