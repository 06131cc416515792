// A single-node Apache Kafka broker (KRaft, broker + controller in one JVM) for development and
// tests. The jars come from Maven Central through Maven (and so through ~/.m2); no tarball, no
// Docker. Used by scripts/kafka.mjs (`npm run kafka`) and by the vitest global setup.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { outputTail, runCommand } from './run-command.mjs';

export const KAFKA_VERSION = '3.9.2';
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const kafkaCacheDir = path.join(repoRoot, '.cache', 'kafka');
export const kafkaLibDir = path.join(kafkaCacheDir, 'lib');

const pomFile = path.join(repoRoot, 'scripts', 'kafka', 'pom.xml');
const markerName = '.complete';
const brokerLogName = 'broker.log';
const jvmOutName = 'broker.out';

/**
 * @typedef {(line: string) => void} Log
 *
 * @typedef {object} StartOptions
 * @property {string} dir Where the broker keeps its config, data (`<dir>/data`) and logs.
 * @property {number} [port] PLAINTEXT port on 127.0.0.1; a free one is picked when absent.
 * @property {number} [controllerPort] CONTROLLER port on 127.0.0.1; a free one is picked when absent.
 * @property {boolean} [detached] Let the broker outlive this process (own process group, unref'd).
 * @property {number} [timeoutMs] How long to wait for the broker to answer (default 90 s).
 * @property {string} [heap] JVM -Xmx value (default 512m).
 * @property {Log} [log] Progress lines (default: stderr).
 *
 * @typedef {object} Broker
 * @property {string} bootstrap `127.0.0.1:PORT`
 * @property {number} port
 * @property {number} controllerPort
 * @property {number} pid
 * @property {string} dir
 * @property {string} logFile
 * @property {() => Promise<void>} stop
 */

/** @type {Log} */
const stderrLog = (line) => {
  process.stderr.write(`${line}\n`);
};

/**
 * Fetches the Kafka broker jars (kafka_2.13 and its runtime dependencies) into
 * `.cache/kafka/lib`. A no-op once a marker written after a complete fetch matches the pom.
 * @param {{ log?: Log }} [options]
 * @returns {Promise<string>} the lib directory
 */
