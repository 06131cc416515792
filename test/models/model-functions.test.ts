import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Logger, seededRandom } from '#core';
import {
  exportIsolationForestOnnx,
  ModelFunctions,
  type ModelFunctionsOptions,
  ModelRegistry,
  ModelSession,
  trainIsolationForest,
} from '#models';
import { bindHosts, compile, isNumber, kindOf, standardFunctions, toJson } from '#stellar';
import { tempDir } from '../helpers/tmp.js';

/**
 * MODEL_SCORE, MAAS_GET_ENDPOINT and MAAS_MODEL_APPLY against a lake's registry: rules compiled
 * with the functions bound score what a ModelSession scores, follow promotes, give null rather
 * than fail, and cache on the calling thread. HTTP calls go to a small node:http server that
 * answers as `POST /api/models/:name/score` does, scoring with a real session.
 */

const FEATURES = ['connections', 'bytes_out', 'distinct_peers'];
const TOKEN = 'test-token-7f3a';

function onnxModel(seed: number): Uint8Array {
  const rand = seededRandom(seed);
  const rows = Array.from({ length: 300 }, () => FEATURES.map(() => rand() * 10));
  return exportIsolationForestOnnx(trainIsolationForest(rows, { seed, trees: 20 }), {
    featureNames: FEATURES,
  });
}

const spec = (name: string) => ({
  name,
  kind: 'isolation-forest' as const,
  features: FEATURES,
  input: 'features',
  output: 'anomaly',
  score: 'the anomaly score in (0, 1]: higher is more anomalous',
  threshold: 0.6,
  higherIsAnomalous: true,
  registeredBy: 'alice',
});

const lake = join(tempDir('palisade-model-functions-'), 'lake');
const registry = new ModelRegistry(lake);
/** name@version → a session in this thread, to compare with. */
const sessions = new Map<string, ModelSession>();
const opened: ModelFunctions[] = [];

beforeAll(async () => {
  // hosts: v1 live, v2 registered only. flip: v1 live, v2 promoted by a test.
  await registry.register(onnxModel(1), spec('hosts'), { promote: true });
  await registry.register(onnxModel(2), spec('hosts'));
  await registry.register(onnxModel(3), spec('flip'), { promote: true });
  await registry.register(onnxModel(4), spec('flip'));
  for (const [name, version] of [
    ['hosts', 1],
    ['hosts', 2],
    ['flip', 1],
    ['flip', 2],
  ] as const) {
    const { spec: s, onnx } = await registry.load(name, version);
    sessions.set(`${name}@${version}`, await ModelSession.open(s, onnx));
  }
});

afterAll(async () => {
  for (const models of opened) models.close();
  for (const session of sessions.values()) await session.close();
});

/** What a session of `name@version` in this thread gives for one row. */
async function expected(name: string, version: number, row: Record<string, number | null>): Promise<number> {
  const [score] = await (sessions.get(`${name}@${version}`) as ModelSession).scoreRows([row]);
  return score as number;
}

/** A logger that keeps the warnings. */
function recorder(): { log: Logger; warnings: { kind: string; subject: string; error: string }[] } {
  const warnings: { kind: string; subject: string; error: string }[] = [];
  const log = {
    warn: (fields: { kind: string; subject: string; error: string }) => warnings.push(fields),
  } as unknown as Logger;
  return { log, warnings };
}

function open(options: Partial<ModelFunctionsOptions> = {}): ModelFunctions {
  const models = new ModelFunctions({ lake, ...options });
  opened.push(models);
  return models;
}

/** Compile with the three functions bound and evaluate; the result as JSON. */
function run(
  models: ModelFunctions,
  expr: string,
  vars: Record<string, unknown> = {},
  apiUrl?: string,
): unknown {
  const functions = bindHosts(standardFunctions(), models.hostFunctions(apiUrl));
  return toJson(compile(expr, { functions }).evaluate(vars));
}

/** The private worker call, to count which calls crossed to the worker. */
const workerCalls = (models: ModelFunctions) =>
  vi.spyOn(models as unknown as { call: (request: { op: string }) => unknown }, 'call');

const ROW = { connections: 3.5, bytes_out: 7.25, distinct_peers: 2 };
const FAR = { connections: 90, bytes_out: -40, distinct_peers: 55 };
const SCORE_ROW =
  "MODEL_SCORE('hosts', {'connections': connections, 'bytes_out': bytes_out, 'distinct_peers': distinct_peers})";

