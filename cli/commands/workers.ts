import { createLogger, createTelemetry, InfraError, type Telemetry, UsageError } from '#core';
import { loadProfileCache, openLakeWriter } from '#lake';
import { ModelFunctions } from '#models';
import { ProfileCache, ProfileCompileError } from '#stellar';
import {
  ensureTopics,
  type HealthServer,
  kafkaClient,
  knownSensors,
  listTopics,
  loadIntelStore,
  loadSensorConfig,
  loadStages,
  outputTopics,
  type SensorStages,
  startHealthServer,
  startIndexWorker,
  startProfileWorker,
  startStreamWorker,
  type Worker,
} from '#streaming';
import { parseDuration } from './batch.js';
import { modelScorers } from './ingest.js';

/** What every worker command takes (workerOptions in program.ts). */
interface WorkerCommandOptions {
  bootstrap: string;
  group: string;
  partitions: number;
  topicPrefix: string;
  sessionTimeout: number;
  metricsPort?: number;
  metricsHost?: string;
}

/** How far back the stream keeps profile measurements for PROFILE_GET. */
const PROFILE_CACHE_MS = 14 * 86_400_000;

export interface StreamCommandOptions extends WorkerCommandOptions {
  config: string;
  sensors?: string;
  geoDb?: string;
  asnDb?: string;
  /** A lake whose `threatintel` table holds the indicators (`palisade batch intel load`). */
  lake?: string;
  /** How often to reload those indicators, e.g. 5m. */
  intelRefresh: string;
  /** Models whose live version scores every event (`--score`, needs `--lake`). */
  score?: string[];
}

export interface IndexCommandOptions extends WorkerCommandOptions {
  lake: string;
}

export interface ProfileCommandOptions extends WorkerCommandOptions {
  lake: string;
  config?: string;
  period: string;
  lateness: string;
  idleFlush: string;
}

/** `palisade profile`: the streaming profiler on `indexing`, flushing periods to `profiles`. */
export async function profile(options: ProfileCommandOptions): Promise<void> {
  const { defaultProfilerConfig, loadProfilerConfig, parsePeriod } = await import('./profile.js');
  const file = options.config ?? defaultProfilerConfig();
  const config = loadProfilerConfig(file);
  const periodMs = parsePeriod(options.period);
  const latenessMs = parseDuration(options.lateness, '--lateness');
  const idleFlushMs = parseDuration(options.idleFlush, '--idle-flush');
  const log = createLogger('profile', process.env.PALISADE_LOG ?? 'info');
  const kafka = kafkaClient(options.bootstrap, 'palisade-profile', log);
  const input = `${options.topicPrefix}indexing`;
  const triageTopic = `${options.topicPrefix}enrichments`;
  const hasTriage = config.profiles.some((p) => Object.keys(p.result.triage).length > 0);
  await ensureTopics(kafka, hasTriage ? [input, triageTopic] : [input], options.partitions);
  const lake = await openLakeWriter(options.lake);
  try {
    const telemetry = createTelemetry();
    const health = await maybeHealth(telemetry, options);
    let worker: Worker;
    try {
      worker = await startProfileWorker({
        kafka,
        groupId: options.group,
        lake,
        config,
        periodMs,
        latenessMs,
        idleFlushMs,
        input,
        triageTopic,
        sessionTimeoutMs: options.sessionTimeout,
        telemetry,
        log,
      });
    } catch (e) {
      if (e instanceof ProfileCompileError) throw new UsageError(`${file}: ${e.message}`);
      throw e;
    }
    process.stderr.write(
      `profile: group ${options.group} on ${input}, ${config.profiles.length} profiles, periods of ${options.period} → lake ${options.lake}` +
        (hasTriage ? `, triage to ${triageTopic}` : '') +
        (health ? `; metrics on http://${options.metricsHost ?? '127.0.0.1'}:${health.port}/metrics` : '') +
        '\n',
    );
    await runUntilStopped(worker, health, 'profile');
  } finally {
    lake.close();
  }
}

