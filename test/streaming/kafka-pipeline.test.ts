// The streaming tier on a real Kafka broker (started by test/setup/global.ts): 100,000 events
// of three sensors through `palisade stream` (two workers) and `palisade index`, as separate
// processes of the built CLI. The lake must hold every event exactly once, the alerts the
// triage rules raise, and every malformed line in `errors` with its bytes.

import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSql } from '#lake';
import { palisade } from '../helpers/cli.js';
import {
  expectedLake,
  kafkaBootstrap,
  lakeContents,
  landedRows,
  produceLines,
  sensorLines,
  startWorker,
  THREAT_IP,
  type WorkerProcess,
  waitFor,
  writeTestConfig,
} from '../helpers/streaming.js';
import { tempDir } from '../helpers/tmp.js';

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('stream + index on Kafka', () => {
  it('lands 100,000 events of bro, snort and yaf exactly once, with alerts and errors', {
    timeout: 600_000,
  }, async () => {
    const bootstrap = kafkaBootstrap();
    const dir = tempDir();
    const config = writeTestConfig(dir);
    const lake = join(dir, 'lake');
    const prefix = `it-${randomUUID().slice(0, 8)}.`;
    const lines = sensorLines(100_200);
    expect(lines.filter((l) => !l.broken)).toHaveLength(100_000);
    await produceLines(bootstrap, prefix, lines);
    // The stream reads its threat intel from the lake.
    const csv = join(dir, 'intel.csv');
    writeFileSync(csv, `${THREAT_IP}\n`);
    expect(palisade(['batch', 'intel', 'load', '--lake', lake, '--type', 'malicious_ip', csv]).code).toBe(0);

    const common = ['--bootstrap', bootstrap, '--topic-prefix', prefix];
    const stream = ['stream', ...common, '--config', config, '--sensors', 'bro,snort,yaf', '--lake', lake];
    const [streamPort, indexPort] = [await freePort(), await freePort()];
    const workers: WorkerProcess[] = [
      startWorker([...stream, '--metrics-port', String(streamPort)]),
      startWorker(stream),
      startWorker(['index', ...common, '--lake', lake, '--metrics-port', String(indexPort)]),
    ];
    try {
      await waitFor(
        async () => (await landedRows(lake)) >= lines.length,
        300_000,
        async () =>
          `${await landedRows(lake)} of ${lines.length} rows landed\n${workers.map((w) => w.output()).join('\n')}`,
      );
      // Let anything still in flight land, so a duplicate would show.
      await new Promise((r) => setTimeout(r, 3000));
      expect(await lakeContents(lake)).toEqual(expectedLake(lines, { intel: true }));
      const sql = await openSql(lake);
      try {
        const hits = await sql.query(
          'SELECT count(*) AS n FROM bro WHERE threatintels.hbaseThreatIntel.ip_dst_addr.malicious_ip IS NOT NULL',
        );
        expect(hits.rows).toEqual([
          { n: lines.filter((l) => l.sensor === 'bro' && !l.broken && l.text.includes(THREAT_IP)).length },
        ]);
      } finally {
        sql.close();
      }
      // Each worker's Prometheus endpoint counts what went through it.
      const metrics = await (await fetch(`http://127.0.0.1:${streamPort}/metrics`)).text();
      const counter = (text: string, name: string) =>
        [...text.matchAll(new RegExp(`^${name} (\\d+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
      expect(counter(metrics, 'palisade_records_total\\{sensor="bro"\\}')).toBeGreaterThan(0);
      expect(counter(metrics, 'palisade_events_total\\{stage="triage",sensor="bro"\\}')).toBeGreaterThan(0);
      expect(metrics).toMatch(
        /palisade_errors_total\{stage="parser_error",reason="[^"]+",sensor="(bro|snort|yaf)"\} \d+/,
      );
      expect(metrics).toMatch(/palisade_batch_seconds_count\{worker="stream"\} [1-9]/);
      const indexed = await (await fetch(`http://127.0.0.1:${indexPort}/metrics`)).text();
      expect(counter(indexed, 'palisade_events_total\\{stage="index",sensor="bro"\\}')).toBe(
        lines.filter((l) => l.sensor === 'bro' && !l.broken).length,
      );
      expect(indexed).toMatch(
        /palisade_consumer_lag\{group="palisade-index",topic="[^"]+",partition="\d"\} 0/,
      );
      const health = await fetch(`http://127.0.0.1:${indexPort}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
    } finally {
      for (const w of workers) w.proc.kill('SIGTERM');
    }
    // SIGTERM: each worker finishes its batch, commits and leaves cleanly.
    const codes = await Promise.all(workers.map((w) => w.exited));
    expect(codes, workers.map((w) => w.output()).join('\n')).toEqual([0, 0, 0]);
  });
});
