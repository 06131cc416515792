// `palisade batch train` over a lake of labelled traffic, then the model used three ways: the
// registry's files and rows, `palisade models score`, and `palisade ingest --score` putting a
// score on each event before triage. Each must give the numbers the TypeScript model gives.

import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSql } from '#lake';
import {
  featureNames,
  HOST_FEATURES,
  type ModelSpec,
  readFeatureTable,
  rocAuc,
  trainIsolationForest,
} from '#models';
import { palisade, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { HOUR_MS, TRAFFIC_START, type Traffic, trafficLake, zeekConnLine } from '../helpers/traffic.js';

const dir = tempDir('palisade-train-');
const lake = join(dir, 'lake');
const FROM = new Date(TRAFFIC_START).toISOString();
let traffic: Traffic;
let to: string;

const spec = (version: number): ModelSpec =>
  JSON.parse(readFileSync(join(lake, 'models', 'hosts', String(version), 'model.json'), 'utf8')) as ModelSpec;

beforeAll(async () => {
  const made = await trafficLake(lake, { seed: 11, hosts: 60, hours: 12, attacks: 12 });
  traffic = made.traffic;
  to = new Date(made.to).toISOString();
  // The attacked host-hours, as `--labels` takes them.
  writeFileSync(join(dir, 'labels.csv'), [...traffic.attacks].map((k) => k.replace('\0', ',')).join('\n'));
}, 120_000);

describe('palisade batch train', () => {
  it('trains, checks the ONNX export, registers and promotes an Isolation Forest', () => {
    const args = [
      'batch',
      'train',
      '--lake',
      lake,
      '--model',
      'hosts',
      '--period',
      '1h',
      '--from',
      FROM,
      '--to',
      to,
    ];
    const r = palisade([
      ...args,
      '--seed',
      '5',
      '--labels',
      join(dir, 'labels.csv'),
      '--promote',
      '--actor',
      'ci',
    ]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/model hosts version 1 \(isolation-forest, features host/);
    expect(r.stdout).toMatch(/max \|ONNX − TypeScript\| = /);
    expect(r.stdout).toMatch(/promoted/);
    const v1 = spec(1);
    expect(v1.features).toEqual(featureNames(HOST_FEATURES));
    expect(v1).toMatchObject({
      kind: 'isolation-forest',
      featureSet: 'host',
      periodMs: HOUR_MS,
      output: 'anomaly',
    });
    expect(v1.registeredBy).toBe('ci');
    expect(v1.metrics.onnxMaxAbsDiff as number).toBeLessThan(1e-5);
    expect(v1.metrics.rows).toBe(60 * 12);
    // The attacks stand out of the host-hours the forest learnt from.
    expect(v1.metrics.auc as number).toBeGreaterThan(0.85);
    expect(Object.keys(v1.metrics.scores as object)).toEqual([
      'min',
      'p25',
      'p50',
      'p75',
      'p90',
      'p99',
      'max',
    ]);

    // Same seed, same data: the same model, byte for byte.
    expect(palisade([...args, '--seed', '5']).code).toBe(0);
    expect(spec(2).sha256).toBe(v1.sha256);
    const list = JSON.parse(palisade(['models', 'list', '--lake', lake, '--format', 'json']).stdout);
    expect(list).toEqual([
      {
        name: 'hosts',
        versions: [1, 2],
        live: 1,
        kind: 'isolation-forest',
        features: featureNames(HOST_FEATURES),
      },
    ]);
  });

  it('trains the median/MAD baseline too', () => {
    const r = palisade(
      ['batch', 'train', '--lake', lake, '--model', 'hosts-mad', '--kind', 'mad', '--period', '1h'].concat([
        '--from',
        FROM,
        '--to',
        to,
        '--labels',
        join(dir, 'labels.csv'),
      ]),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const mad = JSON.parse(
      readFileSync(join(lake, 'models', 'hosts-mad', '1', 'model.json'), 'utf8'),
    ) as ModelSpec;
    expect(mad).toMatchObject({ kind: 'mad', output: 'score', threshold: 3.5 });
    expect(mad.metrics.onnxMaxAbsDiff as number).toBeLessThan(1e-5);
    expect(mad.metrics.auc as number).toBeGreaterThan(0.7);
    expect(r.stdout).toMatch(/not live yet: palisade models promote hosts-mad 1/);
  });

  it('refuses a window without profiles, and bad options, in one line with exit 2', () => {
    const empty = palisade([
      'batch',
      'train',
      '--lake',
      lake,
      '--model',
      'x',
      '--period',
      '1h',
      '--from',
      '2020-01-01T00:00:00Z',
      '--to',
      '2020-01-02T00:00:00Z',
    ]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/only 0 rows of 'host' features .*`palisade batch profile`/);
    const bad = palisade(['batch', 'train', '--lake', lake, '--model', 'Bad Name']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(palisade(['batch', 'train', '--lake', lake, '--model', 'x', '--contamination', '0.9']).code).toBe(
      2,
    );
  });
});

describe('scoring with the live model', () => {
  it("`palisade models score` gives the TypeScript forest's anomaly scores", async () => {
    const table = await readFeatureTable(lake, HOST_FEATURES, {
      from: TRAFFIC_START,
      to: TRAFFIC_START + traffic.hours * HOUR_MS,
      periodMs: HOUR_MS,
    });
    const forest = trainIsolationForest(table.rows, { seed: 5 });
    const names = featureNames(HOST_FEATURES);
    const sample = table.rows.slice(0, 50);
    const input = { rows: sample.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]]))) };
    const r = palisade(['models', 'score', 'hosts', '--lake', lake, '--input', JSON.stringify(input)]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { model: string; version: number; scores: number[] };
    expect(out.model).toBe('hosts');
    expect(out.version).toBe(1);
    const expected = Array.from(forest.scoreSamples(sample), (s) => -s);
    out.scores.forEach((s, i) => {
      expect(Math.abs(s - (expected[i] as number))).toBeLessThan(1e-5);
    });
    // And the scores rank the attacks as the stored AUC says.
    const all = palisade(['models', 'score', 'hosts', '--lake', lake, '--input', '-'], {
      input: JSON.stringify(table.rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])))),
    });
    const labels = table.keys.map((k) => traffic.attacks.has(`${k.entity}\0${k.start}`));
    expect(rocAuc(JSON.parse(all.stdout).scores, labels)).toBeCloseTo(spec(1).metrics.auc as number, 5);
  });

  it('refuses rows that do not fit the model, with the reason', () => {
    const missing = palisade([
      'models',
      'score',
      'hosts',
      '--lake',
      lake,
      '--input',
      '{"rows":[{"connections":1}]}',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/row 0: feature 'bytes_out' is missing/);
    const extra = palisade(['models', 'score', 'hosts', '--lake', lake, '--input', '{"nope":1}']);
    expect(extra.code).toBe(2);
    expect(palisade(['models', 'score', 'nosuch', '--lake', lake, '--input', '[]']).code).toBe(2);
  });

  it("`palisade ingest --score hosts` scores every event on its host's previous hour", async () => {
    const file = join(dir, 'conn.log');
    writeFileSync(file, `${traffic.events.map(zeekConnLine).join('\n')}\n`);
    // Into the same lake, which holds the registry and the profiles; the rows ingest adds are
    // the ones with model fields.
    const r0 = palisade([
      'ingest',
      '--sensor',
      'bro',
      '--lake',
      lake,
      '--score',
      'hosts',
      '--no-enrich',
      file,
    ]);
    expect(r0.stderr).not.toMatch(/internal error/);
    expect(r0.code).toBe(0);
    const sql = await openSql(lake);
    try {
      const { rows } = await sql.query(
        // Dotted fields are nested columns in the lake: model.hosts.score is a struct path.
        `SELECT ip_src_addr, timestamp, model.hosts.score AS score, model.hosts.version AS version
         FROM bro WHERE model IS NOT NULL`,
      );
      // No event carries model.hosts.error: the struct has no such field at all.
      const fields = await sql.query(`SELECT unnest(struct_keys(any_value(model.hosts))) AS k FROM bro`);
      expect(fields.rows.map((r) => r.k).sort()).toEqual(['score', 'version']);
      expect(rows.every((r) => typeof r.score === 'number')).toBe(true);
      // Events of the first hour have no closed period before them; all others are scored.
      const later = traffic.events.filter((e) => (e.timestamp as number) >= TRAFFIC_START + HOUR_MS).length;
      expect(rows.length).toBe(later);
      expect(new Set(rows.map((r) => r.version))).toEqual(new Set([1]));
      // Each score is the model's score of that host's previous hour.
      const table = await readFeatureTable(lake, HOST_FEATURES, {
        from: TRAFFIC_START,
        to: TRAFFIC_START + traffic.hours * HOUR_MS,
        periodMs: HOUR_MS,
      });
      const forest = trainIsolationForest(table.rows, { seed: 5 });
      const byKey = new Map(
        table.keys.map((k, i) => [
          `${k.entity}\0${k.start}`,
          -(forest.scoreSamples([table.rows[i] as Float64Array])[0] as number),
        ]),
      );
      for (const row of rows.slice(0, 500)) {
        const previous = Math.floor(Number(row.timestamp) / HOUR_MS) * HOUR_MS - HOUR_MS;
        const expected = byKey.get(`${row.ip_src_addr as string}\0${previous}`) as number;
        expect(Math.abs((row.score as number) - expected)).toBeLessThan(1e-5);
      }
    } finally {
      sql.close();
    }
  });

  it("feeds triage: a risk rule on model.hosts.score scores the anomalous hosts' alerts", async () => {
    // A config folder whose bro triage rule reads the score the model stage wrote (scoring
    // runs after enrichment and before triage). Every event is an alert here, so triage
    // scores each one.
    const config = join(dir, 'config');
    cpSync(join(ROOT, 'config'), config, { recursive: true });
    writeFileSync(
      join(config, 'enrichments', 'bro.json'),
      JSON.stringify({
        enrichment: { fieldMap: { stellar: { config: { is_alert: "'true'" } } } },
        threatIntel: {
          triageConfig: {
            riskLevelRules: [{ name: 'anomalous host', rule: 'model.hosts.score > 0.6', score: 70 }],
            aggregator: 'MAX',
          },
        },
      }),
    );
    const scoredLake = join(dir, 'scored');
    cpSync(lake, scoredLake, { recursive: true });
    rmSync(join(scoredLake, 'bro'), { recursive: true, force: true });
    const file = join(dir, 'conn.log');
    const r = palisade([
      'ingest',
      '--sensor',
      'bro',
      '--lake',
      scoredLake,
      '--config-dir',
      config,
      '--score',
      'hosts',
      file,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const sql = await openSql(scoredLake);
    try {
      const { rows } = await sql.query(
        `SELECT count(*) FILTER (WHERE model.hosts.score > 0.6) AS anomalous,
                count(*) FILTER (WHERE "threat"."triage"."score" = 70) AS scored70
         FROM bro`,
      );
      const { anomalous, scored70 } = rows[0] as { anomalous: number; scored70: number };
      expect(anomalous).toBeGreaterThan(0);
      expect(scored70).toBe(anomalous);
      const alerts = await sql.query(`SELECT count(*) AS n FROM alerts WHERE "threat"."triage"."score" = 70`);
      expect(alerts.rows[0]?.n).toBe(anomalous);
    } finally {
      sql.close();
    }
  });
});
