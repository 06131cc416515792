import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadIntel } from '#batch';
import { UsageError } from '#core';
import { openSql } from '#lake';
import { formatResult } from '../format.js';
import { packageRoot } from '../paths.js';
import { ingest } from './ingest.js';

const MARKER = '.palisade-demo';

/** The demo's top-talkers query: who sends the most, to how many peers, over which protocols. */
export const TOP_TALKERS = `SELECT ip_src_addr, count(*) AS events, count(DISTINCT ip_dst_addr) AS peers,
  string_agg(DISTINCT protocol, ',' ORDER BY protocol) AS protocols
FROM bro WHERE ip_src_addr IS NOT NULL GROUP BY ip_src_addr ORDER BY events DESC, ip_src_addr LIMIT 10`;

/** The demo's alert summary: which flagged destinations were contacted, from where, how often. */
export const ALERTS_BY_DESTINATION = `SELECT ip_dst_addr, enrichments.geo.ip_dst_addr.country AS country,
  count(*) AS alerts, count(DISTINCT ip_src_addr) AS sources
FROM alerts GROUP BY ALL ORDER BY alerts DESC, ip_dst_addr`;

/**
 * Ingest the bundled Bro samples into a fresh demo lake and query it. The lake is replaced
 * on each run, but only if it is empty or was made by an earlier demo.
 */
export async function demo(options: { lake: string }): Promise<void> {
  const root = packageRoot();
  const samples = join(root, 'config', 'samples', 'bro');
  const files = readdirSync(samples)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => join(samples, f));
  if (existsSync(options.lake) && readdirSync(options.lake).length > 0) {
    if (!existsSync(join(options.lake, MARKER))) {
      throw new UsageError(
        `${options.lake} is not empty and was not made by the demo; choose another --lake`,
      );
    }
    await rm(options.lake, { recursive: true, force: true });
  }
  await mkdir(options.lake, { recursive: true });
  await writeFile(join(options.lake, MARKER), 'made by palisade demo; replaced on every run\n');
  const indicators = join(root, 'config', 'samples', 'intel', 'demo-indicators.csv');
  const intel = await loadIntel({ lake: options.lake, files: [indicators], type: 'malicious_ip' });
  process.stdout.write(
    `Palisade demo: ${intel.added} threat-intel indicators loaded into table threatintel (palisade batch intel load)\n`,
  );
  process.stdout.write(`Ingesting ${files.length} Bro sample files into ${options.lake}\n\n`);
  const summary = await ingest({
    sensor: 'bro',
    lake: options.lake,
    configDir: join(root, 'config'),
    batchSize: 100_000,
    files,
    showErrors: 5,
  });
  process.stdout.write(
    `\nSummary: ${summary.events} events in table bro (enriched with geo and threat intel), ` +
      `${summary.alerts} alerts in table alerts, ${summary.errors} errors in table errors\n`,
  );
  const session = await openSql(options.lake);
  try {
    process.stdout.write(`\nTop talkers (palisade sql --lake ${options.lake} "…"):\n`);
    process.stdout.write(formatResult(await session.query(TOP_TALKERS), 'table'));
    process.stdout.write('\nAlerts by destination (threat-intel hits):\n');
    process.stdout.write(formatResult(await session.query(ALERTS_BY_DESTINATION), 'table'));
  } finally {
    session.close();
  }
  process.stdout.write(
    `\nTry: node dist/cli/main.js sql --lake ${options.lake} "SELECT protocol, count(*) FROM bro GROUP BY 1"\n`,
  );
}
