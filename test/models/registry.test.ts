import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InfraError, seededRandom, UsageError } from '#core';
import { openSql, readSnapshot } from '#lake';
import {
  exportIsolationForestOnnx,
  ModelRegistry,
  type NewModelSpec,
  parseModelSpec,
  REGISTRY_TABLE,
  trainIsolationForest,
} from '#models';
import { tempDir } from '../helpers/tmp.js';

const FEATURES = ['dns_queries', 'dns_nxdomain', 'bytes_out', 'bytes_in', 'peers', 'ports'];
const T0 = Date.UTC(2025, 2, 10, 9, 0);

/** A 6-feature Isolation Forest as ONNX; seeds give different bytes. */
function onnxModel(seed: number): Uint8Array {
  const rand = seededRandom(seed);
  const rows = Array.from({ length: 300 }, () => FEATURES.map(() => rand() * 10));
  const model = trainIsolationForest(rows, { seed, trees: 10 });
  return exportIsolationForestOnnx(model, { featureNames: FEATURES });
}

function draft(overrides: Partial<NewModelSpec> = {}): NewModelSpec {
  return {
    name: 'dns-volume',
    kind: 'isolation-forest',
    features: FEATURES,
    featureSet: 'host-volume',
    input: 'features',
    output: 'score',
    score: "sklearn's score_samples: lower is more anomalous",
    threshold: -0.55,
    higherIsAnomalous: false,
    metrics: { auc: 0.93, rows: 300 },
    registeredBy: 'alice',
    ...overrides,
  };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A clock that ticks a second per call, so rows and specs get known times. */
function ticking(start = T0): () => number {
  let t = start - 1000;
  return () => {
    t += 1000;
    return t;
  };
}

async function rowsOf(lake: string): Promise<Record<string, unknown>[]> {
  const sql = await openSql(lake);
  try {
    return (
      await sql.query(
        `SELECT seq, "timestamp", name, version, action, actor, kind, features, sha256, detail, dt FROM ${REGISTRY_TABLE} ORDER BY seq`,
      )
    ).rows;
  } finally {
    sql.close();
  }
}

const root = tempDir('palisade-registry-');
let lakes = 0;
const freshLake = () => join(root, `lake-${++lakes}`);

let onnxA: Uint8Array;
let onnxB: Uint8Array;
let onnxC: Uint8Array;
beforeAll(() => {
  onnxA = onnxModel(1);
  onnxB = onnxModel(2);
  onnxC = onnxModel(3);
});

describe('ModelRegistry.register', () => {
  it('writes numbered version folders, model.json with sha256, and a register row per version', async () => {
    const lake = freshLake();
    const registry = new ModelRegistry(lake, { now: ticking() });
    const v1 = await registry.register(onnxA, draft());
    const v2 = await registry.register(onnxB, draft({ registeredBy: 'bob', metrics: { auc: 0.95 } }));
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v1).toMatchObject({ name: 'dns-volume', sha256: sha256(onnxA), registeredBy: 'alice' });
    expect(v2).toMatchObject({ sha256: sha256(onnxB), registeredBy: 'bob' });

    for (const [spec, bytes] of [
      [v1, onnxA],
      [v2, onnxB],
    ] as const) {
      const dir = join(lake, 'models', 'dns-volume', String(spec.version));
      expect((await readdir(dir)).sort()).toEqual(['model.json', 'model.onnx']);
      const text = await readFile(join(dir, 'model.json'), 'utf8');
      expect(text).toBe(`${JSON.stringify(spec, null, 2)}\n`);
      expect(parseModelSpec(JSON.parse(text), 'model.json')).toEqual(spec);
      expect(sha256(await readFile(join(dir, 'model.onnx')))).toBe(spec.sha256);
      expect(Buffer.from(await readFile(join(dir, 'model.onnx'))).equals(Buffer.from(bytes))).toBe(true);
    }
    // The table's rows, through the lake's SQL; no leftover temporary folders.
    expect(await rowsOf(lake)).toEqual([
      {
        seq: 1,
        timestamp: v1.registeredAt + 1000,
        name: 'dns-volume',
        version: 1,
        action: 'register',
        actor: 'alice',
        kind: 'isolation-forest',
        features: FEATURES,
        sha256: sha256(onnxA),
        detail: JSON.stringify({ auc: 0.93, rows: 300 }),
        dt: '2025-03-10',
      },
      expect.objectContaining({
        seq: 2,
        version: 2,
        action: 'register',
        actor: 'bob',
        sha256: sha256(onnxB),
      }),
    ]);
    expect(await readdir(join(lake, 'models', 'dns-volume'))).toEqual(expect.arrayContaining(['1', '2']));
    expect(await readdir(join(lake, 'models', 'dns-volume'))).toHaveLength(2);
    expect(await readdir(join(lake, 'models'))).toEqual(['dns-volume']);
    // The Delta table is its own folder, apart from the model files.
    expect((await readSnapshot(join(lake, REGISTRY_TABLE)))?.version).toBe(1);

    // Not promoted unless asked.
    expect(await registry.live('dns-volume')).toBeUndefined();
    await expect(registry.load('dns-volume')).rejects.toThrow(
      'model dns-volume has no live version; promote one with `palisade models promote dns-volume V`',
    );
    expect(await registry.list()).toEqual([
      { name: 'dns-volume', versions: [1, 2], live: null, kind: 'isolation-forest', features: FEATURES },
    ]);
    expect((await registry.versions('dns-volume')).map((s) => s.sha256)).toEqual([
      sha256(onnxA),
      sha256(onnxB),
    ]);
    expect(await registry.spec('dns-volume', 2)).toEqual(v2);
    const loaded = await registry.load('dns-volume', 1);
    expect(loaded.spec).toEqual(v1);
    expect(sha256(loaded.onnx)).toBe(v1.sha256);
  });

  it('never rewrites a version: registering again makes the next one', async () => {
    const lake = freshLake();
    const registry = new ModelRegistry(lake);
    await registry.register(onnxA, draft());
    await registry.register(onnxB, draft());
    const before = await Promise.all(
      ['1', '2'].map((v) => readFile(join(lake, 'models', 'dns-volume', v, 'model.json'), 'utf8')),
    );
    // The same bytes as v1 again: still a new version.
    const v3 = await registry.register(onnxA, draft({ registeredBy: 'carol' }));
    expect(v3.version).toBe(3);
    const after = await Promise.all(
      ['1', '2'].map((v) => readFile(join(lake, 'models', 'dns-volume', v, 'model.json'), 'utf8')),
    );
    expect(after).toEqual(before);
    expect(sha256(await readFile(join(lake, 'models', 'dns-volume', '2', 'model.onnx')))).toBe(sha256(onnxB));
    expect((await registry.list())[0]?.versions).toEqual([1, 2, 3]);
  });

  it('promotes on registration when asked, in the same commit', async () => {
    const lake = freshLake();
    const registry = new ModelRegistry(lake);
    const spec = await registry.register(onnxA, draft(), { promote: true });
    expect((await registry.live('dns-volume'))?.version).toBe(spec.version);
    expect((await readSnapshot(join(lake, REGISTRY_TABLE)))?.version).toBe(0);
    expect((await rowsOf(lake)).map((r) => [r.seq, r.action, r.actor, r.detail])).toEqual([
      [1, 'register', 'alice', JSON.stringify({ auc: 0.93, rows: 300 })],
      [2, 'promote', 'alice', JSON.stringify({ from: null })],
    ]);
  });

  it('refuses a spec whose features do not match the ONNX input, writing nothing', async () => {
    const lake = freshLake();
    const registry = new ModelRegistry(lake);
    const bad = registry.register(onnxA, draft({ name: 'mismatch', features: ['a', 'b', 'c'] }));
    await expect(bad).rejects.toThrow(UsageError);
    await expect(bad).rejects.toThrow(/model mismatch: .*takes 6 features but 3 are declared/);
    expect(existsSync(join(lake, 'models'))).toBe(false);
    expect(existsSync(join(lake, REGISTRY_TABLE))).toBe(false);

    // With a registry already in use: still no folder and no row for it.
    await registry.register(onnxA, draft());
    await expect(
      registry.register(onnxA, draft({ name: 'mismatch', features: ['a', 'b', 'c'] })),
    ).rejects.toThrow(UsageError);
    expect(existsSync(join(lake, 'models', 'mismatch'))).toBe(false);
    expect((await rowsOf(lake)).map((r) => r.name)).toEqual(['dns-volume']);
  });

  it('refuses an ONNX file ONNX Runtime cannot load, and a wrong output name', async () => {
    const lake = freshLake();
    const registry = new ModelRegistry(lake);
    const corrupt = onnxA.slice(0, 200);
    const bad = registry.register(corrupt, draft());
    await expect(bad).rejects.toThrow(UsageError);
    await expect(bad).rejects.toThrow(/^model dns-volume: ONNX Runtime cannot load it/);
    await expect(registry.register(onnxA, draft({ output: 'nope' }))).rejects.toThrow(/has no output 'nope'/);
    expect(existsSync(join(lake, 'models'))).toBe(false);
    expect(await registry.list()).toEqual([]);
  });

  it('refuses a bad name (no path traversal) or an invalid spec with the rule, before writing', async () => {
    const lake = freshLake();
    const registry = new ModelRegistry(lake);
    for (const name of ['../escape', 'Upper', '', 'a/b']) {
      const bad = registry.register(onnxA, draft({ name }));
      await expect(bad).rejects.toThrow(UsageError);
      await expect(bad).rejects.toThrow(/^invalid model name .*: a model name: a lower-case letter/);
    }
    await expect(registry.promote('../x', 1, 'alice')).rejects.toThrow(/invalid model name/);
    await expect(registry.load('..')).rejects.toThrow(/invalid model name/);
    await expect(registry.register(onnxA, draft({ threshold: 'high' as unknown as number }))).rejects.toThrow(
      /^model dns-volume: invalid model.json: \$\.threshold: /,
    );
    await expect(registry.register(onnxA, draft({ registeredBy: ' ' }))).rejects.toThrow(/non-empty actor/);
    expect(existsSync(lake)).toBe(false);
  });

  it('gives two registrations racing for the same name versions 1 and 2, both intact', async () => {
    const lake = freshLake();
    const registry = new ModelRegistry(lake);
    const other = new ModelRegistry(lake);
    const [a, b] = await Promise.all([
      registry.register(onnxA, draft({ registeredBy: 'alice' })),
      other.register(onnxB, draft({ registeredBy: 'bob' })),
    ]);
    expect([a.version, b.version].sort()).toEqual([1, 2]);
    for (const [spec, bytes] of [
      [a, onnxA],
      [b, onnxB],
    ] as const) {
      const loaded = await registry.load('dns-volume', spec.version);
      expect(loaded.spec).toEqual(spec);
      expect(sha256(loaded.onnx)).toBe(sha256(bytes));
    }
    const rows = await rowsOf(lake);
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
    expect(rows.map((r) => r.version).sort()).toEqual([1, 2]);
    expect(await readdir(join(lake, 'models', 'dns-volume'))).toHaveLength(2);
  });
});

