// Live capture on the loopback interface through libpcap, as root (CI runs as root): the test
// sends a known set of UDP datagrams and a TCP conversation while `palisade pcap capture`
// runs, stops it with SIGTERM, and finds every packet with `palisade pcap query` — straight
// into the lake, and through Kafka's `pcap` topic landed by `palisade index`.

import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { palisade, ROOT } from '../helpers/cli.js';
import { kafkaBootstrap, lakeRows, startWorker, type WorkerProcess, waitFor } from '../helpers/streaming.js';
import { tempDir } from '../helpers/tmp.js';
import { readPcapRecords } from '../helpers/tshark.js';

const dir = tempDir('palisade-pcap-capture-');

/** Start a capture and wait until libpcap is listening (its first line on stderr). */
async function startCapture(args: string[]): Promise<WorkerProcess> {
  const proc = spawn(
    process.execPath,
    [join(ROOT, 'dist', 'cli', 'main.js'), 'pcap', 'capture', '--iface', 'lo', '--flush-ms', '300', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, PALISADE_DEBUG: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  proc.stdout?.on('data', (b: Buffer) => (out += b.toString('utf8')));
  proc.stderr?.on('data', (b: Buffer) => (out += b.toString('utf8')));
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (c, signal) => {
      code = signal ? -1 : c;
      resolve(code);
    }),
  );
  const w: WorkerProcess = { proc, exited, output: () => out };
  await waitFor(
    async () => {
      if (code !== undefined) throw new Error(`capture exited with ${code}: ${out}`);
      return out.includes('capturing on lo');
    },
    30_000,
    () => out,
  );
  return w;
}

const payload = (i: number) => Buffer.from(`palisade-live-${i.toString().padStart(4, '0')}`);

/** Send `count` UDP datagrams and one TCP exchange (request and reply) on the given ports. */
async function sendTraffic(udpPort: number, tcpPort: number, count: number): Promise<void> {
  const udp = createSocket('udp4');
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) =>
      udp.send(payload(i), udpPort, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
    );
  }
  udp.close();
  const server = createServer((s) => s.on('data', () => s.end('pong-from-server')));
  await new Promise<void>((resolve) => server.listen(tcpPort, '127.0.0.1', resolve));
  await new Promise<void>((resolve, reject) => {
    const c = connect(tcpPort, '127.0.0.1', () => c.write('ping-from-client'));
    c.on('data', () => c.end());
    c.on('close', () => resolve());
    c.on('error', reject);
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  // Let the last packets reach libpcap and a flush.
  await new Promise((r) => setTimeout(r, 800));
}

async function stop(w: WorkerProcess): Promise<string> {
  w.proc.kill('SIGTERM');
  expect(await w.exited).toBe(0);
  return w.output();
}

function expectAllCaptured(lake: string, udpPort: number, tcpPort: number, count: number): void {
  const udpOut = join(dir, `udp-${udpPort}.pcap`);
  const q = palisade([
    'pcap',
    'query',
    '--lake',
    lake,
    '-o',
    udpOut,
    '--ip-dst-port',
    String(udpPort),
    '--protocol',
    'udp',
  ]);
  expect(q.code).toBe(0);
  const udp = readPcapRecords(udpOut).records;
  expect(udp).toHaveLength(count);
  // Each datagram once, in the order sent: its payload ends the frame.
  udp.forEach((r, i) => {
    expect(r.data.subarray(r.data.length - payload(i).length).equals(payload(i))).toBe(true);
  });

  const tcpOut = join(dir, `tcp-${tcpPort}.pcap`);
  const t = palisade([
    'pcap',
    'query',
    '--lake',
    lake,
    '-o',
    tcpOut,
    '--ip-dst-port',
    String(tcpPort),
    '--protocol',
    'tcp',
    '--include-reverse',
  ]);
  expect(t.code).toBe(0);
  const tcp = readPcapRecords(tcpOut).records;
  const text = Buffer.concat(tcp.map((r) => r.data)).toString('latin1');
  expect(text).toContain('ping-from-client');
  expect(text).toContain('pong-from-server');
  // Handshake, request, reply, and the closing segments: at least 8 packets.
  expect(tcp.length).toBeGreaterThanOrEqual(8);
}

describe('palisade pcap capture on the loopback interface', () => {
  it('captures into the lake: every packet sent is queryable, and the kernel counters are reported', async () => {
    const lake = join(dir, 'lake-direct');
    const w = await startCapture(['--bpf', 'port 47101 or port 47102', '--lake', lake]);
    await sendTraffic(47101, 47102, 60);
    const output = await stop(w);
    expect(output).toMatch(/(\d+) packets captured; kernel: \d+ received, 0 dropped/);
    expectAllCaptured(lake, 47101, 47102, 60);
  }, 120_000);

  it('captures onto the pcap topic; palisade index lands it in the lake', async () => {
    const bootstrap = kafkaBootstrap();
    const lake = join(dir, 'lake-kafka');
    const prefix = `pcap-${Date.now()}.`;
    const w = await startCapture([
      '--bpf',
      'port 47201 or port 47202',
      '--bootstrap',
      bootstrap,
      '--topic-prefix',
      prefix,
    ]);
    await sendTraffic(47201, 47202, 40);
    const output = await stop(w);
    const captured = Number(/(\d+) packets captured/.exec(output)?.[1]);
    expect(captured).toBeGreaterThanOrEqual(48);
    const index = startWorker([
      'index',
      '--bootstrap',
      bootstrap,
      '--lake',
      lake,
      '--topic-prefix',
      prefix,
      '--group',
      `${prefix}index`,
    ]);
    try {
      await waitFor(
        async () => (await lakeRows(lake, 'pcap')) >= captured,
        60_000,
        () => index.output(),
      );
    } finally {
      index.proc.kill('SIGTERM');
      expect(await index.exited).toBe(0);
    }
    expect(await lakeRows(lake, 'pcap')).toBe(captured);
    expectAllCaptured(lake, 47201, 47202, 40);
  }, 180_000);
});
