// The pipeline with enrichment wired in: Metron's sample enrichment config driving `palisade
// ingest` with threat intel loaded by `palisade batch intel load`, and reverse DNS through a real
// DNS server inside the enrichment stage.

import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSql } from '#lake';
import { IntelStore, loadStages, processBatch } from '#streaming';
import { palisade, ROOT } from '../helpers/cli.js';
import { TestDnsServer } from '../helpers/dns-server.js';
import { fixtureLines, METRON_FIXTURES } from '../helpers/metron.js';
import { writeTestConfig } from '../helpers/streaming.js';
import { tempDir } from '../helpers/tmp.js';

const BAD_IP = '95.163.121.204';
const SAMPLE = join(ROOT, 'config', 'samples', 'bro', 'zeek-sample.log');

describe('palisade ingest with enrichment', () => {
  const dir = tempDir();
  const lake = join(dir, 'lake');

  it("runs Metron's bro enrichment config: geo on public addresses, threat intel from the lake, alerts", async () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, `# one bad address\n${BAD_IP}\n`);
    const load = palisade(['batch', 'intel', 'load', '--lake', lake, '--type', 'malicious_ip', csv]);
    expect(load.code, load.stderr).toBe(0);
    const run = palisade(['ingest', '--sensor', 'bro', '--lake', lake, SAMPLE]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/bro: 1346 events, 357 alerts, 0 errors/);

    const sql = await openSql(lake);
    try {
      const hit = (
        await sql.query(
          `SELECT count(*) AS n FROM bro WHERE threatintels.hbaseThreatIntel.ip_dst_addr.malicious_ip = 'alert'`,
        )
      ).rows;
      expect(hit).toEqual([{ n: 357 }]);
      // Every alert is the threat-intel hit, and carries Metron's is_alert.
      const alerts = (
        await sql.query(
          `SELECT count(*) AS n, count(DISTINCT guid) AS g, min(ip_dst_addr) AS ip, min(is_alert) AS a FROM alerts`,
        )
      ).rows;
      expect(alerts).toEqual([{ n: 357, g: 357, ip: BAD_IP, a: 'true' }]);
      // Geo on public addresses only (DB-IP City Lite, bundled): the bad address is in Russia.
      const geo = (
        await sql.query(
          `SELECT DISTINCT enrichments.geo.ip_dst_addr.country AS c FROM bro WHERE ip_dst_addr = '${BAD_IP}'`,
        )
      ).rows;
      expect(geo).toEqual([{ c: 'RU' }]);
      // And its autonomous system, from the bundled ip-location-db tables.
      const as = (
        await sql.query(
          `SELECT DISTINCT enrichments.geo.ip_dst_addr.asn AS asn, enrichments.geo.ip_dst_addr.asn_org AS org FROM bro WHERE ip_dst_addr = '${BAD_IP}'`,
        )
      ).rows;
      expect(as).toEqual([{ asn: '12695', org: 'LLC Digital Network' }]);
      const privateGeo = (
        await sql.query(
          `SELECT count(*) AS n, count(enrichments.geo.ip_dst_addr.country) AS geo FROM bro WHERE ip_dst_addr LIKE '192.168.%'`,
        )
      ).rows;
      expect(privateGeo).toEqual([{ n: expect.any(Number), geo: 0 }]);
      expect(privateGeo[0]?.n).toBeGreaterThan(100);
    } finally {
      sql.close();
    }
  });

  it('--no-enrich parses only', () => {
    const bare = join(dir, 'bare');
    const run = palisade(['ingest', '--sensor', 'bro', '--lake', bare, '--no-enrich', SAMPLE]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/bro: 1346 events, 0 alerts, 0 errors/);
  });
});