describe('ModelRegistry promote and rollback', () => {
  it('makes a version live, changes it, rolls back, and refuses to roll back past the first', async () => {
    const lake = freshLake();
    const registry = new ModelRegistry(lake, { now: ticking() });
    for (const bytes of [onnxA, onnxB, onnxC]) await registry.register(bytes, draft());

    expect(await registry.promote('dns-volume', 1, 'alice')).toEqual({ from: null, to: 1 });
    expect((await registry.live('dns-volume'))?.version).toBe(1);
    expect(await registry.promote('dns-volume', 3, 'bob')).toEqual({ from: 1, to: 3 });
    expect((await registry.live('dns-volume'))?.version).toBe(3);
    expect(sha256((await registry.load('dns-volume')).onnx)).toBe(sha256(onnxC));

    expect(await registry.rollback('dns-volume', 'carol')).toEqual({ from: 3, to: 1 });
    expect((await registry.live('dns-volume'))?.version).toBe(1);
    expect(sha256((await registry.load('dns-volume')).onnx)).toBe(sha256(onnxA));
    expect((await registry.list())[0]).toMatchObject({ versions: [1, 2, 3], live: 1 });

    const past = registry.rollback('dns-volume', 'carol');
    await expect(past).rejects.toThrow(UsageError);
    await expect(past).rejects.toThrow('model dns-volume has no earlier live version to roll back to');

    const rows = await rowsOf(lake);
    expect(rows.slice(3).map((r) => [r.action, r.version, r.actor, r.detail])).toEqual([
      ['promote', 1, 'alice', '{"from":null}'],
      ['promote', 3, 'bob', '{"from":1}'],
      ['rollback', 1, 'carol', '{"from":3,"to":1}'],
    ]);
  });

  it('keeps a stack: promote pushes, rollback pops back through earlier live versions', async () => {
    const lake = freshLake();
    const registry = new ModelRegistry(lake);
    for (const bytes of [onnxA, onnxB, onnxC]) await registry.register(bytes, draft());
    for (const v of [1, 2, 3]) await registry.promote('dns-volume', v, 'alice');
    expect(await registry.rollback('dns-volume', 'alice')).toEqual({ from: 3, to: 2 });
    expect(await registry.rollback('dns-volume', 'alice')).toEqual({ from: 2, to: 1 });
    await expect(registry.rollback('dns-volume', 'alice')).rejects.toThrow(/no earlier live version/);
    // Promote after a rollback, then roll back to where the rollback left it.
    expect(await registry.promote('dns-volume', 3, 'alice')).toEqual({ from: 1, to: 3 });
    expect(await registry.rollback('dns-volume', 'alice')).toEqual({ from: 3, to: 1 });
  });

  it('refuses unknown names and versions, naming what exists, and rollback with nothing live', async () => {
    const lake = freshLake();
    const registry = new ModelRegistry(lake);
    await expect(registry.promote('dns-volume', 1, 'alice')).rejects.toThrow(
      "no model named 'dns-volume' is registered (the registry is empty)",
    );
    await registry.register(onnxA, draft());
    await registry.register(onnxB, draft({ name: 'beacons' }));
    const unknownVersion = registry.promote('dns-volume', 9, 'alice');
    await expect(unknownVersion).rejects.toThrow(UsageError);
    await expect(unknownVersion).rejects.toThrow('model dns-volume has no version 9 (versions: 1)');
    await expect(registry.promote('nope', 1, 'alice')).rejects.toThrow(
      "no model named 'nope' is registered (models: beacons, dns-volume)",
    );
    await expect(registry.promote('dns-volume', 1.5, 'alice')).rejects.toThrow(/invalid model version 1.5/);
    await expect(registry.promote('dns-volume', 1, '')).rejects.toThrow(/non-empty actor/);
    await expect(registry.spec('dns-volume', 2)).rejects.toThrow(
      'model dns-volume has no version 2 (versions: 1)',
    );
    await expect(registry.versions('nope')).rejects.toThrow(/no model named 'nope'/);
    expect(await registry.live('nope')).toBeUndefined();
    await expect(registry.rollback('dns-volume', 'alice')).rejects.toThrow(
      'model dns-volume has no live version to roll back from',
    );
    expect((await rowsOf(lake)).map((r) => r.action)).toEqual(['register', 'register']);
  });

  it('treats promoting the live version as a no-op: no row, same change marker', async () => {
    const lake = freshLake();
    const registry = new ModelRegistry(lake);
    await registry.register(onnxA, draft(), { promote: true });
    const marker = await registry.changeMarker();
    expect(await registry.promote('dns-volume', 1, 'bob')).toEqual({ from: 1, to: 1 });
    expect(await registry.changeMarker()).toBe(marker);
    expect(await rowsOf(lake)).toHaveLength(2);
  });

  it('orders actions in the same millisecond by commit, not by clock', async () => {
    const lake = freshLake();
    // A clock that stands still, then steps back: only seq can order these rows.
    let t = T0;
    const registry = new ModelRegistry(lake, { now: () => t });
    for (const bytes of [onnxA, onnxB, onnxC]) await registry.register(bytes, draft());
    await registry.promote('dns-volume', 1, 'alice');
    await registry.promote('dns-volume', 2, 'alice');
    t = T0 - 60_000;
    await registry.promote('dns-volume', 3, 'alice');
    await registry.rollback('dns-volume', 'alice');
    expect((await registry.live('dns-volume'))?.version).toBe(2);
    const rows = await rowsOf(lake);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(rows.slice(0, 5).map((r) => r.timestamp))).toEqual(new Set([T0]));
  });

  it('serialises racing promotes: each commits its own seq and the later commit is live', async () => {
    const lake = freshLake();
    const registry = new ModelRegistry(lake);
    for (const bytes of [onnxA, onnxB, onnxC]) await registry.register(bytes, draft());
    const results = await Promise.all([
      new ModelRegistry(lake).promote('dns-volume', 1, 'alice'),
      new ModelRegistry(lake).promote('dns-volume', 2, 'bob'),
    ]);
    const rows = (await rowsOf(lake)).filter((r) => r.action === 'promote');
    expect(rows.map((r) => r.seq)).toEqual([4, 5]);
    const [first, second] = rows.map((r) => r.version as number);
    // Each decision saw the other's commit or none: the second's `from` is the first's version.
    const byVersion = new Map(results.map((r) => [r.to, r.from]));
    expect(byVersion.get(first as number)).toBeNull();
    expect(byVersion.get(second as number)).toBe(first);
    expect((await registry.live('dns-volume'))?.version).toBe(second);
    expect(await registry.rollback('dns-volume', 'carol')).toEqual({ from: second, to: first });
  });
});

