import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, type Event, seededRandom, sensorEnrichmentConfigSchema } from '#core';
import { openSql } from '#lake';
import {
  exportIsolationForestOnnx,
  ModelFunctions,
  ModelRegistry,
  ModelSession,
  trainIsolationForest,
} from '#models';
import { buildEnrichment, loadStages, processBatch } from '#streaming';
import { palisade, ROOT } from '../helpers/cli.js';
import { writeTestConfig } from '../helpers/streaming.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * MODEL_SCORE and MAAS_* in a sensor's enrichment config (Metron's shape): the stage binds them
 * when it is given the lake's models, a rule puts the score on the event and a triage rule
 * scores by it; `maas.url` in global.json points MAAS_GET_ENDPOINT at the HTTP API; and
 * `palisade ingest --lake` wires it all.
 */

const FEATURES = ['connections', 'bytes_out', 'distinct_peers'];

const dir = tempDir('palisade-enrich-models-');
const lake = join(dir, 'lake');
let session: ModelSession;
let models: ModelFunctions;

beforeAll(async () => {
  const rand = seededRandom(11);
  const rows = Array.from({ length: 300 }, () => FEATURES.map(() => rand() * 10));
  const onnx = exportIsolationForestOnnx(trainIsolationForest(rows, { seed: 11, trees: 20 }), {
    featureNames: FEATURES,
  });
  const registry = new ModelRegistry(lake);
  const spec = await registry.register(
    onnx,
    {
      name: 'hosts',
      kind: 'isolation-forest',
      features: FEATURES,
      input: 'features',
      output: 'anomaly',
      score: 'the anomaly score in (0, 1]: higher is more anomalous',
      threshold: 0.6,
      higherIsAnomalous: true,
      registeredBy: 'alice',
    },
    { promote: true },
  );
  session = await ModelSession.open(spec, onnx);
  models = new ModelFunctions({ lake });
});

afterAll(async () => {
  models.close();
  await session.close();
});

const RULE =
  "model_hosts_score := MODEL_SCORE('hosts', {'connections': conn_count, 'bytes_out': bytes_out, 'distinct_peers': peers})";

const config = sensorEnrichmentConfigSchema.parse({
  enrichment: {
    fieldMap: {
      stellar: {
        config: [
          RULE,
          'is_alert := model_hosts_score != null && model_hosts_score > 0.6',
          "hosts_endpoint := MAAS_GET_ENDPOINT('hosts')",
        ],
      },
    },
  },
  threatIntel: {
    triageConfig: {
      riskLevelRules: [{ name: 'anomalous host', rule: 'model_hosts_score > 0.6', score: 80 }],
    },
  },
});

describe('model functions in the enrichment stage', () => {
  it('puts the score on the event, and triage scores by it', async () => {
    const stage = buildEnrichment(config, 'hosts.json', { models });
    const normal: Event = { conn_count: 4, bytes_out: 5.5, peers: 3 };
    const odd: Event = { conn_count: 400, bytes_out: -50, peers: 90 };
    const [normalScore, oddScore] = await session.scoreRows([
      { connections: 4, bytes_out: 5.5, distinct_peers: 3 },
      { connections: 400, bytes_out: -50, distinct_peers: 90 },
    ]);
    expect(normalScore).toBeLessThan(0.6);
    expect(oddScore).toBeGreaterThan(0.6);

    expect(stage.enrich(normal)).toEqual([]);
    expect(normal.model_hosts_score).toBe(normalScore);
    expect(normal['hosts_endpoint.url']).toBe('palisade:models/hosts');
    expect(normal['hosts_endpoint.version']).toBe(1);
    expect(normal.is_alert).toBe(false);
    expect(stage.triage.apply(normal)).toBeUndefined();
    expect(normal['threat.triage.score']).toBeUndefined();

    expect(stage.enrich(odd)).toEqual([]);
    expect(odd.model_hosts_score).toBe(oddScore);
    expect(odd.is_alert).toBe(true);
    expect(stage.triage.apply(odd)).toBeUndefined();
    expect(odd['threat.triage.score']).toBe(80);
    expect(odd['threat.triage.rules.0.name']).toBe('anomalous host');

    // An event whose features are not numbers goes on without a score, as in Metron's MaaS; a
    // feature the event lacks is null to the rule, and so NaN to the model, as scoreRows takes it.
    const bad: Event = { conn_count: 'many', bytes_out: 5.5, peers: 3 };
    expect(stage.enrich(bad)).toEqual([]);
    expect(bad).not.toHaveProperty('model_hosts_score');
    const partial: Event = { conn_count: 4 };
    expect(stage.enrich(partial)).toEqual([]);
    expect(partial.model_hosts_score).toBe(
      (await session.scoreRows([{ connections: 4, bytes_out: null, distinct_peers: null }]))[0],
    );
  });

  it('is refused at load where no models are bound', () => {
    expect(() => buildEnrichment(config, 'hosts.json', {})).toThrow(/MODEL_SCORE/);
  });

  it("points MAAS_GET_ENDPOINT at global.json's maas.url through loadStages, and refuses a bad one", async () => {
    const configDir = writeTestConfig(tempDir());
    writeFileSync(
      join(configDir, 'enrichments', 'bro.json'),
      JSON.stringify({
        enrichment: {
          fieldMap: {
            stellar: {
              config: ["endpoint := MAAS_GET_ENDPOINT('hosts')", "none := MAAS_GET_ENDPOINT('nosuch')"],
            },
          },
        },
      }),
    );
    const global = (url: unknown) =>
      writeFileSync(join(configDir, 'global.json'), JSON.stringify({ 'maas.url': url }));
    global('http://127.0.0.1:8080/');
    const stages = loadStages(configDir, 'bro', { sources: { models } });
    const line =
      '{"http":{"ts":1700000000.5,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":5000,"id.resp_h":"10.0.0.2","id.resp_p":80}}';
    const out = await processBatch(stages, [{ bytes: Buffer.from(line) }]);
    expect(out.problems).toEqual([]);
    expect(out.events[0]).toMatchObject({
      'endpoint.name': 'hosts',
      'endpoint.version': 1,
      'endpoint.url': 'http://127.0.0.1:8080/api/models/hosts',
    });
    expect(out.events[0]).not.toHaveProperty('none');
    global('ftp://127.0.0.1');
    expect(() => loadStages(configDir, 'bro', { sources: { models } })).toThrow(ConfigError);
    expect(() => loadStages(configDir, 'bro', { sources: { models } })).toThrow(/maas\.url.*http\(s\)/);
  });
});

describe('palisade ingest --lake', () => {
  it("binds the lake's models for the sensor's rules", async () => {
    const configDir = writeTestConfig(tempDir());
    writeFileSync(
      join(configDir, 'enrichments', 'bro.json'),
      JSON.stringify({
        enrichment: {
          fieldMap: {
            stellar: {
              config: [
                "model_hosts_score := MODEL_SCORE('hosts', {'connections': 1, 'bytes_out': response_body_len, 'distinct_peers': request_body_len})",
              ],
            },
          },
        },
      }),
    );
    const sample = join(ROOT, 'config', 'samples', 'bro', 'zeek-sample.log');
    const run = palisade(['ingest', '--sensor', 'bro', '--lake', lake, '--config-dir', configDir, sample]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/bro: 1346 events, \d+ alerts, 0 errors/);
    const sql = await openSql(lake);
    let rows: Record<string, unknown>[];
    try {
      rows = (
        await sql.query(
          `SELECT response_body_len AS out, request_body_len AS req, model_hosts_score AS score
           FROM bro WHERE response_body_len IS NOT NULL ORDER BY uid LIMIT 3`,
        )
      ).rows;
    } finally {
      sql.close();
    }
    expect(rows).toHaveLength(3);
    const scores = await session.scoreRows(
      rows.map((r) => ({ connections: 1, bytes_out: Number(r.out), distinct_peers: Number(r.req) })),
    );
    expect(rows.map((r) => r.score)).toEqual(scores);
  });
});
