import { Counter, Histogram, Registry } from 'prom-client';

/**
 * Metrics every part of Palisade reports, in one registry so `/metrics` and tests see the
 * same numbers. Built as a value (no global default registry) so tests stay isolated.
 */
export function createTelemetry() {
  const registry = new Registry();
  const events = new Counter({
    name: 'palisade_events_total',
    help: 'Events that passed a pipeline stage, by stage and sensor',
    labelNames: ['stage', 'sensor'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'palisade_errors_total',
    help: 'Events routed to the errors table, by stage and sensor',
    labelNames: ['stage', 'sensor'] as const,
    registers: [registry],
  });
  const commitSeconds = new Histogram({
    name: 'palisade_lake_commit_seconds',
    help: 'Time to write and commit one batch to a lake table',
    labelNames: ['table'] as const,
    registers: [registry],
  });
  return { registry, events, errors, commitSeconds };
}

/** The metric handles of one process. */
export type Telemetry = ReturnType<typeof createTelemetry>;
