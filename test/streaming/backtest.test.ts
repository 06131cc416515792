import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSql } from '#lake';
import { backtest, loadIntelStore } from '#streaming';
import { palisade } from '../helpers/cli.js';
import { sensorLines, THREAT_IP, writeTestConfig } from '../helpers/streaming.js';
import { tempDir } from '../helpers/tmp.js';

const FROM = Date.UTC(2026, 10, 20);
const TO = Date.UTC(2026, 10, 21);

/** A lake of bro events ingested with the test config's rules and the threat address loaded. */
function ingestedLake(dir: string): { lake: string; config: string } {
  const config = writeTestConfig(dir);
  const lake = join(dir, 'lake');
  const csv = join(dir, 'intel.csv');
  writeFileSync(csv, `${THREAT_IP}\n`);
  expect(palisade(['batch', 'intel', 'load', '--lake', lake, '--type', 'malicious_ip', csv]).code).toBe(0);
  const logs = join(dir, 'bro.log');
  const lines = sensorLines(6_000, { brokenEvery: 1_000_000 }).filter((l) => l.sensor === 'bro');
  writeFileSync(logs, `${lines.map((l) => l.text).join('\n')}\n`);
  const r = palisade(['ingest', '--sensor', 'bro', '--lake', lake, '--config-dir', config, logs]);
  expect(r.code, r.stderr).toBe(0);
  return { lake, config };
}

async function broRows(lake: string) {
  const s = await openSql(lake);
  try {
    return (await s.query('SELECT guid, ip_dst_port AS port, ip_dst_addr AS dst FROM bro')).rows as {
      guid: string;
      port: number;
      dst: string;
    }[];
  } finally {
    s.close();
  }
}

describe('palisade batch backtest', () => {
  const dir = tempDir('palisade-backtest-');
  const { lake, config } = ingestedLake(dir);

  it('reports no difference over data ingested with the same rules', async () => {
    const report = await backtest(lake, {
      configDir: config,
      from: FROM,
      to: TO,
      intel: await loadIntelStore(lake),
    });
    expect(report.events).toBe(3_000);
    expect(report.fired).toBeGreaterThan(0);
    expect(report.alerts).toBe(report.fired);
    expect({ added: report.added, gone: report.gone, changed: report.changed }).toEqual({
      added: [],
      gone: [],
      changed: [],
    });
  });

  it('after a rule change, reports exactly the alerts it changes', async () => {
    const changed = join(dir, 'changed');
    const config2 = writeTestConfig(changed);
    const file = join(config2, 'enrichments', 'bro.json');
    const bro = JSON.parse(readFileSync(file, 'utf8'));
    // RDP becomes an alert; ssh scores 60 instead of 50.
    bro.enrichment.fieldMap.stellar.config.is_alert = `ip_dst_port == 22 || ip_dst_port == 3389 || ip_dst_addr == '${THREAT_IP}'`;
    bro.threatIntel.triageConfig.riskLevelRules[0].score = 60;
    writeFileSync(file, JSON.stringify(bro));

    const rows = await broRows(lake);
    const wasAlert = (r: { port: number; dst: string }) => r.port === 22 || r.dst === THREAT_IP;
    const expectNew = rows.filter((r) => r.port === 3389 && !wasAlert(r)).map((r) => r.guid);
    const expectChanged = rows.filter((r) => r.port === 22).map((r) => r.guid);
    expect(expectNew.length).toBeGreaterThan(0);
    expect(expectChanged.length).toBeGreaterThan(0);

    const report = await backtest(lake, {
      configDir: config2,
      from: FROM,
      to: TO,
      intel: await loadIntelStore(lake),
    });
    expect(report.gone).toEqual([]);
    expect(report.added.map((d) => d.guid).sort()).toEqual(expectNew.sort());
    // No risk rule matches RDP: an alert without a score, as triage leaves one.
    for (const d of report.added) expect(d.after).toBeUndefined();
    expect(report.changed.map((d) => d.guid).sort()).toEqual(expectChanged.sort());
    for (const d of report.changed) expect((d.after as number) - (d.before as number)).toBe(10);

    // And a threat indicator dropped from the rules: its alerts that nothing else raised go.
    bro.enrichment.fieldMap.stellar.config.is_alert = 'ip_dst_port == 22';
    bro.threatIntel.fieldMap = {};
    bro.threatIntel.triageConfig.riskLevelRules[0].score = 50;
    writeFileSync(file, JSON.stringify(bro));
    const dropped = await backtest(lake, {
      configDir: config2,
      from: FROM,
      to: TO,
      intel: await loadIntelStore(lake),
    });
    const expectGone = rows.filter((r) => r.dst === THREAT_IP && r.port !== 22).map((r) => r.guid);
    expect(dropped.gone.map((d) => d.guid).sort()).toEqual(expectGone.sort());
    expect(dropped.added).toEqual([]);
  });

  it('prints a summary, and exits 2 on bad usage', () => {
    const r = palisade([
      'batch',
      'backtest',
      '--lake',
      lake,
      '--config',
      config,
      '--from',
      new Date(FROM).toISOString(),
      '--to',
      new Date(TO).toISOString(),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^backtest: 3,000 events, (\d[\d,]*) alerts with the current rules, \1 fired; 0 new, 0 gone, 0 score changed\n/,
    );
    const bad = palisade(['batch', 'backtest', '--lake', lake, '--from', '5', '--to', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/must be after --from/);
  });
});
