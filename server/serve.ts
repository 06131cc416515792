import { stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createLogger, InfraError, type Logger, UsageError } from '#core';
import { ModelRegistry } from '#models';
import { createApp } from './app.js';
import { ModelSessions } from './model-sessions.js';
import { UserStore } from './users.js';

export interface ServerOptions {
  /** The lake directory to serve. */
  lake: string;
  /** TCP port; 0 (the default) takes any free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Default: a `serve` logger at PALISADE_LOG's level. */
  log?: Logger;
  /** Palisade's version, for the OpenAPI document. */
  version?: string;
  /**
   * How long (ms) the server trusts its last look at the users file (one stat) and at the
   * registry's change marker (one readdir) before looking again: a token removed or rotated,
   * or a model promoted, by another process (the CLI) takes effect within this. Default 250;
   * 0 looks on every request. Promotes through this server's API take effect at once anyway.
   */
  recheckMs?: number;
}

/** A running API server. */
export interface RunningServer {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  /** Stop taking connections, let the requests in hand finish, then close the model sessions. */
  close(): Promise<void>;
}

/**
 * The default of {@link ServerOptions.recheckMs}. A stat and a readdir per request cost about
 * as much main-thread time as half the ONNX run of a 64-row batch (measured on the score
 * route), and each is a trip through libuv's thread pool, where the tail latency is.
 */
const RECHECK_MS = 250;

/** How long an idle keep-alive connection is kept open. */
const KEEP_ALIVE_MS = 65_000;

/** How long `close` lets requests in hand run before it cuts their connections. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Serve the HTTP API of a lake (see `createApp`) with Node's HTTP server. Refuses a lake without
 * users, whose API no one could call.
 *
 * @example
 * const server = await startServer({ lake: 'data/lake', port: 0 });
 * await fetch(`${server.url}/health`);
 * await server.close();
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const isDir = await stat(options.lake).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new UsageError(`lake not found: ${options.lake}`);
  const recheckMs = options.recheckMs ?? RECHECK_MS;
  const users = new UserStore(options.lake, { recheckMs });
  const known = await users.list();
  if (known.length === 0) {
    throw new UsageError(
      `${options.lake} has no API users, so no one could call the API; add one with: palisade users add NAME --role admin --lake ${options.lake}`,
    );
  }
  const log = options.log ?? createLogger('serve');
  const registry = new ModelRegistry(options.lake);
  const sessions = new ModelSessions(registry, { log, markerTtlMs: recheckMs });
  const app = createApp({
    lake: options.lake,
    users,
    registry,
    sessions,
    log,
    ...(options.version === undefined ? {} : { version: options.version }),
  });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  // Idle keep-alive connections are closed by the client (or the proxy in front) first: when
  // the server closes one just as a client sends on it, that request fails. Clients time out
  // sooner than this (undici 4 s, load balancers 60 s).
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = `${host}:${options.port ?? 0}`;
      reject(
        e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL'
          ? new UsageError(
              `cannot listen on ${where}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.message}`,
            )
          : new InfraError('serve.listen', `cannot listen on ${where}: ${e.message}`, { cause: e }),
      );
    });
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
          server.close(() => {
            clearTimeout(cut);
            resolve();
          });
          server.closeIdleConnections();
        });
        await sessions.close();
      })();
      return closing;
    },
  };
}
