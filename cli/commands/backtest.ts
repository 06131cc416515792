import { UsageError } from '#core';
import { loadProfileCache } from '#lake';
import { ProfileCache } from '#stellar';
import { type AlertDiff, type BacktestReport, backtest, loadIntelStore } from '#streaming';
import { progressLine } from '../progress.js';
import { timeOption } from './sql.js';

/** Where reports go; stdout unless a caller (a test) collects them. */
type Output = { write(text: string): unknown };

export interface BacktestCommandOptions {
  lake: string;
  config: string;
  from: string;
  to: string;
  sensors?: string;
  show: string;
  json?: boolean;
}

const score = (v: number | undefined) => (v === undefined ? '-' : String(v));

function line(kind: string, d: AlertDiff): string {
  const when = new Date(d.timestamp).toISOString();
  return `  ${kind} ${d.sensor} ${d.guid} ${when} score ${score(d.before)} → ${score(d.after)}\n`;
}

/**
 * `palisade batch backtest`: replay the window's events through the current rules and print
 * how the alerts would differ from those that fired (or the whole report as JSON).
 */
export async function backtestCommand(
  options: BacktestCommandOptions,
  out: Output = process.stdout,
): Promise<BacktestReport> {
  const from = timeOption(options.from, '--from');
  const to = timeOption(options.to, '--to');
  if (!(to > from)) throw new UsageError(`--to (${options.to}) must be after --from (${options.from})`);
  const show = /^\d+$/.test(options.show) ? Number(options.show) : Number.NaN;
  if (!Number.isSafeInteger(show))
    throw new UsageError(`--show: expected a whole number, got '${options.show}'`);
  const sensors = options.sensors
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const intel = await loadIntelStore(options.lake);
  const profiles = new ProfileCache();
  await loadProfileCache(options.lake, profiles);
  const progress = progressLine();
  let report: BacktestReport;
  try {
    report = await backtest(options.lake, {
      configDir: options.config,
      from,
      to,
      intel,
      profiles,
      ...(sensors ? { sensors } : {}),
      onProgress: (n) => progress.update(`backtest: ${n.toLocaleString('en')} events…`),
    });
  } finally {
    progress.done();
  }
  if (options.json) {
    out.write(`${JSON.stringify(report)}\n`);
    return report;
  }
  const n = (x: number) => x.toLocaleString('en');
  out.write(
    `backtest: ${n(report.events)} events, ${n(report.alerts)} alerts with the current rules, ${n(report.fired)} fired; ` +
      `${n(report.added.length)} new, ${n(report.gone.length)} gone, ${n(report.changed.length)} score changed\n`,
  );
  if (report.skipped.length > 0) out.write(`no enrichment config, left out: ${report.skipped.join(', ')}\n`);
  for (const [kind, list] of [
    ['new', report.added],
    ['gone', report.gone],
    ['changed', report.changed],
  ] as const) {
    for (const d of list.slice(0, show)) out.write(line(kind, d));
    if (list.length > show) out.write(`  … and ${n(list.length - show)} more ${kind}\n`);
  }
  return report;
}