describe('MODEL_SCORE', () => {
  it('scores a map in a compiled rule exactly as ModelSession.scoreRows does, as a double', async () => {
    const models = open();
    expect(models.started).toBe(false);
    const functions = bindHosts(standardFunctions(), models.hostFunctions());
    const rule = compile(SCORE_ROW, { functions });
    expect(models.started).toBe(false);
    for (const row of [ROW, FAR, { connections: 0, bytes_out: 0, distinct_peers: 0 }]) {
      const got = rule.evaluate(row);
      expect(isNumber(got) && kindOf(got)).toBe('double');
      expect(toJson(got)).toBe(await expected('hosts', 1, row));
    }
    expect(models.started).toBe(true);
    expect(await expected('hosts', 1, ROW)).not.toBe(await expected('hosts', 1, FAR));
    // Keys that are not features are ignored; a null feature is NaN to the model, as over HTTP.
    expect(run(models, "MODEL_SCORE('hosts', MAP_PUT('extra', 'x', row))", { row: ROW })).toBe(
      await expected('hosts', 1, ROW),
    );
    expect(
      run(models, "MODEL_SCORE('hosts', {'connections': null, 'bytes_out': 1, 'distinct_peers': 2})"),
    ).toBe(await expected('hosts', 1, { connections: null, bytes_out: 1, distinct_peers: 2 }));
  });

  it('gives null for a missing or non-numeric feature, an unknown model, and null arguments; warns once per kind', () => {
    const { log, warnings } = recorder();
    const models = open({ log });
    const missing = "MODEL_SCORE('hosts', {'connections': 1, 'bytes_out': 2})";
    expect(run(models, missing)).toBeNull();
    expect(run(models, missing)).toBeNull();
    expect(
      run(models, "MODEL_SCORE('hosts', {'connections': 1, 'bytes_out': 2, 'distinct_peers': 'x'})"),
    ).toBeNull();
    expect(run(models, "MODEL_SCORE('nosuch', {'connections': 1})")).toBeNull();
    expect(run(models, "MODEL_SCORE('nosuch', {'connections': 2})")).toBeNull();
    expect(run(models, "MODEL_SCORE('Not A Name', {})")).toBeNull();
    expect(run(models, 'MODEL_SCORE(null, {})')).toBeNull();
    expect(run(models, "MODEL_SCORE('hosts', null)")).toBeNull();
    expect(warnings.map((w) => [w.kind, w.subject])).toEqual([
      ['missing-feature', 'hosts'],
      ['bad-feature', 'hosts'],
      ['unknown-model', 'nosuch'],
      ['model-name', 'Not A Name'],
    ]);
    expect(warnings[0]?.error).toMatch(/'distinct_peers' is missing/);
    // A lake without a registry has no models.
    const empty = open({ lake: join(lake, '..', 'no-lake-here'), log });
    expect(run(empty, "MODEL_SCORE('hosts', {'connections': 1})")).toBeNull();
    expect(run(empty, "MAAS_GET_ENDPOINT('hosts')")).toBeNull();
    expect(warnings.slice(4).map((w) => w.kind)).toEqual(['unknown-model']);
    // A rule passing something other than a map is a bug in the rule: a Stellar error.
    expect(() => run(models, "MODEL_SCORE('hosts', 'connections=1')")).toThrow(/MODEL_SCORE: expected/);
  });

  it('answers repeated maps from its cache without crossing to the worker', async () => {
    // A clock that stands still: the live version is not due for a check during the test.
    const models = open({ now: () => Date.UTC(2026, 0, 5) });
    const calls = workerCalls(models);
    const first = run(models, SCORE_ROW, ROW);
    expect(calls.mock.calls.map(([r]) => r.op)).toEqual(['live', 'score']);
    calls.mockClear();
    for (let i = 0; i < 100; i++) expect(run(models, SCORE_ROW, ROW)).toBe(first);
    expect(calls).not.toHaveBeenCalled();
    // Another map is scored; the same values in another order of keys are the same row.
    expect(run(models, SCORE_ROW, FAR)).toBe(await expected('hosts', 1, FAR));
    expect(calls.mock.calls.map(([r]) => r.op)).toEqual(['score']);
    calls.mockClear();
    expect(
      run(models, "MODEL_SCORE('hosts', {'distinct_peers': 2, 'bytes_out': 7.25, 'connections': 3.5})"),
    ).toBe(first);
    expect(calls).not.toHaveBeenCalled();
  });

  it('follows a promote of another version within about a second', async () => {
    const models = open();
    const before = await expected('flip', 1, ROW);
    const after = await expected('flip', 2, ROW);
    expect(before).not.toBe(after);
    const rule = "MODEL_SCORE('flip', {'connections': 3.5, 'bytes_out': 7.25, 'distinct_peers': 2})";
    expect(run(models, rule)).toBe(before);
    expect(run(models, "MAAS_GET_ENDPOINT('flip')")).toMatchObject({ version: 1 });
    await registry.promote('flip', 2, 'bob');
    const promoted = performance.now();
    let seen = run(models, rule);
    while (seen !== after && performance.now() - promoted < 5000) {
      await new Promise((r) => setTimeout(r, 50));
      seen = run(models, rule);
    }
    expect(seen).toBe(after);
    expect(performance.now() - promoted).toBeLessThan(2000);
    expect(run(models, "MAAS_GET_ENDPOINT('flip')")).toMatchObject({ version: 2 });
  });

  it('ends its worker on close; calls after it give null', () => {
    const models = open();
    const score = run(models, SCORE_ROW, FAR);
    expect(score).toBeTypeOf('number');
    models.close();
    expect(models.started).toBe(false);
    // The cache still answers what it knows; anything that needs the worker is null.
    expect(run(models, SCORE_ROW, FAR)).toBe(score);
    expect(run(models, SCORE_ROW, { connections: 1, bytes_out: 1, distinct_peers: 1 })).toBeNull();
  });
});

