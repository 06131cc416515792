import { join } from 'node:path';
import { type ProfileRebuildReport, rebuildProfiles } from '#batch';
import { loadJsonConfig, type ProfilerConfig, profilerConfigSchema, UsageError } from '#core';
import { ProfileCompileError } from '#stellar';
import { packageRoot } from '../paths.js';
import { progressLine } from '../progress.js';
import { timeOption } from './sql.js';

/** Where reports go; stdout unless a caller (a test) collects them. */
type Output = { write(text: string): unknown };

/** The profiler config `--config` names by default: the one Palisade ships. */
export const defaultProfilerConfig = () => join(packageRoot(), 'config', 'profiler.json');

const PERIOD_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--period`: a whole number and s, m, h or d (Metron's default period is 15m). */
export function parsePeriod(text: string): number {
  const m = /^(\d+)\s*([smhd])$/.exec(text.trim());
  const ms = m ? Number(m[1]) * (PERIOD_UNITS[m[2] as string] as number) : Number.NaN;
  if (!(ms > 0) || !Number.isSafeInteger(ms))
    throw new UsageError(`--period: expected a whole number and s, m, h or d (e.g. 15m, 1h), got '${text}'`);
  return ms;
}

/** Read and validate a profiler config; its Stellar is compiled (and checked) by the job. */
export function loadProfilerConfig(file: string): ProfilerConfig {
  return loadJsonConfig(profilerConfigSchema, file);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** `palisade batch profile`: rebuild the profiles of a window from the lake and print a summary. */
export async function batchProfile(
  options: { lake: string; config?: string; from: string; to: string; period: string },
  out: Output = process.stdout,
): Promise<ProfileRebuildReport> {
  const from = timeOption(options.from, '--from');
  const to = timeOption(options.to, '--to');
  if (!(to > from)) throw new UsageError(`--to (${options.to}) must be after --from (${options.from})`);
  const periodMs = parsePeriod(options.period);
  const file = options.config ?? defaultProfilerConfig();
  const config = loadProfilerConfig(file);
  if (from % periodMs !== 0 || to % periodMs !== 0)
    process.stderr.write(
      `warning: --from/--to are not on ${options.period} period boundaries; the first and last periods are rebuilt from part of their events\n`,
    );
  const progress = progressLine();
  let report: ProfileRebuildReport;
  try {
    report = await rebuildProfiles(options.lake, {
      config,
      periodMs,
      from,
      to,
      onProgress: (n) => progress.update(`profiling: ${n.toLocaleString('en')} events…`),
    });
  } catch (e) {
    if (e instanceof ProfileCompileError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  } finally {
    progress.done();
  }
  out.write(
    `profiles: ${report.events.toLocaleString('en')} events from ${iso(from)} to ${iso(to)}, ` +
      `${report.measurements.toLocaleString('en')} measurements over ${report.periods} periods of ${options.period} ` +
      `(${config.profiles.length} profiles; periods from ${iso(report.replaced.from)} replaced, version ${report.version})\n`,
  );
  if (report.failures > 0) {
    out.write(`${report.failures.toLocaleString('en')} expression failures, first ones:\n`);
    for (const f of report.examples)
      out.write(
        `  profile '${f.profile}'${f.entity === undefined ? '' : ` entity '${f.entity}'`}, ${f.site}` +
          `${f.guid === undefined ? '' : ` (event ${f.guid})`}: ${f.message}\n`,
      );
  }
  return report;
}