describe('reverse DNS in the enrichment stage', () => {
  const servers: TestDnsServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  const line = (src: string) =>
    Buffer.from(
      `{"conn":{"ts":1700000000.5,"uid":"C${src}","id.orig_h":"${src}","id.orig_p":5000,"id.resp_h":"8.8.8.8","id.resp_p":53,"proto":"udp"}}`,
    );

  async function stagesWith(server: TestDnsServer, waitMs: number) {
    const dir = tempDir();
    const config = writeTestConfig(dir);
    mkdirSync(join(config, 'enrichments'), { recursive: true });
    writeFileSync(
      join(config, 'enrichments', 'bro.json'),
      JSON.stringify({ enrichment: { fieldMap: { dns: ['ip_src_addr'] } } }),
    );
    writeFileSync(
      join(config, 'global.json'),
      JSON.stringify({ 'enrichment.dns': { servers: [server.address], tries: 1, timeoutMs: 3000, waitMs } }),
    );
    return loadStages(config, 'bro');
  }

  it('adds enrichments.dns.<field>.name from PTR answers', async () => {
    const server = await TestDnsServer.start({
      names: { '10.2.0.192.in-addr.arpa': 'mail.example.com', '11.2.0.192.in-addr.arpa': 'www.example.com' },
    });
    servers.push(server);
    const stages = await stagesWith(server, 1000);
    const out = await processBatch(stages, [
      { bytes: line('192.0.2.10') },
      { bytes: line('192.0.2.11') },
      { bytes: line('192.0.2.12') },
    ]);
    expect(out.errors).toEqual([]);
    expect(out.events.map((e) => e['enrichments.dns.ip_src_addr.name'])).toEqual([
      'mail.example.com',
      'www.example.com',
      undefined,
    ]);
  });

  it('does not hold a batch for a slow resolver; the late answer serves the next batch', async () => {
    const server = await TestDnsServer.start({
      names: { '20.2.0.192.in-addr.arpa': 'slow.example.com' },
      delayMs: 1500,
    });
    servers.push(server);
    const stages = await stagesWith(server, 50);
    const started = Date.now();
    const first = await processBatch(stages, [{ bytes: line('192.0.2.20') }]);
    // The batch waited its 50 ms, not the resolver's 1.5 s.
    expect(Date.now() - started).toBeLessThan(1000);
    expect(first.events[0]?.['enrichments.dns.ip_src_addr.name']).toBeUndefined();
    await new Promise((r) => setTimeout(r, 2000));
    const second = await processBatch(stages, [{ bytes: line('192.0.2.20') }]);
    expect(second.events[0]?.['enrichments.dns.ip_src_addr.name']).toBe('slow.example.com');
    expect(server.queries).toEqual(['20.2.0.192.in-addr.arpa']);
  });
});

describe("Metron's sample enrichment configs drive the pipeline unchanged", () => {
  // Each of Metron's sensor enrichment configs, with that sensor's parser config and Metron's raw
  // sample lines, and one indicator from the samples so threat intel has something to hit.
  const cases: [config: string, sensor: string, raw: string[]][] = [
    ['bro', 'bro', ['bro', 'raw', 'BroExampleOutput']],
    ['metron-common-test-bro', 'bro', ['bro', 'raw', 'BroExampleOutput']],
    ['snort', 'snort', ['snort', 'raw', 'SnortOutput']],
    ['yaf', 'yaf', ['yaf', 'raw', 'YafExampleOutput']],
    ['asa', 'asa', ['asa', 'raw', 'asa_raw']],
    ['websphere', 'websphere', ['websphere', 'raw', 'WebsphereOutput.txt']],
  ];
  it.each(cases)('%s: every sample line enriched, no errors', async (configName, sensor, raw) => {
    const dir = tempDir();
    const config = writeTestConfig(dir);
    cpSync(
      join(METRON_FIXTURES, 'configs', 'enrichments', `${configName}.json`),
      join(config, 'enrichments', `${sensor}.json`),
    );
    const lines = fixtureLines(...raw);
    const intel = new IntelStore();
    intel.add('malicious_ip', '10.0.2.15');
    const stages = loadStages(config, sensor, { sources: { intel: intel.freeze() } });
    const out = await processBatch(
      stages,
      lines.map((l) => ({ bytes: Buffer.from(l) })),
      { now: Date.UTC(2026, 10, 28) },
    );
    expect(out.problems).toEqual([]);
    expect(out.events.length).toBeGreaterThan(0);
    // Geo runs on every configured address field; only public ones get fields.
    for (const e of out.events) {
      for (const [key, value] of Object.entries(e)) {
        if (key.startsWith('enrichments.geo.')) expect(typeof value).toBe('string');
      }
    }
    const hits = out.events.filter((e) => Object.keys(e).some((k) => k.startsWith('threatintels.')));
    // Snort's and yaf's samples talk to 10.0.2.15 (hbaseThreatIntel on both address fields).
    if (sensor === 'snort' || sensor === 'yaf') expect(hits.length).toBeGreaterThan(0);
    // Every threat-intel hit is an alert; snort's triage scores its alerts.
    for (const e of hits) expect(e.is_alert).toBe('true');
    expect(out.alerts.length).toBeGreaterThanOrEqual(hits.length);
    if (sensor === 'snort') {
      // Metron's snort rule: 10 points unless the target is in 192.168.0.0/24.
      const scored = out.alerts.filter((e) => e['threat.triage.score'] !== undefined);
      expect(scored.length).toBeGreaterThan(0);
      for (const e of out.alerts)
        expect(e['threat.triage.score']).toBe(
          String(e.ip_dst_addr).startsWith('192.168.0.') ? undefined : 10,
        );
    }
  });
});