describe('MAAS_GET_ENDPOINT', () => {
  it('finds the live or a registered version in the registry, in process or on the HTTP API', () => {
    const models = open();
    expect(run(models, "MAAS_GET_ENDPOINT('hosts')")).toEqual({
      name: 'hosts',
      version: 1,
      url: 'palisade:models/hosts',
    });
    expect(run(models, "MAAS_GET_ENDPOINT('hosts', 2)")).toEqual({
      name: 'hosts',
      version: 2,
      url: 'palisade:models/hosts',
    });
    // Metron's versions are strings.
    expect(run(models, "MAAS_GET_ENDPOINT('hosts', '2')")).toMatchObject({ version: 2 });
    expect(run(models, "MAAS_GET_ENDPOINT('hosts')", {}, 'http://127.0.0.1:8080/')).toEqual({
      name: 'hosts',
      version: 1,
      url: 'http://127.0.0.1:8080/api/models/hosts',
    });
    expect(run(models, "MAAS_GET_ENDPOINT('hosts', 2)", {}, 'https://palisade.example:8443')).toEqual({
      name: 'hosts',
      version: 2,
      url: 'https://palisade.example:8443/api/models/hosts',
    });
    for (const unknown of [
      "MAAS_GET_ENDPOINT('hosts', 7)",
      "MAAS_GET_ENDPOINT('hosts', 'x')",
      "MAAS_GET_ENDPOINT('nosuch')",
      "MAAS_GET_ENDPOINT('nosuch', 1)",
      'MAAS_GET_ENDPOINT()',
    ])
      expect(run(models, unknown), unknown).toBeNull();
  });

  it('refuses an API base URL that is not http(s)', () => {
    const models = open();
    expect(() => models.hostFunctions('ftp://host')).toThrow(/not an http\(s\) URL/);
    expect(() => models.hostFunctions('localhost:8080/x y')).toThrow(/not/);
    expect(() => new ModelFunctions({ lake, apiUrl: 'nonsense' })).toThrow(/not a URL/);
  });
});

describe('MAAS_MODEL_APPLY in process', () => {
  it("scores the arguments with the endpoint's version", async () => {
    const models = open();
    const vars = { args: ROW };
    expect(run(models, "MAAS_MODEL_APPLY(MAAS_GET_ENDPOINT('hosts'), args)", vars)).toEqual({
      score: await expected('hosts', 1, ROW),
      model: 'hosts',
      version: 1,
    });
    // A version that is registered but not live, and the three-argument form.
    expect(run(models, "MAAS_MODEL_APPLY(MAAS_GET_ENDPOINT('hosts', 2), 'score', args)", vars)).toEqual({
      score: await expected('hosts', 2, ROW),
      model: 'hosts',
      version: 2,
    });
    // An endpoint map without a version is the live one.
    expect(
      run(models, "MAAS_MODEL_APPLY({'url': 'palisade:models/hosts'}, 'apply', args)", vars),
    ).toMatchObject({
      version: 1,
    });
  });

  it('gives null for another function, arguments that are not exactly the features, or a bad endpoint', () => {
    const { log, warnings } = recorder();
    const models = open({ log });
    const vars = { args: ROW };
    for (const expr of [
      "MAAS_MODEL_APPLY(MAAS_GET_ENDPOINT('hosts'), 'explain', args)",
      "MAAS_MODEL_APPLY(MAAS_GET_ENDPOINT('hosts'), MAP_PUT('extra', 1, args))",
      "MAAS_MODEL_APPLY(MAAS_GET_ENDPOINT('hosts'), {'connections': 1})",
      "MAAS_MODEL_APPLY(MAAS_GET_ENDPOINT('nosuch'), args)",
      "MAAS_MODEL_APPLY({'url': 'palisade:models/hosts', 'version': 9}, args)",
      "MAAS_MODEL_APPLY({'url': 'file:///etc/passwd'}, args)",
      "MAAS_MODEL_APPLY('palisade:models/hosts', args)",
      "MAAS_MODEL_APPLY(MAAS_GET_ENDPOINT('hosts'), 'apply', null)",
    ])
      expect(run(models, expr, vars), expr).toBeNull();
    expect(warnings.map((w) => w.kind)).toEqual([
      'function',
      'unknown-feature',
      'missing-feature',
      'unknown-model',
      'endpoint',
    ]);
  });
});

