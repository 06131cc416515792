import type { ProfilerConfig } from '#core';
import { UsageError } from '#core';
import { openLakeWriter, readEvents, replaceMeasurements } from '#lake';
import { type FunctionRegistry, type ProfileFailure, Profiler } from '#stellar';

/**
 * `palisade batch profile`: rebuild profiles from the lake's history with the same compiled
 * Stellar the streaming profiler runs. Every sensor table's events in [from, to) are applied in
 * time order; the periods they fall in are flushed; and the `profiles` rows of those profiles
 * for periods starting in the window are replaced by the new ones in one commit. Rebuilding a
 * window twice leaves the same rows.
 *
 * A profile with `expires` (days) loses its older measurements in the same commit.
 *
 * A window that does not start and end on period boundaries rebuilds its first and last
 * periods from part of their events, as Metron's batch profiler does with its begin and end.
 */

export interface ProfileRebuildOptions {
  config: ProfilerConfig;
  periodMs: number;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  /** Sensor tables to read (default: all of them). */
  tables?: readonly string[];
  functions?: FunctionRegistry;
  globals?: Readonly<Record<string, unknown>>;
  /** The clock `expires` counts back from (default: now). */
  now?: number;
  onProgress?: (events: number) => void;
}

export interface ProfileRebuildReport {
  events: number;
  measurements: number;
  periods: number;
  /** Expressions that failed (first few kept in `examples`). */
  failures: number;
  examples: ProfileFailure[];
  version: number;
  /** Periods replaced: those starting in [from, to) aligned down to a period start. */
  replaced: { from: number; to: number };
}

const EXAMPLES = 5;

export async function rebuildProfiles(
  lakeDir: string,
  options: ProfileRebuildOptions,
): Promise<ProfileRebuildReport> {
  const { config, periodMs, from, to } = options;
  if (!(to > from)) throw new UsageError(`--to must be after --from (${from} … ${to})`);
  const profiler = new Profiler(config, {
    periodMs,
    ...(options.functions ? { functions: options.functions } : {}),
    ...(options.globals ? { globals: options.globals } : {}),
  });
  const timeField = config.timestampField ?? 'timestamp';
  const report: ProfileRebuildReport = {
    events: 0,
    measurements: 0,
    periods: 0,
    failures: 0,
    examples: [],
    version: -1,
    replaced: { from: Math.floor(from / periodMs) * periodMs, to },
  };
  const note = (failures: readonly ProfileFailure[]) => {
    report.failures += failures.length;
    for (const f of failures) if (report.examples.length < EXAMPLES) report.examples.push(f);
  };
  const readOptions = {
    from,
    to,
    timeField,
    ...(options.tables ? { tables: options.tables } : {}),
    // Only the fields the profiles read: a sensor table has dozens, a profile a handful.
    ...(profiler.fields ? { fields: profiler.fields } : {}),
  };
  for await (const chunk of readEvents(lakeDir, readOptions)) {
    for (const event of chunk.events) {
      const time = event[timeField];
      if (typeof time !== 'number') continue;
      report.events++;
      note(profiler.apply(event, time));
    }
    options.onProgress?.(report.events);
  }
  report.periods = profiler.openPeriods().length;
  const { measurements, failures } = profiler.flush();
  note(failures);
  report.measurements = measurements.length;
  const lake = await openLakeWriter(lakeDir);
  try {
    const now = options.now ?? Date.now();
    const result = await replaceMeasurements(lake, measurements, {
      profiles: profiler.names,
      from: report.replaced.from,
      to,
      // Metron's `expires`: a profile's measurements are kept this many days.
      expire: config.profiles.flatMap((p) =>
        p.expires === undefined ? [] : [{ profile: p.profile, before: now - p.expires * 86_400_000 }],
      ),
    });
    report.version = result.version;
  } finally {
    lake.close();
  }
  return report;
}
