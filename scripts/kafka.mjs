// `npm run kafka -- start|stop|status`: a persistent single-node Kafka broker for development,
// with its data under .cache/kafka/dev/. See scripts/kafka-broker.mjs for how it runs.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  brokerTail,
  canConnect,
  ensureKafkaJars,
  isAlive,
  isPortFree,
  KAFKA_VERSION,
  kafkaCacheDir,
  startBroker,
  stopBroker,
} from './kafka-broker.mjs';

const devDir = path.join(kafkaCacheDir, 'dev');
const stateFile = path.join(devDir, 'state.json');

const usage = `Usage: npm run kafka -- <command> [--port N]

Runs a single-node Apache Kafka ${KAFKA_VERSION} broker (KRaft) on 127.0.0.1 for development.
Data and logs live in ${path.relative(process.cwd(), devDir) || devDir} and survive restarts.

Commands:
  start    fetch the broker jars if needed, start the broker in the background
           and print its bootstrap address (reuses the last port when it is free)
  status   print the bootstrap address (exit 0), or "Kafka is not running" (exit 1)
  stop     stop the broker cleanly

Options:
  --port N  PLAINTEXT port for start (default: the last one used, else a free one)
  -h, --help`;

/** Expected failures: one line on stderr, exit 1, no stack trace. */
class UserError extends Error {}

/**
 * What state.json holds. It outlives `stop` (without a pid) so the next start keeps the ports.
 * @typedef {{ pid?: number, port: number, controllerPort: number, startedAt?: string }} State
 */

async function main() {
  /** @type {ReturnType<typeof parseArgs>} */
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) {
    return usageError(
      positionals.length ? `expected one command, got: ${positionals.join(' ')}` : 'missing command',
    );
  }
  /** @type {number | undefined} */
  let port;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      return usageError(`--port must be an integer from 1 to 65535, got "${values.port}"`);
    }
  }
  switch (positionals[0]) {
    case 'start':
      return start(port);
    case 'status':
      return status();
    case 'stop':
      return stop();
    default:
      return usageError(`unknown command "${positionals[0]}" (expected start, stop or status)`);
  }
}

/** @param {number | undefined} port */
async function start(port) {
  const running = runningState();
  if (running) {
    console.log(`Kafka already running at 127.0.0.1:${running.port}`);
    return 0;
  }
  const previous = readState();
  await expected(ensureKafkaJars());
  // Keep the address stable across restarts when nothing else took the ports meanwhile.
  let controllerPort;
  if (port === undefined && previous && (await isPortFree(previous.port))) {
    port = previous.port;
    if (await isPortFree(previous.controllerPort)) controllerPort = previous.controllerPort;
  }
  if (port !== undefined && !(await isPortFree(port))) {
    throw new UserError(`port ${port} on 127.0.0.1 is already in use`);
  }
  const broker = await expected(startBroker({ dir: devDir, port, controllerPort, detached: true }));
  writeState({
    pid: broker.pid,
    port: broker.port,
    controllerPort: broker.controllerPort,
    startedAt: new Date().toISOString(),
  });
  console.log(`Kafka running at ${broker.bootstrap}`);
  return 0;
}

async function status() {
  const state = runningState();
  if (!state) {
    console.log('Kafka is not running');
    return 1;
  }
  if (!(await canConnect('127.0.0.1', state.port))) {
    throw new UserError(
      `Kafka process ${state.pid} is alive but 127.0.0.1:${state.port} does not answer; see ${path.join(devDir, 'broker.log')}`,
    );
  }
  console.log(`127.0.0.1:${state.port}`);
  return 0;
}

async function stop() {
  const state = runningState();
  if (!state) {
    console.log('Kafka is not running');
    return 0;
  }
  process.stderr.write(`stopping Kafka (pid ${state.pid})…\n`);
  await stopBroker(state.pid);
  if (isAlive(state.pid)) {
    throw new UserError(`Kafka process ${state.pid} did not exit\n${brokerTail(devDir, 10)}`);
  }
  writeState({ port: state.port, controllerPort: state.controllerPort });
  console.log('Kafka stopped');
  return 0;
}

/** @returns {(State & { pid: number }) | null} the recorded state, if its process is still our broker */
function runningState() {
  const state = readState();
  if (state?.pid === undefined || !isAlive(state.pid)) return null;
  // Guard against a recycled pid: on Linux, check it is a Kafka JVM using our data dir.
  try {
    const cmdline = fs.readFileSync(`/proc/${state.pid}/cmdline`, 'utf8');
    if (!cmdline.includes('kafka.Kafka') || !cmdline.includes(devDir)) return null;
  } catch {}
  return { ...state, pid: state.pid };
}

/** @returns {State | null} */
function readState() {
  try {
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    if (!Number.isInteger(state.port) || !Number.isInteger(state.controllerPort)) return null;
    return { ...state, pid: Number.isInteger(state.pid) ? state.pid : undefined };
  } catch {
    return null;
  }
}

/** @param {State} state */
function writeState(state) {
  fs.writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Failures of the broker module (no Maven, no Java, a broker that would not start) carry a
 * message written for the user; show it without a stack.
 * @template T
 * @param {Promise<T>} promise
 * @returns {Promise<T>}
 */
async function expected(promise) {
  try {
    return await promise;
  } catch (err) {
    throw new UserError(err instanceof Error ? err.message : String(err));
  }
}

/** @param {string} message */
function usageError(message) {
  console.error(`kafka: ${message} (try --help)`);
  return 2;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`kafka: ${err instanceof Error ? err.message : String(err)}`);
    if (!(err instanceof UserError) && err instanceof Error && err.stack) console.error(err.stack);
    process.exitCode = 1;
  },
);
