import { createServer, type Server } from 'node:http';
import { InfraError, type Telemetry } from '#core';

/**
 * A worker's health endpoint for Prometheus and orchestrators: `GET /metrics` (the process's
 * metrics in Prometheus text format) and `GET /health` (`{"status":"ok"}` while the worker
 * runs, 503 once it is stopping). Counters only; no data and no configuration are exposed,
 * and it listens on the loopback interface unless told otherwise.
 */
export interface HealthServer {
  readonly port: number;
  /** From now on `/health` answers 503: the worker is draining. */
  draining(): void;
  close(): Promise<void>;
}

export async function startHealthServer(
  telemetry: Telemetry,
  options: { port: number; host?: string },
): Promise<HealthServer> {
  let healthy = true;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/metrics') {
      telemetry.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': telemetry.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else if (path === '/health') {
      res
        .writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: healthy ? 'ok' : 'draining' }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(
        new InfraError('health.listen', `cannot listen on port ${options.port}: ${e.message}`, { cause: e }),
      ),
    );
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    draining: () => {
      healthy = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
