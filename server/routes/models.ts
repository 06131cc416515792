import { createRoute, z } from '@hono/zod-openapi';
import { UsageError } from '#core';
import { MAX_SCORE_ROWS, MODEL_NAME, MODEL_NAME_RULE, modelSpecSchema, scoreRequest } from '#models';
import { type ApiApp, access, ERRORS, type ServerContext } from '../api.js';
import { HttpError } from '../http-error.js';

const NameParams = z.object({
  name: z
    .string()
    .regex(MODEL_NAME, MODEL_NAME_RULE)
    .openapi({ param: { name: 'name', in: 'path' }, example: 'dns-volume' }),
});

const ModelSummarySchema = z
  .object({
    name: z.string(),
    versions: z.array(z.number().int()).openapi({ description: 'registered versions, ascending' }),
    live: z.number().int().nullable().openapi({ description: 'the live version; null when none is' }),
    kind: z.string().openapi({ description: 'of the live version, else of the newest' }),
    features: z.array(z.string()),
  })
  .openapi('ModelSummary');

// models/ made its schema before @hono/zod-openapi extended zod, so it has no .openapi(): wrap it.
const ModelSpecSchema = z
  .object(modelSpecSchema.shape)
  .strict()
  .openapi('ModelSpec', { description: "a version's model.json" });

const ChangeSchema = z
  .object({
    from: z.number().int().nullable().openapi({ description: 'the version live before; null when none was' }),
    to: z.number().int().openapi({ description: 'the version live now' }),
  })
  .openapi('LiveChange');

/**
 * A row as the document describes it. The request is checked only for its shape here: the
 * session checks each value as it copies it into the input tensor (ModelSession.scoreRows), and
 * checking them twice cost more than a third of the route's time outside ONNX Runtime.
 */
const RowSchema = z
  .custom<Record<string, number | null>>(
    (row) => typeof row === 'object' && row !== null && !Array.isArray(row),
    'expected an object of feature → number',
  )
  .openapi({
    type: 'object',
    additionalProperties: { type: 'number', nullable: true },
    description: 'feature → value; null is a missing value',
  });

const ScoreRequestSchema = z
  .object({
    rows: z
      .array(RowSchema)
      .max(MAX_SCORE_ROWS)
      .openapi({
        description: `feature → value (null: missing) for every feature of the model; at most ${MAX_SCORE_ROWS} rows`,
        example: [{ dns_queries: 12, bytes_out: 5120 }],
      }),
  })
  .openapi('ScoreRequest');

const ScoreResponseSchema = z
  .object({
    model: z.string(),
    version: z.number().int().openapi({ description: 'the version that scored' }),
    scores: z.array(z.number()).openapi({ description: 'one per row, in order' }),
  })
  .openapi('ScoreResponse');

const json = <S extends z.ZodType>(schema: S, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/models',
  ...access('viewer'),
  summary: 'Registered models, their versions and the live one',
  tags: ['models'],
  responses: {
    200: json(z.object({ models: z.array(ModelSummarySchema) }), 'The models, by name'),
    401: ERRORS[401],
    500: ERRORS[500],
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/models/{name}',
  ...access('viewer'),
  summary: "A model's versions (their model.json) and which one is live",
  tags: ['models'],
  request: { params: NameParams },
  responses: {
    200: json(
      z.object({
        name: z.string(),
        live: z.number().int().nullable(),
        versions: z.array(ModelSpecSchema),
      }),
      'The model',
    ),
    400: ERRORS[400],
    401: ERRORS[401],
    404: ERRORS[404],
    500: ERRORS[500],
  },
});

