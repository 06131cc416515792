import { type Event, fail, ok, type Result } from '#core';
import type { Lexemes } from '../json-lexemes.js';
import { broRecord } from './bro.js';

/**
 * Zeek's ASCII (TSV) logs, read line by line: `#` header lines set the separators, the log's
 * path, its field names and types; each data line after `#fields`/`#types` becomes the JSON
 * object Zeek's JSON writer would have written for the same record (`{"<path>": {...}}`) and
 * goes through the Bro JSON path, so both forms of a log give the same event.
 */

/** How a Zeek type is written as JSON. */
type Kind = 'integer' | 'double' | 'bool' | 'string';

interface Column {
  name: string;
  kind: Kind;
  /** `set[...]` or `vector[...]`: a list of `kind`. */
  list: boolean;
}

const INTEGER = /^-?\d+$/;
const DOUBLE = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_RUN = /(?:\\x[0-9a-fA-F]{2})+/g;
const LIST_TYPE = /^(?:set|vector)\[(.+)\]$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function kindOf(type: string): Kind {
  switch (type) {
    case 'count':
    case 'int':
    case 'port':
      return 'integer';
    case 'double':
    case 'interval':
    case 'time':
      return 'double';
    case 'bool':
      return 'bool';
    default:
      // string, addr, subnet, enum, pattern and anything newer are written as JSON strings.
      return 'string';
  }
}

/**
 * Undo Zeek's `\xHH` escapes. A run of escaped bytes that is valid UTF-8 becomes its text; bytes
 * that are not stay as `\xHH`, which is how Zeek's JSON writer shows them.
 */
export function zeekUnescape(text: string): string {
  if (!text.includes('\\x')) return text;
  return text.replace(HEX_RUN, (run) => {
    const bytes = new Uint8Array(run.length / 4);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(run.slice(i * 4 + 2, i * 4 + 4), 16);
    try {
      return UTF8.decode(bytes);
    } catch {
      let out = '';
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i] as number;
        out += b < 0x80 ? String.fromCharCode(b) : run.slice(i * 4, i * 4 + 4);
      }
      return out;
    }
  });
}

function bad(code: string, message: string, field?: string): Result<Event[]> {
  return fail({ stage: 'parser_error', code, message, ...(field ? { field } : {}) });
}

const NO_EVENTS: Result<Event[]> = ok([]);

/** The header state of one Zeek TSV stream. */
export class ZeekTsv {
  private separator = '\t';
  private setSeparator = ',';
  private emptyField = '(empty)';
  private unsetField = '-';
  private path: string | undefined;
  private fields: string[] | undefined;
  private columns: Column[] | undefined;

  /** Forget every header: a new stream (file) starts. */
  reset(): void {
    this.separator = '\t';
    this.setSeparator = ',';
    this.emptyField = '(empty)';
    this.unsetField = '-';
    this.path = undefined;
    this.fields = undefined;
    this.columns = undefined;
  }

  /** Whether `#fields` and `#types` have been read, so data lines are TSV records. */
  get active(): boolean {
    return this.columns !== undefined;
  }

  /** How many values a record has. */
  get width(): number {
    return this.columns?.length ?? 0;
  }

  /** A `#` line: take what it says; it gives no event. */
  header(line: string): Result<Event[]> {
    // `#separator \x09` is the one header whose value follows a space: the separator is not known yet.
    const sep = /^#separator[ \t](.*)$/.exec(line);
    if (sep) {
      const value = zeekUnescape(sep[1] as string);
      if (value === '') return bad('bro.tsv.header', '#separator names no separator');
      // A separator line opens a new header block (Zeek starts every file with it).
      this.reset();
      this.separator = value;
      return NO_EVENTS;
    }
    const at = line.indexOf(this.separator);
    const name = at < 0 ? line.slice(1) : line.slice(1, at);
    const rest = at < 0 ? '' : line.slice(at + this.separator.length);
    switch (name) {
      case 'set_separator':
        if (rest === '') return bad('bro.tsv.header', '#set_separator names no separator');
        this.setSeparator = zeekUnescape(rest);
        return NO_EVENTS;
      case 'empty_field':
        this.emptyField = zeekUnescape(rest);
        return NO_EVENTS;
      case 'unset_field':
        this.unsetField = zeekUnescape(rest);
        return NO_EVENTS;
      case 'path':
        if (rest === '') return bad('bro.tsv.header', '#path names no log');
        this.path = zeekUnescape(rest);
        return NO_EVENTS;
      case 'fields':
        this.fields = rest.split(this.separator).map(zeekUnescape);
        this.columns = undefined;
        return NO_EVENTS;
      case 'types':
        return this.readTypes(rest.split(this.separator).map(zeekUnescape));
      case 'close':
        this.reset();
        return NO_EVENTS;
      default:
        // #open and any comment: nothing to keep.
        return NO_EVENTS;
    }
  }

