import { type Logger, pino } from 'pino';

/** Secrets never reach the log: these paths are redacted wherever they appear. */
const REDACT = ['token', 'password', 'secret', '*.token', '*.password', '*.secret', 'headers.authorization'];

/**
 * The process logger: JSON lines on stderr so stdout stays free for command output.
 * Level comes from `PALISADE_LOG` (default `warn` for the CLI).
 */
export function createLogger(name: string, level = process.env.PALISADE_LOG ?? 'warn'): Logger {
  return pino({ name, level, redact: { paths: REDACT, censor: '[redacted]' } }, pino.destination(2));
}

export type { Logger };
