import type { z } from 'zod';
import { type Event, type EventError, fail, ok, type Result } from '#core';

/** What a parser knows about where it runs. */
export interface ParserContext {
  /** The sensor name, written to `source.type`. */
  sensor: string;
  /** IANA zone for times that carry none (`--timezone`, the config's `deviceTimeZone`, else UTC). */
  timezone: string;
  /** The clock, epoch ms: for formats without a year, and records without a time. */
  now(): number;
}

/** A line of a multi-line record that failed, with its text (it goes to `errors` on its own). */
export interface LineError {
  error: EventError;
  line: string;
}

/** Some lines of a multi-line record gave events, others failed. */
export interface PartialResult {
  ok: true;
  value: Event[];
  failed: LineError[];
}

/** What a parser makes of one record. */
export type ParseResult = Result<Event[]> | PartialResult;

/**
 * Turns one raw record into zero or more events, or says why it could not. It must not throw.
 * A record of several lines may partly fail: each bad line is then its own error and the good
 * lines still give events (Metron's multi-line parsers did the same). A parser that keeps state
 * across records (Zeek TSV headers) resets it in `reset`, called at the start of each input stream.
 */
export interface ParseFn {
  (raw: string): ParseResult;
  reset?(): void;
}

/**
 * Parse each line of a multi-line record on its own (blank lines skipped when `skipBlank`). All
 * good → their events. One bad line and nothing else → that line's error. Otherwise a partial
 * result: the good lines' events and one error per bad line, named by line number, with its text.
 */
export function parseEachLine(
  lines: readonly string[],
  parseLine: (line: string) => Result<Event[]>,
  skipBlank = false,
): ParseResult {
  const events: Event[] = [];
  const failed: LineError[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (skipBlank && line.trim() === '') continue;
    const r = parseLine(line);
    if (r.ok) events.push(...r.value);
    else failed.push({ error: { ...r.error, message: `line ${i + 1}: ${r.error.message}` }, line });
  }
  if (failed.length === 0) return ok(events);
  if (events.length === 0 && failed.length === 1) return fail((failed[0] as LineError).error);
  return { ok: true, value: events, failed };
}

/**
 * A parser component: its config schema, the Metron classes it stands in for, and a factory
 * that validates once and returns the per-record function.
 */
export interface ParserComponent<C = unknown> {
  name: string;
  /** Metron `parserClassName` values this parser accepts unchanged. */
  metronClasses: readonly string[];
  /** Schema of `parserConfig`. */
  configSchema: z.ZodType<C>;
  build(config: C, ctx: ParserContext): ParseFn;
}

/** Erase the config type so components can sit in one list. */
export function defineParser<C>(component: ParserComponent<C>): ParserComponent {
  return component as ParserComponent;
}
