import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '#core';
import type { ModelRegistry } from '#models';
import type { ModelSessions } from './model-sessions.js';
import { hasRole, type Role, type User, type UserStore } from './users.js';

/**
 * What every route module is built from: the route kit. A route module is a function
 * `(app, ctx) => void` that declares its routes with `createRoute({ ...access('viewer'), … })`
 * and registers them with `app.openapi(route, handler)`; app.ts lists the modules.
 */

/** Hono's context variables of an API request: the authenticated user. */
export interface ApiEnv {
  Variables: { user: User };
}

/** The app the route modules add to. */
export type ApiApp = OpenAPIHono<ApiEnv>;

/** What route handlers may use. */
export interface ServerContext {
  /** The lake directory. */
  lake: string;
  users: UserStore;
  registry: ModelRegistry;
  /** The open ONNX sessions, one per model version in use. */
  sessions: ModelSessions;
  log: Logger;
}

/** The name of the bearer-token security scheme in the OpenAPI document. */
export const BEARER = 'bearer';

/** The OpenAPI extension that records each operation's least role. */
export const ROLE_EXTENSION = 'x-palisade-role';

/** Every error answer: `{"error": "…"}`. */
export const ErrorSchema = z
  .object({ error: z.string().openapi({ example: 'no model named dns-volume is registered' }) })
  .openapi('Error');

const errorResponse = (description: string) => ({
  content: { 'application/json': { schema: ErrorSchema } },
  description,
});

/** The error answers every API route may give, by status. */
export const ERRORS = {
  400: errorResponse('Bad input: the message says what is wrong'),
  401: errorResponse('No token, or not a valid one'),
  403: errorResponse("The user's role is below the one the route needs"),
  404: errorResponse('No such model, version or route'),
  409: errorResponse('The request conflicts with the current state'),
  413: errorResponse('The body is larger than the limit'),
  500: errorResponse('An internal error (logged; the answer carries no details)'),
} as const;

/**
 * The access part of a route's declaration: the bearer token, the least role (checked before
 * the request is validated, so a user without the role learns nothing from validation
 * errors), and both recorded in the OpenAPI document. Every API route spreads one.
 *
 * @example
 * const route = createRoute({ method: 'get', path: '/api/models', ...access('viewer'), responses });
 */
export function access<R extends Role>(role: R) {
  return {
    security: [{ [BEARER]: [] as string[] }],
    middleware: requireRole(role),
    [ROLE_EXTENSION]: role,
    description: `Needs a token of a user with the ${role} role or higher.`,
  };
}

/** The middleware that answers 403 unless the authenticated user has at least `role`. */
export function requireRole(role: Role): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const user = c.get('user');
    if (user === undefined) return c.json({ error: 'authentication required' }, 401);
    if (!hasRole(user.role, role)) {
      return c.json(
        { error: `this needs the ${role} role or higher; ${user.name} has the ${user.role} role` },
        403,
      );
    }
    await next();
  };
}
