/** @module server — the HTTP API: bearer tokens and roles, the model routes, and (to come) alerts, SQL and pcap. */

/** The route kit: context, roles on routes, error answers. */
export {
  type ApiApp,
  type ApiEnv,
  access,
  BEARER,
  ERRORS,
  ErrorSchema,
  ROLE_EXTENSION,
  requireRole,
  type ServerContext,
} from './api.js';
/** The Hono app of the API over one lake (OpenAPI document at /api/openapi.json). */
export { type AppOptions, createApp, MAX_BODY_BYTES } from './app.js';
/** A handler's non-2xx answer with its status. */
export { HttpError } from './http-error.js';
/** The score route's cache of ONNX sessions, reopened when the live version changes. */
export { ModelSessions, type ModelSessionsOptions } from './model-sessions.js';
/** Serve the API on a port. */
export { type RunningServer, type ServerOptions, startServer } from './serve.js';
/** The API's users, roles and tokens, in `<lake>/_auth/users.json`. */
export { AUTH_DIR, hasRole, ROLES, type Role, USER_NAME, type User, UserStore } from './users.js';