/** `palisade stream`: parse → enrich → score → triage from the sensor topics to indexing/alerts/errors. */
export async function stream(options: StreamCommandOptions): Promise<void> {
  const log = createLogger('stream', process.env.PALISADE_LOG ?? 'info');
  const explicit = options.sensors !== undefined;
  const names = explicit ? splitList(options.sensors as string, '--sensors') : knownSensors(options.config);
  // Every config is loaded (and every problem reported) before anything connects.
  const topicOf = new Map(
    names.map((sensor) => [
      sensor,
      options.topicPrefix + (loadSensorConfig(options.config, sensor).config.sensorTopic ?? sensor),
    ]),
  );
  const topics = outputTopics(options.topicPrefix);
  const kafka = kafkaClient(options.bootstrap, 'palisade-stream', log);
  const existing = await listTopics(kafka);
  let sensors = names;
  if (explicit) {
    await ensureTopics(kafka, [...topicOf.values()], options.partitions);
  } else {
    sensors = names.filter((s) => existing.has(topicOf.get(s) as string));
    if (sensors.length === 0) {
      throw new UsageError(
        `none of the configured sensors has a topic on ${options.bootstrap} (looked for: ${[...topicOf.values()].join(', ')}); pass --sensors to create them`,
      );
    }
  }
  const lake = options.lake;
  const intel = lake === undefined ? undefined : await loadIntelStore(lake);
  if (intel) log.info({ indicators: intel.sizes() }, 'threat intel loaded');
  else
    log.warn(
      'no --lake: threat intel is empty, so only triage rules raise alerts (load indicators with `palisade batch intel load` and pass that lake)',
    );
  const refreshMs = parseDuration(options.intelRefresh, '--intel-refresh');
  // PROFILE_GET in the sensors' rules reads the lake's recent measurements from memory.
  const profiles = lake === undefined ? undefined : new ProfileCache();
  const loadProfiles = async () => {
    if (lake === undefined || profiles === undefined) return;
    const fresh = new ProfileCache();
    const rows = await loadProfileCache(lake, fresh, { since: Date.now() - PROFILE_CACHE_MS });
    profiles.replaceWith(fresh);
    log.info({ measurements: rows }, 'profiles loaded');
  };
  await loadProfiles();
  const scorers = await modelScorers(lake, options.score ?? [], profiles, log);
  // MODEL_SCORE and MAAS_* in the sensors' rules; its worker thread starts only if a rule calls one.
  const models = lake === undefined ? undefined : new ModelFunctions({ lake, log });
  const sources = {
    ...(options.geoDb === undefined ? {} : { geoDb: options.geoDb }),
    ...(options.asnDb === undefined ? {} : { asnDb: options.asnDb }),
    ...(intel ? { intel } : {}),
    ...(profiles ? { profiles } : {}),
    ...(models ? { models } : {}),
  };
  const stages = new Map<string, SensorStages>();
  for (const sensor of sensors)
    stages.set(
      topicOf.get(sensor) as string,
      loadStages(options.config, sensor, { sources, ...(scorers.length > 0 ? { scorers } : {}) }),
    );
  // The stream writes these; `pcap` is the capture's and the indexer's.
  const written = [topics.indexing, topics.alerts, topics.errors];
  await ensureTopics(kafka, written, options.partitions);
  const telemetry = createTelemetry();
  const health = await maybeHealth(telemetry, options);
  // New indicators reach a running stream: reload the lake's table now and then and swap it in.
  const refresh =
    intel && lake !== undefined && refreshMs > 0
      ? setInterval(() => {
          loadProfiles().catch((e: Error) =>
            log.warn({ error: e.message }, 'profiles reload failed; keeping the current ones'),
          );
          loadIntelStore(lake).then(
            (fresh) => {
              intel.replaceWith(fresh);
              log.info({ indicators: intel.sizes() }, 'threat intel reloaded');
            },
            (e: Error) =>
              log.warn({ error: e.message }, 'threat intel reload failed; keeping the current set'),
          );
        }, refreshMs)
      : undefined;
  refresh?.unref();
  const worker = await startStreamWorker({
    kafka,
    groupId: options.group,
    stages,
    topics,
    sessionTimeoutMs: options.sessionTimeout,
    telemetry,
    log,
  });
  process.stderr.write(
    `stream: group ${options.group} on ${[...stages.keys()].join(', ')} → ${written.join(', ')}` +
      (health ? `; metrics on http://${options.metricsHost ?? '127.0.0.1'}:${health.port}/metrics` : '') +
      '\n',
  );
  try {
    await runUntilStopped(worker, health, 'stream');
  } finally {
    if (refresh) clearInterval(refresh);
    for (const scorer of scorers) await scorer.close();
    models?.close();
  }
}

/** `palisade index`: land indexing/alerts/errors in the lake, offsets committed after the lake. */
export async function index(options: IndexCommandOptions): Promise<void> {
  const log = createLogger('index', process.env.PALISADE_LOG ?? 'info');
  const kafka = kafkaClient(options.bootstrap, 'palisade-index', log);
  const topics = outputTopics(options.topicPrefix);
  await ensureTopics(kafka, Object.values(topics), options.partitions);
  const lake = await openLakeWriter(options.lake);
  try {
    const telemetry = createTelemetry();
    const health = await maybeHealth(telemetry, options);
    const worker = await startIndexWorker({
      kafka,
      groupId: options.group,
      lake,
      topics,
      sessionTimeoutMs: options.sessionTimeout,
      telemetry,
      log,
    });
    process.stderr.write(
      `index: group ${options.group} on ${Object.values(topics).join(', ')} → lake ${options.lake}` +
        (health ? `; metrics on http://${options.metricsHost ?? '127.0.0.1'}:${health.port}/metrics` : '') +
        '\n',
    );
    await runUntilStopped(worker, health, 'index');
  } finally {
    lake.close();
  }
}

async function maybeHealth(
  telemetry: Telemetry,
  options: { metricsPort?: number; metricsHost?: string },
): Promise<HealthServer | undefined> {
  if (options.metricsPort === undefined) return undefined;
  return startHealthServer(telemetry, {
    port: options.metricsPort,
    ...(options.metricsHost ? { host: options.metricsHost } : {}),
  });
}

/**
 * Run until SIGTERM or SIGINT (finish the batch in hand, commit, leave the group), or until
 * the worker gives up after its retries; then stop serving metrics.
 */
async function runUntilStopped(
  worker: Worker,
  health: HealthServer | undefined,
  name: string,
): Promise<void> {
  const onSignal = (signal: string) => {
    process.stderr.write(`${name}: ${signal}, finishing the batch in hand…\n`);
    health?.draining();
    void worker.stop();
  };
  const term = () => onSignal('SIGTERM');
  const int = () => onSignal('SIGINT');
  process.once('SIGTERM', term);
  process.once('SIGINT', int);
  try {
    const failure = await worker.done;
    if (failure !== undefined) throw new InfraError('worker.failed', `${name} stopped: ${failure}`);
    process.stderr.write(`${name}: stopped cleanly\n`);
  } finally {
    process.off('SIGTERM', term);
    process.off('SIGINT', int);
    await health?.close();
  }
}

function splitList(text: string, option: string): string[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`${option}: expected a comma-separated list`);
  return items;
}
