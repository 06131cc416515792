import { UsageError } from '#core';
import { openSql } from '#lake';
import { type Format, formatResult } from '../format.js';

/** Parse `table=version` pins for time travel. */
export function parseVersions(pins: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pin of pins) {
    const m = /^([A-Za-z][\w-]*)=(\d+)$/.exec(pin);
    if (!m?.[1] || !m[2]) throw new UsageError(`--as-of expects TABLE=VERSION, got '${pin}'`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Run one query over the lake and print it. */
export async function sql(options: {
  lake: string;
  format: Format;
  query: string;
  asOf: string[];
}): Promise<void> {
  const session = await openSql(options.lake, { versions: parseVersions(options.asOf) });
  try {
    const result = await session.query(options.query);
    process.stdout.write(formatResult(result, options.format));
  } finally {
    session.close();
  }
}