const promoteRoute = createRoute({
  method: 'post',
  path: '/api/models/{name}/promote',
  ...access('admin'),
  summary: 'Make a version live (atomically; scoring switches at the next request)',
  tags: ['models'],
  request: {
    params: NameParams,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ version: z.number().int().positive().openapi({ example: 2 }) })
            .openapi('Promote'),
        },
      },
    },
  },
  responses: {
    200: json(ChangeSchema, 'The live version before and after (equal when it already was)'),
    400: ERRORS[400],
    401: ERRORS[401],
    403: ERRORS[403],
    404: ERRORS[404],
    413: ERRORS[413],
    500: ERRORS[500],
  },
});

const rollbackRoute = createRoute({
  method: 'post',
  path: '/api/models/{name}/rollback',
  ...access('admin'),
  summary: 'Make the version live before the current one live again',
  tags: ['models'],
  request: { params: NameParams },
  responses: {
    200: json(ChangeSchema.extend({ from: z.number().int() }), 'The live version before and after'),
    400: ERRORS[400],
    401: ERRORS[401],
    403: ERRORS[403],
    404: ERRORS[404],
    409: ERRORS[409],
    500: ERRORS[500],
  },
});

const scoreRoute = createRoute({
  method: 'post',
  path: '/api/models/{name}/score',
  // Scoring reads nothing of the lake and changes nothing.
  ...access('viewer'),
  summary: "Score feature rows with the model's live version (or ?version=N)",
  tags: ['models'],
  request: {
    params: NameParams,
    query: z.object({
      version: z.coerce
        .number()
        .int()
        .positive()
        .optional()
        .openapi({
          param: { name: 'version', in: 'query' },
          description: 'a version other than the live one',
        }),
    }),
    body: { required: true, content: { 'application/json': { schema: ScoreRequestSchema } } },
  },
  responses: {
    200: json(ScoreResponseSchema, 'One score per row'),
    400: ERRORS[400],
    401: ERRORS[401],
    404: ERRORS[404],
    409: ERRORS[409],
    413: ERRORS[413],
    500: ERRORS[500],
  },
});

/**
 * The model registry over HTTP: list, inspect, promote and roll back (admin), and score. The
 * score route is the hot one: it reads the registry's change marker and nothing else before
 * scoring with a cached session (see ModelSessions).
 */
export function modelRoutes(app: ApiApp, ctx: ServerContext): void {
  const { registry, sessions } = ctx;

  app.openapi(listRoute, async (c) => c.json({ models: await sessions.models() }, 200));

  app.openapi(getRoute, async (c) => {
    const { name } = c.req.valid('param');
    const summary = await sessions.model(name);
    const versions = await registry.versions(name);
    return c.json({ name, live: summary.live, versions }, 200);
  });

  app.openapi(promoteRoute, async (c) => {
    const { name } = c.req.valid('param');
    const { version } = c.req.valid('json');
    const summary = await sessions.model(name);
    if (!summary.versions.includes(version)) {
      throw new HttpError(
        404,
        `model ${name} has no version ${version} (versions: ${summary.versions.join(', ')})`,
      );
    }
    const user = c.get('user');
    const change = await registry.promote(name, version, user.name);
    sessions.invalidate();
    ctx.log.info({ model: name, ...change, user: user.name }, 'model promoted');
    return c.json(change, 200);
  });

  app.openapi(rollbackRoute, async (c) => {
    const { name } = c.req.valid('param');
    await sessions.model(name);
    const user = c.get('user');
    let change: { from: number; to: number };
    try {
      change = await registry.rollback(name, user.name);
    } catch (e) {
      // The name is known, so what is left is having nothing to roll back to.
      if (e instanceof UsageError) throw new HttpError(409, e.message);
      throw e;
    }
    sessions.invalidate();
    ctx.log.info({ model: name, ...change, user: user.name }, 'model rolled back');
    return c.json(change, 200);
  });

  app.openapi(scoreRoute, async (c) => {
    const { name } = c.req.valid('param');
    const { version } = c.req.valid('query');
    const body = c.req.valid('json');
    const response = await sessions.with(name, version, (session) => scoreRequest(session, body));
    return c.json(response, 200);
  });
}
