import type { Context, MiddlewareHandler } from 'hono';
import type { ApiEnv } from './api.js';
import type { UserStore } from './users.js';

const BEARER_HEADER = /^Bearer +(\S+) *$/i;

/**
 * The middleware in front of every API route: `Authorization: Bearer <token>` must carry a
 * token of a user of the lake, who becomes the request's `user`; anything else is answered 401.
 * Tokens are never logged or echoed.
 */
export function authenticate(users: UserStore): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header === undefined || header.trim() === '') {
      return unauthorized(
        c,
        'this needs an API token: send "Authorization: Bearer <token>" (an admin makes one with `palisade users add`)',
      );
    }
    const token = BEARER_HEADER.exec(header)?.[1];
    if (token === undefined) return unauthorized(c, 'expected "Authorization: Bearer <token>"');
    const user = await users.authenticate(token);
    if (user === undefined) return unauthorized(c, 'the API token is not valid (wrong, or revoked)');
    c.set('user', user);
    await next();
  };
}

function unauthorized(c: Context<ApiEnv>, error: string) {
  c.header('WWW-Authenticate', 'Bearer realm="palisade"');
  return c.json({ error }, 401);
}
