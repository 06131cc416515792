import type { z } from 'zod';
import type { Event, Result } from '#core';

/** What a parser knows about where it runs. */
export interface ParserContext {
  /** The sensor name, written to `source.type`. */
  sensor: string;
  /** IANA zone for times that carry none (`--timezone`, the config's `deviceTimeZone`, else UTC). */
  timezone: string;
  /** The clock, epoch ms: for formats without a year, and records without a time. */
  now(): number;
}

/**
 * Turns one raw record into zero or more events, or says why it could not. It must not throw.
 * A parser that keeps state across records (Zeek TSV headers) resets it in `reset`, called at
 * the start of each input stream.
 */
export interface ParseFn {
  (raw: string): Result<Event[]>;
  reset?(): void;
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
