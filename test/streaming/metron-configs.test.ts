import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { globalConfigSchema, loadJsonConfig, sensorParserConfigSchema } from '#core';
import { openLakeWriter, openSql } from '#lake';
import { buildSensor, runFiles } from '#streaming';
import { METRON_FIXTURES } from '../helpers/metron.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Each of Metron's 15 shipped sensor configs, loaded as Metron wrote it, drives an ingestion of
 * its sensor's raw sample into a lake: the parser it names is found, every problem-free line
 * lands in the sensor's table, and every line is accounted for (table or errors).
 */

const CONFIGS = join(METRON_FIXTURES, 'configs', 'parsers');

/** Config file (relative to configs/parsers) → its sensor's raw sample. */
const SAMPLES: Record<string, string> = {
  'asa.json': 'asa/raw/asa_raw',
  'bro.json': 'bro/raw/BroExampleOutput',
  'jsonMap.json': 'jsonMap/raw/jsonMapExampleOutput',
  'jsonMapQuery.json': 'jsonMapQuery/raw/jsonMapExampleOutput',
  'jsonMapWrappedQuery.json': 'jsonMapWrappedQuery/raw/jsonMapExampleOutput',
  'leef.json': 'leef/raw/leefOutput',
  'snort.json': 'snort/raw/SnortOutput',
  'squid.json': 'squid/raw/SquidExampleOutput',
  'websphere.json': 'websphere/raw/WebsphereOutput.txt',
  'yaf.json': 'yaf/raw/YafExampleOutput',
  'parsers-common/jsonMap.json': 'jsonMap/raw/jsonMapExampleOutput',
  'parsers-common/jsonMapQuery.json': 'jsonMapQuery/raw/jsonMapExampleOutput',
  'parsers-common/jsonMapWrappedQuery.json': 'jsonMapWrappedQuery/raw/jsonMapExampleOutput',
  'parsers-common/syslog3164.json': 'syslog3164/raw/Syslog3164Output',
  'parsers-common/syslog5424.json': 'syslog5424/raw/Syslog5424Output',
};

const sensorOf = (config: string) => (config.split('/').pop() as string).replace(/\.json$/, '');

describe("Metron's sensor configs drive ingestion unchanged", () => {
  it('covers every shipped config', () => {
    const files = [
      ...readdirSync(CONFIGS).filter((f) => f.endsWith('.json')),
      ...readdirSync(join(CONFIGS, 'parsers-common')).map((f) => `parsers-common/${f}`),
    ].sort();
    expect(files).toEqual(Object.keys(SAMPLES).sort());
    expect(files).toHaveLength(15);
  });

  const globals = loadJsonConfig(globalConfigSchema, join(METRON_FIXTURES, 'configs', 'global.json'));

  for (const [configFile, sample] of Object.entries(SAMPLES)) {
    it(`${configFile} ingests ${sample}`, async () => {
      const file = join(CONFIGS, configFile);
      const input = join(METRON_FIXTURES, sample);
      expect(existsSync(input), `${input} is copied into the repo`).toBe(true);
      const config = loadJsonConfig(sensorParserConfigSchema, file);
      const sensor = sensorOf(configFile);
      const parser = buildSensor(sensor, file, config, {
        globals,
        now: () => Date.UTC(2016, 5, 1),
      });
      const lake = join(tempDir(), 'lake');
      const writer = await openLakeWriter(lake);
      let summary: Awaited<ReturnType<typeof runFiles>>;
      try {
        summary = await runFiles([input], { stages: { sensor: parser.sensor, parser }, lake: writer });
      } finally {
        writer.close();
      }
      expect(summary.events, `${sensor}: errors ${summary.errors}`).toBeGreaterThan(0);
      expect(summary.events + summary.errors + summary.filtered + summary.blank).toBeGreaterThanOrEqual(
        summary.records,
      );
      const s = await openSql(lake);
      try {
        const rows = await s.query(`SELECT count(*) AS n FROM "${sensor}"`);
        expect(rows.rows[0]?.n).toBe(summary.events);
      } finally {
        s.close();
      }
    });
  }
});