describe('ModelRegistry integrity and change marker', () => {
  it('refuses to load or promote a version whose model.onnx was changed', async () => {
    const lake = freshLake();
    const registry = new ModelRegistry(lake);
    await registry.register(onnxA, draft(), { promote: true });
    await registry.register(onnxB, draft());
    const file = join(lake, 'models', 'dns-volume', '1', 'model.onnx');
    await writeFile(file, onnxC);
    const load = registry.load('dns-volume');
    await expect(load).rejects.toThrow(InfraError);
    await expect(load).rejects.toThrow(/^model dns-volume v1: model\.onnx was changed after registration/);
    // model.json changed to match the new bytes: the registered sha256 still tells.
    const specFile = join(lake, 'models', 'dns-volume', '1', 'model.json');
    const spec = JSON.parse(await readFile(specFile, 'utf8'));
    await writeFile(specFile, JSON.stringify({ ...spec, sha256: sha256(onnxC) }, null, 2));
    await expect(registry.load('dns-volume', 1)).rejects.toThrow(
      /model\.json was changed after registration/,
    );
    // Version 2 is untouched; version 1 cannot be made live again.
    await registry.promote('dns-volume', 2, 'alice');
    await expect(registry.promote('dns-volume', 1, 'alice')).rejects.toThrow(InfraError);
    expect((await registry.live('dns-volume'))?.version).toBe(2);
  });

  it('changes the marker after every action, and only then', async () => {
    const lake = freshLake();
    const registry = new ModelRegistry(lake);
    const seen = [await registry.changeMarker()];
    expect(seen[0]).toBe('none');
    const step = async (action: () => Promise<unknown>) => {
      await action();
      const marker = await registry.changeMarker();
      expect(seen).not.toContain(marker);
      seen.push(marker);
    };
    await step(() => registry.register(onnxA, draft()));
    await step(() => registry.register(onnxB, draft()));
    await step(() => registry.promote('dns-volume', 1, 'alice'));
    await step(() => registry.promote('dns-volume', 2, 'alice'));
    await step(() => registry.rollback('dns-volume', 'alice'));
    await step(() => registry.register(onnxC, draft(), { promote: true }));
    // Reads and refused actions leave it as it was.
    await registry.list();
    await registry.load('dns-volume');
    await expect(registry.promote('dns-volume', 7, 'alice')).rejects.toThrow(UsageError);
    expect(await registry.changeMarker()).toBe(seen.at(-1));
    expect(seen).toHaveLength(7);
  });
});