  private readTypes(types: string[]): Result<Event[]> {
    const fields = this.fields;
    if (!fields) return bad('bro.tsv.header', '#types before #fields');
    if (types.length !== fields.length) {
      return bad('bro.tsv.header', `#types lists ${types.length} types for ${fields.length} #fields`);
    }
    this.columns = fields.map((name, i) => {
      const type = types[i] as string;
      const inner = LIST_TYPE.exec(type);
      return { name, kind: kindOf(inner ? (inner[1] as string) : type), list: inner !== null };
    });
    return NO_EVENTS;
  }

  /** The raw values of a data line. */
  cells(line: string): string[] {
    return line.split(this.separator);
  }

  /** One data line, split by {@link cells}, as the event its Zeek JSON form gives. */
  record(cells: readonly string[]): Result<Event[]> {
    const columns = this.columns;
    if (!columns) {
      return bad('bro.tsv.header', 'a Zeek TSV record before its #fields and #types headers');
    }
    if (this.path === undefined) return bad('bro.tsv.header', 'no #path header: the log type is unknown');
    if (cells.length !== columns.length) {
      return bad('bro.tsv.columns', `${cells.length} values for ${columns.length} #fields`);
    }
    const payload: Record<string, unknown> = {};
    const state: { lexemes: Lexemes | undefined } = { lexemes: undefined };
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i] as Column;
      const cell = cells[i] as string;
      if (cell === this.unsetField) continue;
      if (column.list) {
        const list: unknown[] = [];
        if (cell !== this.emptyField) {
          for (const element of cell.split(this.setSeparator)) {
            if (element === this.unsetField) {
              list.push(null);
              continue;
            }
            const v = this.scalar(column.kind, element, list, String(list.length), state);
            if (v === undefined) return badValue(column, element);
            list.push(v);
          }
        }
        payload[column.name] = list;
      } else {
        const v = this.scalar(column.kind, cell, payload, column.name, state);
        if (v === undefined) return badValue(column, cell);
        payload[column.name] = v;
      }
    }
    return broRecord({ [this.path]: payload }, state.lexemes);
  }

  /**
   * One value as Zeek's JSON writer types it, or undefined when it cannot be read. A double
   * with an integral value is remembered as written `N.0`, as it would be in Zeek's JSON.
   */
  private scalar(
    kind: Kind,
    cell: string,
    holder: object,
    key: string,
    state: { lexemes: Lexemes | undefined },
  ): string | number | boolean | undefined {
    switch (kind) {
      case 'string':
        return cell === this.emptyField ? '' : zeekUnescape(cell);
      case 'integer':
        return INTEGER.test(cell) ? Number(cell) : undefined;
      case 'bool':
        return cell === 'T' ? true : cell === 'F' ? false : undefined;
      case 'double': {
        if (!DOUBLE.test(cell)) return undefined;
        const n = Number(cell);
        if (!Number.isFinite(n)) return undefined;
        if (Number.isInteger(n)) {
          state.lexemes ??= new WeakMap();
          let held = state.lexemes.get(holder);
          if (!held) {
            held = new Map();
            state.lexemes.set(holder, held);
          }
          held.set(key, `${String(n)}.0`);
        }
        return n;
      }
    }
  }
}

function badValue(column: Column, cell: string): Result<Event[]> {
  const what = { integer: 'an integer', double: 'a number', bool: 'T or F', string: 'a string' }[column.kind];
  return bad('bro.tsv.value', `${column.name}: ${JSON.stringify(cell)} is not ${what}`, column.name);
}
