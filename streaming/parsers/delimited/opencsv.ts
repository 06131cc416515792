/**
 * One CSV line split the way Metron's `CSVConverter` does it: opencsv 3.7's `CSVParser` with its
 * defaults (quote `"`, escape `\`, leading white space before a quote ignored, no strict quotes),
 * then every wanted column and its name trimmed with Java's `String.trim`.
 */

import { isJavaBlank, javaTrim } from './java-text.js';

const QUOTE = '"';
const ESCAPE = '\\';

/** Why opencsv refuses a separator: it must differ from the quote and escape characters. */
export function separatorProblem(separator: string): string | undefined {
  const c = separator[0];
  if (c === undefined) return 'the separator must be one character';
  if (c === QUOTE || c === ESCAPE) return `the separator cannot be ${c} (the quote and escape characters)`;
  if (c === '\0') return 'the separator cannot be NUL';
  return undefined;
}

/**
 * Splits lines into fields; made once per parser, reused for every line (not re-entrant).
 * `split` returns undefined when a quoted field is not closed (opencsv throws "Un-terminated
 * quoted field at end of CSV line"). Only the first character of `separator` counts, as in Metron.
 */
export class CsvSplitter {
  private readonly sep: string;
  private line = '';
  // The field so far is `field` plus the run line[from, to): most fields are one slice of the line.
  private field = '';
  private from = 0;
  private to = 0;

  constructor(separator: string) {
    this.sep = separator[0] ?? ',';
  }

  split(line: string): string[] | undefined {
    const sep = this.sep;
    const tokens: string[] = [];
    this.line = line;
    this.clear();
    let inQuotes = false;
    // opencsv's `inField`: inside a field's text, where an escape or doubled quote counts as quoted.
    let inField = false;
    const n = line.length;
    for (let i = 0; i < n; i++) {
      const c = line[i] as string;
      if (c === ESCAPE) {
        const next = line[i + 1];
        if ((inQuotes || inField) && (next === QUOTE || next === ESCAPE)) this.take(++i);
      } else if (c === QUOTE) {
        if ((inQuotes || inField) && line[i + 1] === QUOTE) this.take(++i);
        else {
          inQuotes = !inQuotes;
          // A quote inside a field's text (a,bc"d"ef,g) is kept, unless only spaces came before it.
          if (i > 2 && line[i - 1] !== sep && i + 1 < n && line[i + 1] !== sep) {
            const sofar = this.text();
            if (sofar.length > 0 && isJavaBlank(sofar)) this.clear();
            else this.take(i);
          }
        }
        inField = !inField;
      } else if (c === sep && !inQuotes) {
        tokens.push(this.text());
        this.clear();
        inField = false;
      } else {
        this.take(i);
        inField = true;
      }
    }
    const last = this.text();
    this.line = '';
    this.clear();
    if (inQuotes) return undefined;
    tokens.push(last);
    return tokens;
  }

  /** Append line[k] to the field. */
  private take(k: number): void {
    if (this.to === k && this.from < this.to) this.to++;
    else {
      if (this.from < this.to) this.field += this.line.slice(this.from, this.to);
      this.from = k;
      this.to = k + 1;
    }
  }

  private text(): string {
    return this.from < this.to ? this.field + this.line.slice(this.from, this.to) : this.field;
  }

  private clear(): void {
    this.field = '';
    this.from = 0;
    this.to = 0;
  }
}

/** Split one line with a fresh {@link CsvSplitter} (for tests and one-off use). */
export function splitCsvLine(line: string, separator: string): string[] | undefined {
  return new CsvSplitter(separator).split(line);
}

/**
 * Metron's column config: a name → index map, a list of names (`name` or `name:index`), or the
 * same list as one comma-separated string.
 */
export type ColumnsConfig = Record<string, number | string> | readonly string[] | string;

/**
 * Resolve a column config to [trimmed name, index] pairs, as `CSVConverter.getColumnMap` does
 * (a later duplicate name wins). Throws an Error describing the first bad entry.
 */
export function columnList(columns: ColumnsConfig): [string, number][] {
  const map = new Map<string, number>();
  const entry = (column: string, position: number) => {
    if (column.includes(':')) {
      const parts = column.split(':');
      const index = javaParseInt(parts[parts.length - 1] as string);
      if (index === undefined) throw new Error(`column '${column}': the part after ':' must be an integer`);
      map.set(parts[0] as string, index);
    } else {
      map.set(column, position);
    }
  };
  if (typeof columns === 'string') columns.split(',').forEach(entry);
  else if (Array.isArray(columns)) (columns as readonly string[]).forEach(entry);
  else {
    for (const [name, value] of Object.entries(columns as Record<string, number | string>)) {
      const index = javaParseInt(String(value));
      if (index === undefined)
        throw new Error(`column '${name}': index ${JSON.stringify(value)} is not an integer`);
      map.set(name, index);
    }
  }
  const out: [string, number][] = [];
  for (const [name, index] of map) {
    if (index < 0) throw new Error(`column '${name}': index ${index} is negative`);
    const trimmed = javaTrim(name);
    const at = out.findIndex((c) => c[0] === trimmed);
    if (at >= 0) out.splice(at, 1);
    out.push([trimmed, index]);
  }
  return out;
}

/** `Integer.parseInt`: optional sign and decimal digits within 32 bits. */
function javaParseInt(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/** Lines `CSVConverter` skips: blank, or starting with `#` once trimmed. */
export function isIgnoredLine(line: string): boolean {
  const t = javaTrim(line);
  return t.length === 0 || t.startsWith('#');
}
