import { openSql } from '#lake';

/** Every row of a lake's `profiles` table, through lake SQL, in a total order. */
export async function profileRows(lake: string): Promise<Record<string, unknown>[]> {
  const s = await openSql(lake);
  try {
    return (
      await s.query(
        'SELECT profile, entity, groups, period_start, period_ms, value, value_num FROM profiles ORDER BY ALL',
      )
    ).rows;
  } finally {
    s.close();
  }
}
