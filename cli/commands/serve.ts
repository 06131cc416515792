import { existsSync, statSync } from 'node:fs';
import { createLogger, UsageError } from '#core';
import { startServer } from '#server';
import { version } from '../paths.js';

/** Where the URL goes; stdout unless a caller collects it. */
type Output = { write(text: string): unknown };

function portOption(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > 65_535) {
    throw new UsageError(`--port: expected a port number from 0 to 65535 (0: any free port), got '${text}'`);
  }
  return n;
}

/**
 * `palisade serve`: the HTTP API over a lake until SIGINT or SIGTERM, which stop it cleanly
 * (no new connections, the requests in hand finish, the model sessions close).
 */
export async function serve(
  options: { lake: string; port: string; host: string },
  out: Output = process.stdout,
): Promise<void> {
  if (!existsSync(options.lake) || !statSync(options.lake).isDirectory()) {
    throw new UsageError(`--lake ${options.lake}: no such directory`);
  }
  const port = portOption(options.port);
  if (options.host.trim() === '') throw new UsageError('--host: expected an interface name or address');
  const server = await startServer({
    lake: options.lake,
    port,
    host: options.host,
    log: createLogger('serve', process.env.PALISADE_LOG ?? 'info'),
    version: version(),
  });
  out.write(`palisade: serving the API of ${options.lake} at ${server.url} (Ctrl-C stops)\n`);
  const signal = await new Promise<string>((resolve) => {
    const stop = (name: string) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(name);
    };
    const onInt = stop('SIGINT');
    const onTerm = stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
  process.stderr.write(`palisade: ${signal}, finishing the requests in hand…\n`);
  await server.close();
  process.stderr.write('palisade: stopped cleanly\n');
}