export async function ensureKafkaJars({ log = stderrLog } = {}) {
  const want = `${KAFKA_VERSION} ${sha256(fs.readFileSync(pomFile))}`;
  if (readMarker() === want) return kafkaLibDir;

  log(`fetching Kafka ${KAFKA_VERSION} jars from Maven Central…`);
  const started = Date.now();
  // Fetch into a private directory and swap it in whole, so a concurrent or interrupted fetch
  // never leaves a half-filled lib/ on the classpath.
  fs.mkdirSync(kafkaCacheDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(kafkaCacheDir, 'lib.tmp-'));
  try {
    const result = await runCommand('mvn', [
      '-q',
      '-B',
      '-f',
      pomFile,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${tmp}`,
    ]);
    if (result.error) {
      throw new Error(
        result.error.code === 'ENOENT'
          ? 'Maven (mvn) is not on PATH; it is needed to fetch the Kafka jars (apt-get install maven)'
          : `could not run mvn: ${result.error.message}`,
      );
    }
    if (result.code !== 0) {
      throw new Error(
        `mvn failed to fetch the Kafka jars (exit ${result.code}):\n${outputTail(result.output, 30)}`,
      );
    }
    const jars = fs.readdirSync(tmp).filter((f) => f.endsWith('.jar'));
    if (!jars.includes(`kafka_2.13-${KAFKA_VERSION}.jar`)) {
      throw new Error(`mvn finished but kafka_2.13-${KAFKA_VERSION}.jar is not in ${tmp}`);
    }
    fs.writeFileSync(path.join(tmp, markerName), `${want}\n`);
    if (readMarker() !== want) {
      fs.rmSync(kafkaLibDir, { recursive: true, force: true });
      fs.renameSync(tmp, kafkaLibDir);
    }
    log(`fetched ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s → ${kafkaLibDir}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return kafkaLibDir;
}

/**
 * Starts a single-node KRaft broker on 127.0.0.1 and waits until a client can list topics, join a
 * consumer group and start an idempotent producer.
 * Formats `<dir>/data` on first use only, so a persistent `dir` keeps its topics.
 * @param {StartOptions} options
 * @returns {Promise<Broker>}
 */
export async function startBroker({
  dir,
  port,
  controllerPort,
  detached = false,
  timeoutMs = 90_000,
  heap = '512m',
  log = stderrLog,
}) {
  if (readMarker() === null) {
    throw new Error(`Kafka jars are missing from ${kafkaLibDir}; call ensureKafkaJars() first`);
  }
  dir = path.resolve(dir);
  fs.mkdirSync(dir, { recursive: true });
  const p = port ?? (await freePort());
  const c = controllerPort ?? (await freePort([p]));
  for (const wanted of [p, c]) {
    if (!(await isPortFree(wanted))) throw new Error(`port ${wanted} on 127.0.0.1 is already in use`);
  }

  const dataDir = path.join(dir, 'data');
  const propsFile = path.join(dir, 'server.properties');
  const log4jFile = path.join(dir, 'log4j.properties');
  const logFile = path.join(dir, brokerLogName);
  const outFile = path.join(dir, jvmOutName);
  fs.writeFileSync(propsFile, serverProperties({ port: p, controllerPort: c, dataDir }));
  fs.writeFileSync(log4jFile, log4jProperties(logFile));

  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const classpath = `${kafkaLibDir}${path.sep}*`;
  const jvmFlags = [
    `-Xmx${heap}`,
    '-Xms64m',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${log4jFile}`,
  ];

  if (!fs.existsSync(path.join(dataDir, 'meta.properties'))) {
    const format = await runCommand(java, [
      ...jvmFlags,
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '--ignore-formatted',
      '--cluster-id',
      kafkaUuid(),
      '--config',
      propsFile,
    ]);
    if (format.error) throw new Error(javaSpawnError(java, format.error));
    if (format.code !== 0) {
      throw new Error(
        `formatting Kafka storage failed (exit ${format.code}):\n${outputTail(format.output, 30)}`,
      );
    }
  }

  log(`starting Kafka ${KAFKA_VERSION} broker on 127.0.0.1:${p}…`);
  const started = Date.now();
  const out = fs.openSync(outFile, 'a');
  const child = spawn(java, [...jvmFlags, '-cp', classpath, 'kafka.Kafka', propsFile], {
    cwd: dir,
    detached,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  /** @type {{ code: number | null, signal: string | null } | Error | null} */
  let exited = null;
  child.once('error', (err) => {
    exited = err;
  });
  child.once('exit', (code, signal) => {
    exited = { code, signal };
  });
  child.unref();
  const exitStatus = () => exited;

  const pid = child.pid;
  // Without a pid the spawn itself failed; let the 'error' event land first.
  if (pid === undefined) {
    await new Promise((resolve) => setImmediate(resolve));
    const status = exitStatus();
    throw new Error(javaSpawnError(java, status instanceof Error ? status : new Error('spawn failed')));
  }
  // An attached broker must not outlive us if the caller never gets to stop() it.
  const killOnExit = () => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
  };
  if (!detached) process.on('exit', killOnExit);

  const bootstrap = `127.0.0.1:${p}`;
  /** @type {Broker} */
  const broker = {
    bootstrap,
    port: p,
    controllerPort: c,
    pid,
    dir,
    logFile,
    stop: async () => {
      process.off('exit', killOnExit);
      await stopBroker(pid);
    },
  };

  const deadline = started + timeoutMs;
  try {
    await waitUntilReady(bootstrap, deadline, exitStatus);
  } catch (err) {
    await broker.stop().catch(() => {});
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`${why}\n--- tail of ${logFile} ---\n${brokerTail(dir)}`);
  }
  log(`Kafka broker ready at ${bootstrap} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return broker;
}

/**
 * Stops a broker: SIGTERM, up to `timeoutMs` for a clean shutdown, then SIGKILL.
 * @param {number} pid
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<void>}
 */
export async function stopBroker(pid, { timeoutMs = 30_000 } = {}) {
  if (!signal(pid, 'SIGTERM')) return;
  if (await waitForExit(pid, timeoutMs)) return;
  signal(pid, 'SIGKILL');
  await waitForExit(pid, 5_000);
}

/**
 * Whether `pid` is a live process (zombies count as gone).
 * @param {number} pid
 * @returns {boolean}
 */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
  try {
    // Field 3 of /proc/<pid>/stat is the state; the command name before it may hold spaces.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * The last lines of the broker's log (and of the JVM's own output, when it wrote any).
 * @param {string} dir
 * @param {number} [lines]
 * @returns {string}
 */
export function brokerTail(dir, lines = 40) {
  const parts = [];
  for (const name of [brokerLogName, jvmOutName]) {
    try {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      if (text.trim()) parts.push(outputTail(text, lines));
    } catch {}
  }
  return parts.join('\n') || '(the broker wrote no log)';
}

/**
 * @param {{ port: number, controllerPort: number, dataDir: string }} p
 * @returns {string}
 */
function serverProperties({ port, controllerPort, dataDir }) {
  return `${[
    '# Written by scripts/kafka-broker.mjs at every start; edits are overwritten.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'auto.create.topics.enable=true',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // Fewer, smaller internal-topic partitions: a dev broker on 2 cores starts faster.
    'offsets.topic.num.partitions=10',
    'num.network.threads=2',
    'num.io.threads=4',
  ].join('\n')}\n`;
}

/**
 * @param {string} logFile
 * @returns {string}
 */
function log4jProperties(logFile) {
  return `${[
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.RollingFileAppender',
    `log4j.appender.file.File=${logFile}`,
    'log4j.appender.file.MaxFileSize=20MB',
    'log4j.appender.file.MaxBackupIndex=2',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.kafka.log.LogCleaner=WARN',
  ].join('\n')}\n`;
}

/**
 * Polls until the port accepts connections and clients get answers.
 * @param {string} bootstrap
 * @param {number} deadline epoch ms
 * @param {() => ({ code: number | null, signal: string | null } | Error | null)} exited
 */
async function waitUntilReady(bootstrap, deadline, exited) {
  const [host, portText] = bootstrap.split(':');
  const port = Number(portText);
  const check = () => {
    const e = exited();
    if (e instanceof Error) throw new Error(`the Kafka JVM could not start: ${e.message}`);
    if (e) throw new Error(`the Kafka broker exited during start-up (${e.signal ?? `exit ${e.code}`})`);
    if (Date.now() > deadline) throw new Error(`the Kafka broker did not answer on ${bootstrap} in time`);
  };
  while (!(await canConnect(host ?? '127.0.0.1', port))) {
    check();
    await sleep(250);
  }
  const kafka = new kafkajs.Kafka({
    clientId: 'palisade-broker-probe',
    brokers: [bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  // Beyond listing topics, warm up what a fresh KRaft broker creates lazily: the group
  // coordinator (__consumer_offsets) and the producer-id manager. Otherwise the first consumer
  // group and idempotent producer each log retriable "coordinator is loading" errors.
  for (;;) {
    check();
    const admin = kafka.admin();
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 2, initialRetryTime: 100 }, // kafkajs refuses an idempotent producer without
    });
    try {
      await admin.connect();
      await admin.listTopics();
      await admin.describeGroups(['palisade-broker-probe']);
      await producer.connect();
      return;
    } catch {
      await sleep(250);
    } finally {
      await Promise.all([admin.disconnect().catch(() => {}), producer.disconnect().catch(() => {})]);
    }
  }
}

/**
 * @param {number[]} [avoid]
 * @returns {Promise<number>}
 */
async function freePort(avoid = []) {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port && !avoid.includes(port)) return port;
  }
}

/**
 * @param {number} port
 * @returns {Promise<boolean>}
 */
export function isPortFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * @param {string} host
 * @param {number} port
 * @returns {Promise<boolean>}
 */
export function canConnect(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    const done = (/** @type {boolean} */ ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/**
 * @param {number} pid
 * @param {NodeJS.Signals} sig
 * @returns {boolean} false when there was no such process
 */
function signal(pid, sig) {
  try {
    process.kill(pid, sig);
    return true;
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'ESRCH') return false;
    throw err;
  }
}

/**
 * @param {number} pid
 * @param {number} timeoutMs
 * @returns {Promise<boolean>} whether it exited in time
 */
async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** @returns {string | null} */
function readMarker() {
  try {
    return fs.readFileSync(path.join(kafkaLibDir, markerName), 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (as `random-uuid` prints).
 * @returns {string}
 */
function kafkaUuid() {
  return randomBytes(16).toString('base64url');
}

/**
 * @param {string} java
 * @param {Error} err
 * @returns {string}
 */
function javaSpawnError(java, err) {
  return /** @type {NodeJS.ErrnoException} */ (err).code === 'ENOENT'
    ? `${java} not found; Kafka needs a Java runtime (JDK 11 or later) on PATH or in JAVA_HOME`
    : `could not run ${java}: ${err.message}`;
}

/**
 * @param {Buffer | string} data
 * @returns {string}
 */
function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
