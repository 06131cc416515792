import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { ConfigError, createLogger, jsonPath, type Logger, UsageError } from '#core';
import { ModelRegistry } from '#models';
import { type ApiApp, type ApiEnv, BEARER, ROLE_EXTENSION, type ServerContext } from './api.js';
import { authenticate } from './auth.js';
import { HttpError } from './http-error.js';
import { ModelSessions } from './model-sessions.js';
import { modelRoutes } from './routes/models.js';
import { ROLES, type UserStore } from './users.js';

/**
 * The route modules, in the order their routes are matched. Adding a group of routes is one
 * new file in routes/ and one line here.
 */
const ROUTE_MODULES: readonly ((app: ApiApp, ctx: ServerContext) => void)[] = [modelRoutes];

/** Largest request body, in bytes; larger ones are answered 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface AppOptions {
  /** The lake directory the API serves. */
  lake: string;
  /** Its users (`<lake>/_auth/users.json`). */
  users: UserStore;
  /** Default: the lake's registry. */
  registry?: ModelRegistry;
  /**
   * The ONNX sessions of the score route. Default: a cache of the app's own, which nothing
   * closes; pass one to close it when the server stops (as `startServer` does).
   */
  sessions?: ModelSessions;
  /** Default: a `serve` logger at PALISADE_LOG's level. */
  log?: Logger;
  /** Palisade's version, for the OpenAPI document. */
  version?: string;
}

/**
 * The HTTP API over one lake. `GET /health` is open; everything under `/api` needs a user's
 * bearer token, and each route a least role (viewer < analyst < admin). Every answer is JSON,
 * errors as `{"error": "…"}`: 400 bad input, 401 no or bad token, 403 role too low, 404 no such
 * thing, 409 conflict, 413 body over 1 MiB, 500 anything else (logged, no details sent).
 * `GET /api/openapi.json` is the OpenAPI document made from the routes' schemas.
 *
 * @example
 * const app = createApp({ lake: 'data/lake', users: new UserStore('data/lake') });
 * const res = await app.request('/api/models', { headers: { authorization: `Bearer ${token}` } });
 */
export function createApp(options: AppOptions): ApiApp {
  const log = options.log ?? createLogger('serve');
  const registry = options.registry ?? new ModelRegistry(options.lake);
  const ctx: ServerContext = {
    lake: options.lake,
    users: options.users,
    registry,
    sessions: options.sessions ?? new ModelSessions(registry, { log }),
    log,
  };
  const app: ApiApp = new OpenAPIHono<ApiEnv>({ defaultHook: invalidRequest });

  app.use('*', requestLog(log), closeUnreadBodies);
  app.get('/health', (c) => c.json({ status: 'ok' }, 200));
  app.use('/api/*', authenticate(options.users));
  app.use('/api/*', limitBody(MAX_BODY_BYTES));
  for (const add of ROUTE_MODULES) add(app, ctx);
  checkAccess(app);

  app.openAPIRegistry.registerComponent('securitySchemes', BEARER, {
    type: 'http',
    scheme: 'bearer',
    description: 'an API token (pal_…) made by `palisade users add` or `palisade users token`',
  });
  app.doc('/api/openapi.json', {
    openapi: '3.0.0',
    info: {
      title: 'Palisade API',
      version: options.version ?? 'dev',
      description:
        'The HTTP API of a Palisade lake. Every /api route needs a bearer token; each operation names the least role it needs in x-palisade-role (viewer < analyst < admin).',
    },
  });
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => errorAnswer(error, c, log));
  return app;
}

/** Every API route must say who may call it: a route declared without `access(role)` is a bug. */
function checkAccess(app: ApiApp): void {
  const missing: string[] = [];
  for (const def of app.openAPIRegistry.definitions) {
    if (def.type !== 'route') continue;
    const route = def.route as typeof def.route & Record<string, unknown>;
    const role = route[ROLE_EXTENSION];
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role) || !route.security) {
      missing.push(`${route.method.toUpperCase()} ${route.path}`);
    }
  }
  if (missing.length > 0) {
    throw new Error(`API routes declared without access(role): ${missing.join(', ')}`);
  }
}

