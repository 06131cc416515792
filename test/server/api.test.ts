import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '#core';
import {
  exportIsolationForestOnnx,
  ModelRegistry,
  ModelSession,
  type NewModelSpec,
  trainIsolationForest,
} from '#models';
import { type RunningServer, startServer, UserStore } from '#server';
import { tempDir } from '../helpers/tmp.js';

const FEATURES = ['dns_queries', 'dns_nxdomain', 'bytes_out', 'bytes_in'];

/** A 4-feature Isolation Forest as ONNX; seeds give different models. */
function onnxModel(seed: number): Uint8Array {
  const rand = seededRandom(seed);
  const rows = Array.from({ length: 300 }, () => FEATURES.map(() => rand() * 10));
  return exportIsolationForestOnnx(trainIsolationForest(rows, { seed, trees: 20 }), {
    featureNames: FEATURES,
  });
}

function spec(name: string): NewModelSpec {
  return {
    name,
    kind: 'isolation-forest',
    features: FEATURES,
    input: 'features',
    output: 'anomaly',
    score: 'the anomaly score s(x, n): higher is more anomalous',
    threshold: null,
    higherIsAnomalous: true,
    registeredBy: 'trainer',
  };
}

const rowsOf = (n: number, seed: number) => {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => Object.fromEntries(FEATURES.map((f) => [f, rand() * 20])));
};

const root = tempDir('palisade-server-');
const lake = join(root, 'lake');
let server: RunningServer;
let registry: ModelRegistry;
const tokens = { viewer: '', analyst: '', admin: '' };
const onnx: Record<number, Uint8Array> = {};

