import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Metrics every part of Palisade reports, in one registry so `/metrics` and tests see the
 * same numbers. Built as a value (no global default registry) so tests stay isolated.
 * Counters are bumped once per batch, not per event: label lookups are not free.
 */
export function createTelemetry() {
  const registry = new Registry();
  const records = new Counter({
    name: 'palisade_records_total',
    help: 'Raw records read from a source, by sensor',
    labelNames: ['sensor'] as const,
    registers: [registry],
  });
  const events = new Counter({
    name: 'palisade_events_total',
    help: 'Events out of a pipeline stage (parse, enrich, score, triage, index), by stage and sensor',
    labelNames: ['stage', 'sensor'] as const,
    registers: [registry],
  });
  const alerts = new Counter({
    name: 'palisade_alerts_total',
    help: 'Events triage raised as alerts, by sensor',
    labelNames: ['sensor'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'palisade_errors_total',
    help: 'Records routed to errors, by stage (error_type), reason (error_code) and sensor',
    labelNames: ['stage', 'reason', 'sensor'] as const,
    registers: [registry],
  });
  const commitSeconds = new Histogram({
    name: 'palisade_lake_commit_seconds',
    help: 'Time to write and commit one batch to a lake table',
    labelNames: ['table'] as const,
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: 'palisade_batch_seconds',
    help: 'Time from a batch arriving to its output being durable, by worker',
    labelNames: ['worker'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'palisade_consumer_lag',
    help: 'Messages between the last one processed and the end of the partition',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'palisade_batches_in_flight',
    help: 'Batches being processed now, by worker',
    labelNames: ['worker'] as const,
    registers: [registry],
  });
  const profileStates = new Gauge({
    name: 'palisade_profile_states',
    help: 'Profile × entity × period states the streaming profiler holds in memory',
    registers: [registry],
  });
  const profileLate = new Counter({
    name: 'palisade_profile_late_total',
    help: 'Messages the streaming profiler left out because their period was already flushed',
    registers: [registry],
  });
  return {
    registry,
    records,
    events,
    alerts,
    errors,
    commitSeconds,
    batchSeconds,
    lag,
    inFlight,
    profileStates,
    profileLate,
  };
}

/** The metric handles of one process. */
export type Telemetry = ReturnType<typeof createTelemetry>;
