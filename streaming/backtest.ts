import { type Event, Fields } from '#core';
import { listTables, type ReadEventsOptions, readEvents, sensorTables } from '#lake';
import type { ProfileCache } from '#stellar';
import type { IntelStore } from './enrich/intel.js';
import { isAlert } from './pipeline.js';
import { ALERTS_TABLE } from './sinks/lake.js';
import { loadEnrichmentConfig, loadStages } from './stages.js';

/**
 * `palisade batch backtest`: the sensors' current enrichment and triage rules over the lake's
 * history, with the stream's own code — the same compiled Stellar, threat-intel matching and
 * aggregation — and the difference from the alerts that fired (the `alerts` table).
 *
 * Each stored event is replayed as the triage stage would see it again: the marks the last
 * run's threat intel and triage left (`threatintels.*`, `threat.triage.*`) are taken off, and
 * `is_alert` with them when threat intel had set it; the enrichment then runs (reverse DNS
 * aside: names stay as stored), then triage. An `is_alert` that a parser set stays, since the
 * lake keeps the flag, not who raised it — so an alert a parser raised cannot go.
 */

export interface BacktestOptions {
  configDir: string;
  from: number;
  to: number;
  /** Sensor tables to replay (default: every sensor table with an enrichment config). */
  sensors?: readonly string[];
  /** Threat intel to match (the lake's `threatintel` table, as the stream loads it). */
  intel?: IntelStore;
  profiles?: ProfileCache;
  onProgress?: (events: number) => void;
}

export interface AlertDiff {
  guid: string;
  sensor: string;
  timestamp: number;
  /** The score when it fired (undefined: it did not). */
  before?: number;
  /** The score with the current rules (undefined: it would not fire). */
  after?: number;
}

export interface BacktestReport {
  events: number;
  /** Alerts the current rules raise in the window. */
  alerts: number;
  /** Alerts in the `alerts` table in the window, for the sensors replayed. */
  fired: number;
  added: AlertDiff[];
  gone: AlertDiff[];
  changed: AlertDiff[];
  /** Sensor tables without an enrichment config: left out. */
  skipped: string[];
}

const SCORE = 'threat.triage.score';

/** The score of an alert as stored or computed (undefined when it has none). */
function scoreOf(event: Event): number | undefined {
  const v = event[SCORE];
  return typeof v === 'number' ? v : undefined;
}

/** Scores the same: equal numbers, or both missing (NaN equals NaN). */
const sameScore = (a: number | undefined, b: number | undefined) =>
  a === b || (a !== undefined && b !== undefined && Number.isNaN(a) && Number.isNaN(b));

/** Take off what threat intel and triage wrote, so the current rules decide again. */
export function clearTriage(event: Event): void {
  let intel = false;
  for (const key of Object.keys(event)) {
    if (key.startsWith('threatintels.')) {
      delete event[key];
      intel = true;
    } else if (key.startsWith('threat.triage.')) delete event[key];
  }
  if (intel) delete event[Fields.isAlert];
}

export async function backtest(lakeDir: string, options: BacktestOptions): Promise<BacktestReport> {
  const all = options.sensors ?? (await sensorTables(lakeDir));
  const sensors = all.filter((s) => loadEnrichmentConfig(options.configDir, s) !== undefined);
  const report: BacktestReport = {
    events: 0,
    alerts: 0,
    fired: 0,
    added: [],
    gone: [],
    changed: [],
    skipped: all.filter((s) => !sensors.includes(s)),
  };
  const window: ReadEventsOptions = { from: options.from, to: options.to };
  // What fired: the alerts table's rows of these sensors in the window, by guid.
  const fired = new Map<string, Event>();
  const replayed = new Set(sensors);
  const alertTable = (await listTables(lakeDir)).filter((t) => t === ALERTS_TABLE);
  for await (const chunk of readEvents(lakeDir, { ...window, tables: alertTable })) {
    for (const e of chunk.events) {
      if (typeof e.guid === 'string' && replayed.has(String(e[Fields.sourceType]))) fired.set(e.guid, e);
    }
  }
  report.fired = fired.size;
  const seen = new Set<string>();
  for (const sensor of sensors) {
    const enricher = loadStages(options.configDir, sensor, {
      sources: {
        dns: false,
        ...(options.intel ? { intel: options.intel } : {}),
        ...(options.profiles ? { profiles: options.profiles } : {}),
      },
    }).enricher;
    if (!enricher) continue;
    for await (const chunk of readEvents(lakeDir, { ...window, tables: [sensor] })) {
      for (const event of chunk.events) {
        report.events++;
        clearTriage(event);
        enricher.enrich(event);
        enricher.triage.apply(event);
        const guid = typeof event.guid === 'string' ? event.guid : undefined;
        if (guid === undefined) continue;
        const before = fired.get(guid);
        const base = { guid, sensor, timestamp: event.timestamp as number };
        if (isAlert(event)) {
          report.alerts++;
          seen.add(guid);
          const after = scoreOf(event);
          if (before === undefined) report.added.push({ ...base, ...defined('after', after) });
          else if (!sameScore(scoreOf(before), after))
            report.changed.push({
              ...base,
              ...defined('before', scoreOf(before)),
              ...defined('after', after),
            });
        }
      }
      options.onProgress?.(report.events);
    }
  }
  for (const [guid, e] of fired) {
    if (seen.has(guid)) continue;
    report.gone.push({
      guid,
      sensor: String(e[Fields.sourceType]),
      timestamp: e.timestamp as number,
      ...defined('before', scoreOf(e)),
    });
  }
  return report;
}

const defined = <K extends string>(key: K, v: number | undefined) =>
  (v === undefined ? {} : { [key]: v }) as Partial<Record<K, number>>;