/** Scores of `rows` by a version, straight from ONNX Runtime. */
async function direct(version: number, rows: Record<string, number>[]): Promise<number[]> {
  const { spec: s, onnx: bytes } = await registry.load('dns-volume', version);
  const session = await ModelSession.open(s, bytes);
  try {
    return await session.scoreRows(rows);
  } finally {
    await session.close();
  }
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** One request; every answer must be JSON. */
async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; contentType?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const text = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (text !== undefined && options.contentType !== null)
    headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(text === undefined ? {} : { body: text }),
  });
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** `get()` until `done` holds of it (the server looks at files outside it every 250 ms); 2 s at most. */
async function eventually<T>(get: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const value = await get();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

const score = (body: unknown, token = tokens.viewer, query = '') =>
  call('POST', `/api/models/dns-volume/score${query}`, { token, body });

beforeAll(async () => {
  registry = new ModelRegistry(lake);
  onnx[1] = onnxModel(1);
  onnx[2] = onnxModel(2);
  await registry.register(onnx[1], spec('dns-volume'), { promote: true });
  await registry.register(onnx[2], spec('dns-volume'));
  await registry.register(onnxModel(3), spec('not-live'));
  const users = new UserStore(lake);
  for (const role of ['viewer', 'analyst', 'admin'] as const) {
    tokens[role] = (await users.add(`${role}-user`, role)).token;
  }
  server = await startServer({ lake, port: 0 });
});

afterAll(async () => {
  await server?.close();
});

const API_ROUTES: [string, string, unknown?][] = [
  ['GET', '/api/models'],
  ['GET', '/api/models/dns-volume'],
  ['POST', '/api/models/dns-volume/promote', { version: 2 }],
  ['POST', '/api/models/dns-volume/rollback'],
  ['POST', '/api/models/dns-volume/score', { rows: rowsOf(1, 1) }],
  ['GET', '/api/openapi.json'],
  ['GET', '/api/no-such-route'],
];

describe('authentication', () => {
  it('GET /health needs no token', async () => {
    const r = await call('GET', '/health');
    expect(r).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it.each(API_ROUTES)('%s %s without a token is 401', async (method, path, body) => {
    const r = await call(method, path, { body });
    expect(r.status).toBe(401);
    expect(r.body.error).toMatch(/^this needs an API token: send "Authorization: Bearer <token>"/);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  const bad = () => [
    ['a wrong secret', `${tokens.admin.slice(0, -4)}AAAA`],
    ['an unknown id', tokens.admin.replace(/^pal_[0-9a-f]{12}/, 'pal_000000000000')],
    ['not a token', 'hunter2'],
    ['a token with extra characters', `${tokens.admin}x`],
  ];

  it.each(API_ROUTES)('%s %s with a bad token is 401', async (method, path, body) => {
    for (const [, token] of bad()) {
      const r = await call(method, path, { token, body });
      expect(r.status).toBe(401);
      expect(r.body.error).toBe('the API token is not valid (wrong, or revoked)');
    }
  });

  it('refuses an Authorization header that is not a bearer token', async () => {
    const res = await fetch(`${server.url}/api/models`, {
      headers: { authorization: `Basic ${Buffer.from('admin:x').toString('base64')}` },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'expected "Authorization: Bearer <token>"' });
  });

  it('an error never echoes the token', async () => {
    const wrong = `${tokens.admin.slice(0, -4)}AAAA`;
    const r = await call('GET', '/api/models', { token: wrong });
    expect(JSON.stringify(r.body)).not.toContain(wrong.slice(4));
  });
});

describe('roles', () => {
  it.each([
    ['viewer', 'promote', { version: 2 }],
    ['analyst', 'promote', { version: 2 }],
    ['viewer', 'rollback', undefined],
    ['analyst', 'rollback', undefined],
  ] as const)('a %s may not %s: 403 naming the role needed', async (role, action, body) => {
    const r = await call('POST', `/api/models/dns-volume/${action}`, { token: tokens[role], body });
    expect(r.status).toBe(403);
    expect(r.body.error).toBe(`this needs the admin role or higher; ${role}-user has the ${role} role`);
  });

  it('checks the role before the body: a viewer learns nothing from validation', async () => {
    const r = await call('POST', '/api/models/no-such-model/promote', {
      token: tokens.viewer,
      body: { version: 'x' },
    });
    expect(r.status).toBe(403);
  });

  it.each(['viewer', 'analyst', 'admin'] as const)('a %s may list, read and score', async (role) => {
    expect((await call('GET', '/api/models', { token: tokens[role] })).status).toBe(200);
    expect((await call('GET', '/api/models/dns-volume', { token: tokens[role] })).status).toBe(200);
    expect((await score({ rows: rowsOf(2, 5) }, tokens[role])).status).toBe(200);
  });
});

describe('model routes', () => {
  it('GET /api/models: the registry list', async () => {
    const r = await call('GET', '/api/models', { token: tokens.viewer });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ models: await registry.list() });
  });

  it("GET /api/models/:name: every version's model.json and the live one", async () => {
    const r = await call('GET', '/api/models/dns-volume', { token: tokens.viewer });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ name: 'dns-volume', live: 1, versions: await registry.versions('dns-volume') });
    expect((r.body.versions as { output: string }[]).map((v) => v.output)).toEqual(['anomaly', 'anomaly']);
  });

  it('scores exactly as ModelSession.scoreRows does', async () => {
    const rows = rowsOf(64, 7);
    const r = await score({ rows });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ model: 'dns-volume', version: 1, scores: await direct(1, rows) });
  });

  it('scores null features (missing values) and an empty list', async () => {
    const rows = [{ dns_queries: null, dns_nxdomain: 1, bytes_out: 2, bytes_in: null }];
    expect((await score({ rows })).body).toEqual({
      model: 'dns-volume',
      version: 1,
      scores: await direct(1, rows as never),
    });
    expect((await score({ rows: [] })).body).toEqual({ model: 'dns-volume', version: 1, scores: [] });
  });

  it('?version=N scores with a version that is not live', async () => {
    const rows = rowsOf(8, 9);
    const r = await score({ rows }, tokens.viewer, '?version=2');
    expect(r.body).toEqual({ model: 'dns-volume', version: 2, scores: await direct(2, rows) });
    expect(r.body.scores).not.toEqual(await direct(1, rows));
  });

  it('an admin promotes; the next score uses the new version, without a restart', async () => {
    const rows = rowsOf(16, 11);
    expect((await score({ rows })).body.version).toBe(1);
    const r = await call('POST', '/api/models/dns-volume/promote', {
      token: tokens.admin,
      body: { version: 2 },
    });
    expect(r).toMatchObject({ status: 200, body: { from: 1, to: 2 } });
    expect((await score({ rows })).body).toEqual({
      model: 'dns-volume',
      version: 2,
      scores: await direct(2, rows),
    });
    expect((await call('GET', '/api/models/dns-volume', { token: tokens.viewer })).body.live).toBe(2);
  });

  it('the actor of an API promote is the authenticated user', async () => {
    const { openSql } = await import('#lake');
    const sql = await openSql(lake);
    try {
      const { rows } = await sql.query(
        "SELECT actor FROM model_registry WHERE action = 'promote' AND version = 2 ORDER BY seq DESC LIMIT 1",
      );
      expect(rows).toEqual([{ actor: 'admin-user' }]);
    } finally {
      sql.close();
    }
  });

  it('promoting the live version again changes nothing', async () => {
    const r = await call('POST', '/api/models/dns-volume/promote', {
      token: tokens.admin,
      body: { version: 2 },
    });
    expect(r).toMatchObject({ status: 200, body: { from: 2, to: 2 } });
  });

  it('an admin rolls back; scoring follows', async () => {
    const rows = rowsOf(4, 13);
    const r = await call('POST', '/api/models/dns-volume/rollback', { token: tokens.admin });
    expect(r).toMatchObject({ status: 200, body: { from: 2, to: 1 } });
    expect((await score({ rows })).body).toEqual({
      model: 'dns-volume',
      version: 1,
      scores: await direct(1, rows),
    });
  });

  it('a promote made outside the server (the CLI) is picked up within recheckMs (250 ms)', async () => {
    const version = async () => (await score({ rows: rowsOf(1, 1) })).body.version;
    await new ModelRegistry(lake).promote('dns-volume', 2, 'someone-else');
    expect(await eventually(version, (v) => v === 2)).toBe(2);
    await new ModelRegistry(lake).rollback('dns-volume', 'someone-else');
    expect(await eventually(version, (v) => v === 1)).toBe(1);
  });

  it('scores every concurrent request while versions change under them', async () => {
    const rows = rowsOf(32, 17);
    const expected = { 1: await direct(1, rows), 2: await direct(2, rows) };
    const requests = Array.from({ length: 60 }, () => score({ rows }));
    const changes = (async () => {
      for (const version of [2, 1, 2, 1]) {
        await call('POST', '/api/models/dns-volume/promote', { token: tokens.admin, body: { version } });
      }
    })();
    const answers = await Promise.all(requests);
    await changes;
    for (const a of answers) {
      expect(a.status).toBe(200);
      const version = a.body.version as 1 | 2;
      expect(a.body.scores).toEqual(expected[version]);
    }
    expect((await score({ rows })).body.version).toBe(1);
  });
});

