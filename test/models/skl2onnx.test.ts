// A model trained elsewhere: scikit-learn's IsolationForest on the host features, converted with
// skl2onnx in the project's venv, registered with `palisade models register`. Its scores must be
// the same through `palisade models score`, through the HTTP API (`POST /api/models/skl/score`)
// and through the stream (`palisade ingest --score`), and match scikit-learn's decision_function.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSql } from '#lake';
import { featureNames, HOST_FEATURES, type ModelSpec, readFeatureTable } from '#models';
import { startServer, UserStore } from '#server';
import { palisade } from '../helpers/cli.js';
import { python } from '../helpers/python.js';
import { tempDir } from '../helpers/tmp.js';
import { HOUR_MS, type Traffic, trafficLake, zeekConnLine } from '../helpers/traffic.js';

const dir = tempDir('palisade-skl2onnx-');
const lake = join(dir, 'lake');
const names = featureNames(HOST_FEATURES);
let traffic: Traffic;
let keys: { entity: string; start: number }[];
let rows: number[][];
let sklearn: number[];

const CONVERT = `
import json, sys
import numpy as np
from sklearn.ensemble import IsolationForest
from skl2onnx import to_onnx
data = json.load(open(sys.argv[1]))
X = np.array(data["rows"], dtype=np.float32)
model = IsolationForest(n_estimators=80, max_samples=128, random_state=3).fit(X)
onnx = to_onnx(model, X[:1], target_opset={"": 17, "ai.onnx.ml": 3})
open(sys.argv[2], "wb").write(onnx.SerializeToString())
print(json.dumps({"decision": [float(s) for s in model.decision_function(X)]}))
`;

beforeAll(async () => {
  const made = await trafficLake(lake, { seed: 21, hosts: 40, hours: 6, attacks: 6 });
  traffic = made.traffic;
  const table = await readFeatureTable(lake, HOST_FEATURES, {
    from: made.from,
    to: made.to,
    periodMs: HOUR_MS,
  });
  keys = [...table.keys];
  rows = table.rows.map((r) => Array.from(r));
  writeFileSync(join(dir, 'features.json'), JSON.stringify({ features: names, rows }));
  const out = await python(CONVERT, join(dir, 'features.json'), join(dir, 'iforest.onnx'));
  sklearn = (JSON.parse(out) as { decision: number[] }).decision;
}, 180_000);

const asObjects = (list: number[][]) =>
  list.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));

describe('a scikit-learn model converted with skl2onnx', () => {
  it('is refused when the declared features do not match its input', () => {
    const r = palisade([
      'models',
      'register',
      join(dir, 'iforest.onnx'),
      '--lake',
      lake,
      '--name',
      'skl',
      '--features',
      'a,b,c',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/input 'X' takes 7 features but 3 are declared \(a, b, c\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(palisade(['models', 'list', '--lake', lake, '--format', 'json']).stdout)).toEqual([]);
  });

  it('registers with its features, reading the score from its only float output', () => {
    const r = palisade([
      'models',
      'register',
      join(dir, 'iforest.onnx'),
      '--lake',
      lake,
      '--name',
      'skl',
      '--features',
      names.join(','),
      '--feature-set',
      'host',
      '--period',
      '1h',
      '--lower-is-anomalous',
      '--promote',
      '--actor',
      'notebook',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /registered skl version 1 \(input X, score from output scores, 7 features\); promoted/,
    );
    const spec = JSON.parse(
      readFileSync(join(lake, 'models', 'skl', '1', 'model.json'), 'utf8'),
    ) as ModelSpec;
    expect(spec).toMatchObject({
      kind: 'onnx',
      input: 'X',
      output: 'scores',
      higherIsAnomalous: false,
      featureSet: 'host',
    });
  });

  let cli: number[];
  it('scores through the CLI as scikit-learn does', () => {
    const r = palisade(['models', 'score', 'skl', '--lake', lake, '--input', '-'], {
      input: JSON.stringify({ rows: asObjects(rows) }),
    });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { model: string; version: number; scores: number[] };
    expect(out).toMatchObject({ model: 'skl', version: 1 });
    cli = out.scores;
    expect(cli).toHaveLength(rows.length);
    let max = 0;
    cli.forEach((s, i) => {
      max = Math.max(max, Math.abs(s - (sklearn[i] as number)));
    });
    // ONNX Runtime computes in float32, scikit-learn in float64.
    expect(max).toBeLessThan(1e-5);
  });

  it("scores through the HTTP API with exactly the CLI's numbers", async () => {
    const { token } = await new UserStore(lake).add('analyst1', 'viewer');
    const server = await startServer({ lake, port: 0 });
    try {
      const response = await fetch(`${server.url}/api/models/skl/score`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ rows: asObjects(rows) }),
      });
      expect(response.status).toBe(200);
      const out = (await response.json()) as { model: string; version: number; scores: number[] };
      expect(out.model).toBe('skl');
      expect(out.version).toBe(1);
      // The same float32s as the CLI printed, through JSON both ways.
      expect(out.scores).toEqual(cli);
    } finally {
      await server.close();
    }
  });

  it("scores the stream's events with exactly the CLI's numbers", async () => {
    const file = join(dir, 'conn.log');
    writeFileSync(file, `${traffic.events.map(zeekConnLine).join('\n')}\n`);
    const r = palisade(['ingest', '--sensor', 'bro', '--lake', lake, '--score', 'skl', '--no-enrich', file]);
    expect(r.code, r.stderr).toBe(0);
    const byKey = new Map(keys.map((k, i) => [`${k.entity}\0${k.start}`, cli[i] as number]));
    const sql = await openSql(lake);
    try {
      const { rows: scored } = await sql.query(
        'SELECT ip_src_addr, timestamp, model.skl.score AS score, model.skl.version AS version FROM bro WHERE model IS NOT NULL',
      );
      expect(scored.length).toBe(
        traffic.events.filter(
          (e) => (e.timestamp as number) >= (keys[0] as { start: number }).start + HOUR_MS,
        ).length,
      );
      for (const row of scored) {
        const previous = Math.floor(Number(row.timestamp) / HOUR_MS) * HOUR_MS - HOUR_MS;
        // The same float32 from the same session: equal, not close.
        expect(row.score).toBe(byKey.get(`${row.ip_src_addr as string}\0${previous}`));
        expect(row.version).toBe(1);
      }
    } finally {
      sql.close();
    }
  });
});
