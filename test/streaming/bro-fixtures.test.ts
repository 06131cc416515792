import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '#core';
import { openLakeWriter, openSql } from '#lake';
import { buildSensor, runFiles } from '#streaming';
import { ROOT } from '../helpers/cli.js';
import { METRON_FIXTURES } from '../helpers/metron.js';
import { tempDir } from '../helpers/tmp.js';

const files = [
  join(METRON_FIXTURES, 'bro', 'raw', 'BroExampleOutput'),
  join(METRON_FIXTURES, 'bro', 'docker', 'BroExampleOutput.txt'),
  join(ROOT, 'config', 'samples', 'bro', 'zeek-sample.log'), // Metron's bro/stub/bro.out
  join(ROOT, 'config', 'samples', 'bro', 'broken-lines.log'),
];

describe("every Bro line of Metron's fixtures lands in bro or in errors", () => {
  const lake = tempDir();

  it('accounts for each non-blank line exactly once', async () => {
    const lines = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== ''),
    );
    const writer = await openLakeWriter(lake);
    const parser = buildSensor('bro', 'test', { parser: 'bro', parserConfig: {}, fieldTransformations: [] });
    const telemetry = createTelemetry();
    const summary = await runFiles(files, {
      stages: { sensor: 'bro', parser },
      lake: writer,
      batchSize: 500,
      telemetry,
    });
    writer.close();
    expect(summary.events + summary.errors).toBe(lines.length);
    expect(summary.errors).toBe(3);
    const metrics = await telemetry.registry.metrics();
    expect(metrics).toContain(`palisade_events_total{stage="parse",sensor="bro"} ${summary.events}`);
    const parseErrors = [
      ...metrics.matchAll(/palisade_errors_total\{stage="parser_error",reason="[^"]+",sensor="bro"\} (\d+)/g),
    ];
    expect(parseErrors.reduce((n, m) => n + Number(m[1]), 0)).toBe(3);
    expect(metrics).toMatch(/palisade_lake_commit_seconds_count\{table="bro"\} [3-9]/);

    const sql = await openSql(lake);
    try {
      const [bro] = (await sql.query('SELECT count(*) AS n, count(DISTINCT guid) AS guids FROM bro')).rows;
      const [errors] = (await sql.query('SELECT count(*) AS n FROM errors')).rows;
      expect(bro).toEqual({ n: summary.events, guids: summary.events });
      expect(errors).toEqual({ n: summary.errors });
      // Several commits happened (batch size 500), none lost or doubled a row.
      expect(sql.tables.get('bro')).toBeGreaterThan(1);
      const perFile = (await sql.query('SELECT count(*) AS n FROM bro WHERE original_string IS NULL'))
        .rows[0];
      expect(perFile).toEqual({ n: 0 });
    } finally {
      sql.close();
    }
  });
});