describe('bad requests', () => {
  it('a row without a feature: 400 naming it', async () => {
    const r = await score({ rows: [{ dns_queries: 1, dns_nxdomain: 2, bytes_out: 3 }] });
    expect(r).toEqual({
      status: 400,
      headers: expect.anything(),
      body: {
        error:
          "row 0: feature 'bytes_in' is missing (model dns-volume takes dns_queries, dns_nxdomain, bytes_out, bytes_in)",
      },
    });
  });

  it('a feature the model does not take: 400', async () => {
    const r = await score({ rows: [{ ...rowsOf(1, 1)[0], bytes_sideways: 1 }] });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe("row 0: 'bytes_sideways' is not a feature of model dns-volume");
  });

  it('a body that is not JSON: 400', async () => {
    const r = await call('POST', '/api/models/dns-volume/score', { token: tokens.viewer, raw: '{"rows": [' });
    expect(r).toMatchObject({ status: 400, body: { error: 'the request body is not valid JSON' } });
  });

  it('rows that are not a list: 400 saying where', async () => {
    const r = await score({ rows: { dns_queries: 1 } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^invalid request body: rows: .*expected array, received object$/);
  });

  it('no rows at all: 400', async () => {
    const r = await score({ row: [] });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^invalid request body: rows: .*expected array, received undefined$/);
  });

  it('a value that is not a number: 400 naming the row and the feature', async () => {
    const r = await score({ rows: [rowsOf(1, 1)[0], { ...rowsOf(1, 1)[0], dns_queries: '12' }] });
    expect(r).toMatchObject({
      status: 400,
      body: { error: "row 1: feature 'dns_queries' must be a finite number or null" },
    });
  });

  it('a row that is not an object: 400 with its path, every problem in one line', async () => {
    const r = await score({ rows: [rowsOf(1, 1)[0], [1, 2, 3, 4], 'x'] });
    expect(r).toMatchObject({
      status: 400,
      body: {
        error:
          'invalid request body: rows[1]: expected an object of feature → number; rows[2]: expected an object of feature → number',
      },
    });
  });

  it('no body: 400', async () => {
    const r = await call('POST', '/api/models/dns-volume/score', { token: tokens.viewer });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^invalid request body/);
  });

  it('a body that is not sent as JSON: 415 saying how', async () => {
    const r = await call('POST', '/api/models/dns-volume/score', {
      token: tokens.viewer,
      raw: JSON.stringify({ rows: [] }),
      contentType: 'text/plain',
    });
    expect(r).toMatchObject({
      status: 415,
      body: { error: 'send the request body as JSON, with Content-Type: application/json' },
    });
  });

  it('a body over 1 MiB: 413', async () => {
    const rows = Array.from({ length: 9000 }, () => ({
      dns_queries: 1.234567890123456,
      dns_nxdomain: 2.234567890123456,
      bytes_out: 3.234567890123456,
      bytes_in: 4.234567890123456,
    }));
    const raw = JSON.stringify({ rows });
    expect(raw.length).toBeGreaterThan(1024 * 1024);
    const r = await call('POST', '/api/models/dns-volume/score', { token: tokens.viewer, raw });
    expect(r).toMatchObject({
      status: 413,
      body: { error: 'the request body is larger than 1048576 bytes (1 MiB)' },
    });
  });

  it('a body over 1 MiB sent without a length (chunked): 413', async () => {
    const chunk = new TextEncoder().encode(`{"rows": [${'1,'.repeat(100_000)}`);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 6; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await fetch(`${server.url}/api/models/dns-volume/score`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.viewer}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'the request body is larger than 1048576 bytes (1 MiB)' });
  });

  it('too many rows: 400', async () => {
    const r = await score({ rows: Array.from({ length: 10_001 }, () => ({})) });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^invalid request body: rows: .*10000/);
  });

  it('a bad version in the query or the promote body: 400', async () => {
    const q = await score({ rows: [] }, tokens.viewer, '?version=two');
    expect(q.status).toBe(400);
    expect(q.body.error).toMatch(/^invalid query string: version: /);
    const p = await call('POST', '/api/models/dns-volume/promote', {
      token: tokens.admin,
      body: { version: 0 },
    });
    expect(p.status).toBe(400);
    expect(p.body.error).toMatch(/^invalid request body: version: /);
  });

  it('a name that cannot be a model name: 400', async () => {
    const r = await call('GET', '/api/models/Not_A_Name', { token: tokens.viewer });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^invalid path: name: a model name/);
  });
});

