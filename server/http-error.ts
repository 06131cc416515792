import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * An answer other than 2xx that a handler decides on: thrown, and turned into
 * `{"error": message}` with its status by the app's error handler. Bad input the user can fix is
 * a UsageError (400) instead; this is for what the status says better (404, 409, …).
 */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
