import type { SqlResult } from '#lake';

/** Output formats of `palisade sql`. */
export const FORMATS = ['table', 'json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

const MAX_CELL = 80;

function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Render a result: an aligned text table, one JSON object per line, or CSV with a header. */
export function formatResult(result: SqlResult, format: Format): string {
  switch (format) {
    case 'json':
      return result.rows.map((row) => JSON.stringify(row)).join('\n') + (result.rows.length ? '\n' : '');
    case 'csv':
      return `${[result.columns, ...result.rows.map((r) => result.columns.map((c) => r[c]))]
        .map((cells) => cells.map((v) => csvCell(v)).join(','))
        .join('\n')}\n`;
    case 'table':
      return table(result);
  }
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/;

function table(result: SqlResult): string {
  const cells = result.rows.map((row) =>
    result.columns.map((c) => {
      const text = cellText(row[c]).replace(/\s+/g, ' ');
      return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
    }),
  );
  const widths = result.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const right = result.types.map((t) => NUMERIC.test(t));
  const line = (parts: string[]) =>
    parts
      .map((p, i) => (right[i] ? p.padStart(widths[i] ?? 0) : p.padEnd(widths[i] ?? 0)))
      .join(' │ ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  const count = `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`;
  return `${[line(result.columns), rule, ...cells.map(line), count].join('\n')}\n`;
}