/**
 * The API's score route as a test server: `POST /api/models/:name/score[?version=N]` behind a
 * bearer token, scoring with a session of the built models module. It runs in a worker thread,
 * since this thread is blocked while a model function waits for its answer; each request is
 * reported on a port read synchronously, and `fault` is a shared flag.
 */
const SERVER = `
const { workerData, parentPort } = require('node:worker_threads');
const http = require('node:http');
(async () => {
  const { ModelRegistry, ModelSession } = await import(workerData.models);
  const registry = new ModelRegistry(workerData.lake);
  const sessions = new Map();
  const fault = new Int32Array(workerData.fault);
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', async () => {
      const answer = (status, json) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      let parsed = null;
      try { parsed = JSON.parse(body); } catch {}
      workerData.seen.postMessage({ url: req.url, authorization: req.headers.authorization, body: parsed });
      if (req.headers.authorization !== 'Bearer ' + workerData.token) return answer(401, { error: 'the API token is not valid' });
      if (Atomics.load(fault, 0) === 1) return answer(500, { error: 'boom' });
      const m = /^\\/api\\/models\\/([a-z0-9_-]+)\\/score(?:\\?version=(\\d+))?$/.exec(req.url);
      try {
        if (req.method !== 'POST' || !m) throw new Error('no such route');
        const version = m[2] ? Number(m[2]) : (await registry.live(m[1])).version;
        const key = m[1] + '@' + version;
        if (!sessions.has(key)) {
          const { spec, onnx } = await registry.load(m[1], version);
          sessions.set(key, await ModelSession.open(spec, onnx));
        }
        const session = sessions.get(key);
        answer(200, { model: m[1], version, scores: await session.scoreRows(parsed.rows) });
      } catch (e) {
        answer(400, { error: e.message });
      }
    });
  });
  parentPort.on('message', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
  server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
})();
`;