describe('not found and conflicts', () => {
  it.each([
    ['GET', '/api/models/nope', undefined],
    ['POST', '/api/models/nope/score', { rows: [] }],
    ['POST', '/api/models/nope/promote', { version: 1 }],
    ['POST', '/api/models/nope/rollback', undefined],
  ])('%s %s: 404 naming the models there are', async (method, path, body) => {
    const r = await call(method, path, { token: tokens.admin, body });
    expect(r).toMatchObject({
      status: 404,
      body: { error: "no model named 'nope' is registered (models: dns-volume, not-live)" },
    });
  });

  it('an unknown version: 404', async () => {
    expect((await score({ rows: [] }, tokens.viewer, '?version=9')).body).toEqual({
      error: 'model dns-volume has no version 9 (versions: 1, 2)',
    });
    const p = await call('POST', '/api/models/dns-volume/promote', {
      token: tokens.admin,
      body: { version: 9 },
    });
    expect(p).toMatchObject({
      status: 404,
      body: { error: 'model dns-volume has no version 9 (versions: 1, 2)' },
    });
  });

  it('a model with no live version: 409 saying how to make one live', async () => {
    const r = await call('POST', '/api/models/not-live/score', { token: tokens.viewer, body: { rows: [] } });
    expect(r.status).toBe(409);
    expect(r.body.error).toBe(
      'model not-live has no live version (versions: 1); an admin makes one live with POST /api/models/not-live/promote {"version": N}',
    );
    const v = await call('POST', '/api/models/not-live/score?version=1', {
      token: tokens.viewer,
      body: { rows: [] },
    });
    expect(v).toMatchObject({ status: 200, body: { model: 'not-live', version: 1, scores: [] } });
  });

  it('a rollback with nothing to go back to: 409', async () => {
    const r = await call('POST', '/api/models/not-live/rollback', { token: tokens.admin });
    expect(r).toMatchObject({
      status: 409,
      body: { error: 'model not-live has no live version to roll back from' },
    });
  });

  it('an unknown route: 404 JSON, once authenticated', async () => {
    const r = await call('DELETE', '/api/models/dns-volume', { token: tokens.admin });
    expect(r).toMatchObject({ status: 404, body: { error: 'no route DELETE /api/models/dns-volume' } });
  });
});

describe('OpenAPI document', () => {
  it('lists the model routes with their bearer security and least role', async () => {
    const r = await call('GET', '/api/openapi.json', { token: tokens.viewer });
    expect(r.status).toBe(200);
    const doc = r.body as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown; 'x-palisade-role'?: string }>>;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as const),
    );
    expect(Object.fromEntries(operations.map(([name, op]) => [name, op['x-palisade-role']]))).toEqual({
      'GET /api/models': 'viewer',
      'GET /api/models/{name}': 'viewer',
      'POST /api/models/{name}/promote': 'admin',
      'POST /api/models/{name}/rollback': 'admin',
      'POST /api/models/{name}/score': 'viewer',
    });
    for (const [, op] of operations) expect(op.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Error', 'ModelSummary', 'ModelSpec', 'ScoreRequest', 'ScoreResponse']),
    );
  });
});