/** The defaultHook: a request that fails its schema is answered 400 with every problem in one line. */
function invalidRequest(
  result: { success: true } | { success: false; error: ZodError; target: string },
  c: Context,
) {
  if (result.success) return;
  return c.json({ error: describeIssues(result.target, result.error) }, 400);
}

const TARGETS: Record<string, string> = {
  json: 'request body',
  param: 'path',
  query: 'query string',
  header: 'headers',
  form: 'form',
  cookie: 'cookies',
};

/** `invalid request body: rows[0].bytes: expected number, received string; …` (at most 5 problems). */
export function describeIssues(target: string, error: ZodError): string {
  const shown = error.issues.slice(0, 5).map((issue) => {
    const path = jsonPath(issue.path).replace(/^\$\.?/, '');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  const more = error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : '';
  return `invalid ${TARGETS[target] ?? target}: ${shown.join('; ')}${more}`;
}

function errorAnswer(error: unknown, c: Context, log: Logger) {
  if (error instanceof HttpError) return c.json({ error: error.message }, error.status);
  if (error instanceof UsageError || error instanceof ConfigError) {
    return c.json({ error: error.message }, 400);
  }
  if (error instanceof HTTPException) {
    // From Hono's body parsing: say it in our words.
    if (error.status === 400 && /JSON/i.test(error.message)) {
      return c.json({ error: 'the request body is not valid JSON' }, 400);
    }
    if (error.status === 415) {
      return c.json({ error: 'send the request body as JSON, with Content-Type: application/json' }, 415);
    }
    return c.json({ error: error.message || 'bad request' }, error.status);
  }
  log.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
  return c.json({ error: 'internal error; the server log has the details' }, 500);
}

/**
 * 413 for a body over `max` bytes. A declared Content-Length is judged from the header alone:
 * Hono's bodyLimit asks for the request's body stream first, which makes @hono/node-server build
 * a web Request and stream around the socket, where the JSON parser would otherwise read it
 * directly. A chunked body, whose length is known only once read, goes through bodyLimit.
 */
function limitBody(max: number): MiddlewareHandler {
  const tooLarge = (c: Context) =>
    c.json({ error: `the request body is larger than ${max} bytes (${max / 1024 / 1024} MiB)` }, 413);
  const streamed = bodyLimit({ maxSize: max, onError: tooLarge });
  return async (c, next) => {
    const headers = c.req.raw.headers;
    if (headers.has('transfer-encoding')) return streamed(c, next);
    const length = headers.get('content-length');
    if (length !== null && !(Number(length) <= max)) return tooLarge(c);
    await next();
  };
}

/**
 * A request answered before its body was read (401, 403, 413, …) closes its connection: the
 * client may still be sending the body, and the connection cannot carry another request until
 * the rest has been read and thrown away, which Node gives up on after a while, closing the
 * connection under the client's next request.
 */
async function closeUnreadBodies(c: Context, next: () => Promise<void>) {
  await next();
  const raw = c.req.raw;
  const hasBody = raw.headers.has('transfer-encoding') || Number(raw.headers.get('content-length') ?? 0) > 0;
  if (hasBody && !raw.bodyUsed) c.res.headers.set('Connection', 'close');
}

/**
 * One log line per request: at info for refusals and failures (who was turned away matters),
 * at debug for the rest. Never a header, a body or a query string (they may carry tokens).
 */
function requestLog(log: Logger) {
  return async (c: Context, next: () => Promise<void>) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const level = status >= 400 ? 'info' : 'debug';
    if (!log.isLevelEnabled(level)) return;
    const user = (c.get('user' as never) as { name?: string } | undefined)?.name;
    log[level](
      {
        method: c.req.method,
        path: c.req.path,
        status,
        ms: Math.round((performance.now() - started) * 100) / 100,
        ...(user === undefined ? {} : { user }),
      },
      'request',
    );
  };
}