describe('MAAS_MODEL_APPLY over HTTP', () => {
  let server: Worker;
  let base: string;
  const reports = new MessageChannel();
  const faultFlag = new Int32Array(new SharedArrayBuffer(4));
  const savedToken = process.env.PALISADE_API_TOKEN;

  /** The requests the server got since the last look. */
  const seen: { url: string; authorization: string | undefined; body: unknown }[] = [];
  const requests = () => {
    for (
      let m = receiveMessageOnPort(reports.port1);
      m !== undefined;
      m = receiveMessageOnPort(reports.port1)
    )
      seen.push(m.message);
    return seen;
  };
  const setFault = (on: boolean) => Atomics.store(faultFlag, 0, on ? 1 : 0);

  beforeAll(async () => {
    server = new Worker(SERVER, {
      eval: true,
      // Not this process's `--conditions source`: the server runs the built modules.
      execArgv: [],
      workerData: {
        models: new URL('../../dist/models/index.js', import.meta.url).href,
        lake,
        token: TOKEN,
        fault: faultFlag.buffer,
        seen: reports.port2,
      },
      transferList: [reports.port2],
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('message', resolve);
      server.once('error', reject);
    });
    base = `http://127.0.0.1:${port}`;
  });

  afterEach(() => {
    requests();
    seen.length = 0;
    setFault(false);
    if (savedToken === undefined) delete process.env.PALISADE_API_TOKEN;
    else process.env.PALISADE_API_TOKEN = savedToken;
  });

  afterAll(async () => {
    reports.port1.close();
    server.postMessage('close');
    await new Promise((resolve) => server.once('exit', resolve));
  });

  const APPLY = "MAAS_MODEL_APPLY(MAAS_GET_ENDPOINT('hosts'), args)";

  it('posts the arguments with the bearer token and returns score, model and version; caches for 10 minutes', async () => {
    process.env.PALISADE_API_TOKEN = TOKEN;
    let now = Date.UTC(2026, 0, 5, 12);
    const models = open({ now: () => now });
    const result = run(models, APPLY, { args: ROW }, base);
    expect(result).toEqual({ score: await expected('hosts', 1, ROW), model: 'hosts', version: 1 });
    expect(requests()).toEqual([
      { url: '/api/models/hosts/score?version=1', authorization: `Bearer ${TOKEN}`, body: { rows: [ROW] } },
    ]);
    // The same call again, with the map's keys in another order: from the cache.
    expect(
      run(
        models,
        "MAAS_MODEL_APPLY(MAAS_GET_ENDPOINT('hosts'), 'apply', args)",
        {
          args: { distinct_peers: 2, bytes_out: 7.25, connections: 3.5 },
        },
        base,
      ),
    ).toEqual(result);
    expect(requests()).toHaveLength(1);
    // Other arguments, another function name, a pinned version: each is asked.
    expect(run(models, APPLY, { args: FAR }, base)).toMatchObject({ score: await expected('hosts', 1, FAR) });
    expect(
      run(models, "MAAS_MODEL_APPLY(MAAS_GET_ENDPOINT('hosts'), 'score', args)", { args: ROW }, base),
    ).toEqual(result);
    expect(run(models, "MAAS_MODEL_APPLY(MAAS_GET_ENDPOINT('hosts', 2), args)", { args: ROW }, base)).toEqual(
      {
        score: await expected('hosts', 2, ROW),
        model: 'hosts',
        version: 2,
      },
    );
    expect(requests().map((s) => s.url)).toEqual([
      '/api/models/hosts/score?version=1',
      '/api/models/hosts/score?version=1',
      '/api/models/hosts/score?version=1',
      '/api/models/hosts/score?version=2',
    ]);
    // Ten minutes on, the first result has expired.
    now += 10 * 60_000;
    expect(run(models, APPLY, { args: ROW }, base)).toEqual(result);
    expect(requests()).toHaveLength(5);
  });

  it('gives null when the server fails, and leaves a failing endpoint alone for a while', () => {
    process.env.PALISADE_API_TOKEN = TOKEN;
    let now = Date.UTC(2026, 0, 5, 12);
    const { log, warnings } = recorder();
    const models = open({ log, now: () => now, httpRetryMs: 10_000 });
    setFault(true);
    expect(run(models, APPLY, { args: ROW }, base)).toBeNull();
    expect(run(models, APPLY, { args: FAR }, base)).toBeNull();
    expect(requests()).toHaveLength(1);
    setFault(false);
    now += 10_000;
    expect(run(models, APPLY, { args: ROW }, base)).toMatchObject({ model: 'hosts', version: 1 });
    expect(requests()).toHaveLength(2);
    // A row the server refuses (400) is that row's failure only.
    expect(run(models, APPLY, { args: { connections: 1 } }, base)).toBeNull();
    expect(run(models, APPLY, { args: FAR }, base)).toMatchObject({ model: 'hosts' });
    expect(requests()).toHaveLength(4);
    expect(warnings.map((w) => [w.kind, w.error])).toEqual([
      ['http-status', expect.stringMatching(/^HTTP 500/)],
      ['http-rejected', expect.stringMatching(/^HTTP 400.*missing/)],
    ]);
  });

  it('gives null for a wrong token, no token, and an unreachable server; never logs the token', async () => {
    const { log, warnings } = recorder();
    const models = open({ log });
    process.env.PALISADE_API_TOKEN = 'wrong-token';
    expect(run(models, APPLY, { args: ROW }, base)).toBeNull();
    expect(requests().map((s) => s.authorization)).toEqual(['Bearer wrong-token']);
    delete process.env.PALISADE_API_TOKEN;
    const other = open({ log });
    expect(run(other, APPLY, { args: ROW }, base)).toBeNull();
    expect(requests()).toHaveLength(1);
    process.env.PALISADE_API_TOKEN = TOKEN;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    expect(run(other, APPLY, { args: ROW }, gone)).toBeNull();
    expect(warnings.map((w) => w.kind)).toEqual(['http-status', 'no-token', 'http-unreachable']);
    expect(JSON.stringify(warnings)).not.toMatch(/wrong-token|test-token/);
  });
});
