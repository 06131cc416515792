import { randomUUID } from 'node:crypto';
import {
  ConfigError,
  type ConfigProblem,
  communityIdOf,
  type Event,
  type EventError,
  Fields,
  type GlobalConfig,
  protocolNumber,
  type SensorParserConfig,
  validateConfig,
} from '#core';
import { compile, type Expression, StellarError } from '#stellar';
import type { ParseFn, ParseResult } from './parser.js';
import { findParser } from './registry.js';
import { buildTransformations, buildValidations } from './transformations.js';

/**
 * A sensor's whole parse stage, as Metron's parser runner does it for each raw record:
 * size check → decode → parser → per event: `source.type`, field transformations, `guid`,
 * `original_string`, the STELLAR filter, the timestamp check, the global field validations,
 * then Palisade's `community_id`. Built once per sensor (every config problem reported at
 * once); `parse` never throws: what fails comes back as errors to route to the `errors` table.
 */

export interface SensorOptions {
  /** Zone for times without one: `--timezone`, else the config's `deviceTimeZone`, else UTC. */
  timezone?: string;
  /** The clock, epoch ms (`--now` fixes it for tests). */
  now?: () => number;
  /** Records longer than this many bytes go to `errors` unparsed (default 1 MiB). */
  maxRecordBytes?: number;
  /** Metron's global config (field validations). */
  globals?: GlobalConfig;
}

/** What one raw record became. */
export interface ParsedRecord {
  events: Event[];
  errors: EventError[];
  /** Events the sensor's filter dropped on purpose. */
  filtered: number;
}

export interface SensorParser {
  readonly sensor: string;
  parse(raw: Buffer): ParsedRecord;
  /** A new input stream starts (a new file): stateful parsers forget headers. */
  reset(): void;
}

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

/** Transports of application logs whose sensor names the application, not the transport (Zeek http, ssl…). */
const TCP_APPLICATIONS = new Set([
  'http',
  'ssl',
  'ssh',
  'smtp',
  'ftp',
  'irc',
  'rdp',
  'mysql',
  'pop3',
  'imap',
  'rfb',
  'smb_files',
  'smb_mapping',
  'ntlm',
  'kerberos_tcp',
]);

/** Build a sensor's parse stage; throws a ConfigError listing every problem. */
export function buildSensor(
  sensor: string,
  file: string,
  config: SensorParserConfig,
  options: SensorOptions = {},
): SensorParser {
  const problems: string[] = [];
  const configProblems: ConfigProblem[] = [];
  const component = findParser(config, file);
  const parserConfig = config.parserConfig as Record<string, unknown>;
  const deviceZone =
    typeof parserConfig.deviceTimeZone === 'string' ? parserConfig.deviceTimeZone : undefined;
  const timezone = options.timezone ?? deviceZone ?? 'UTC';
  if (!isZone(timezone))
    problems.push(
      `unknown time zone '${timezone}' (use an IANA name such as Europe/Amsterdam, or UTC±hh:mm)`,
    );
  const now = options.now ?? Date.now;
  let parse: ParseFn | undefined;
  try {
    const validated = validateConfig(component.configSchema, config.parserConfig, `${file} (parserConfig)`);
    parse = component.build(validated, { sensor, timezone, now });
  } catch (e) {
    if (e instanceof ConfigError) configProblems.push(...e.problems);
    else problems.push(`parserConfig: ${(e as Error).message}`);
  }
  const transforms = buildTransformations(config.fieldTransformations, problems);
  const validations = buildValidations(options.globals?.fieldValidations ?? [], problems);
  const filter = buildFilter(config, parserConfig, problems);
  if (problems.length > 0 || configProblems.length > 0 || !parse) {
    throw new ConfigError([...configProblems, ...problems.map((message) => ({ file, path: '', message }))]);
  }
  const parseRecord = parse;
  const maxBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const latin1 = /^(iso-8859-1|latin1|iso8859_1)$/i.test(String(parserConfig.readCharset ?? ''));

  return {
    sensor,
    reset: () => parseRecord.reset?.(),
    parse(raw) {
      const out: ParsedRecord = { events: [], errors: [], filtered: 0 };
      if (raw.length > maxBytes) {
        out.errors.push({
          stage: 'parser_error',
          code: 'record.size',
          message: `record of ${raw.length} bytes is over the ${maxBytes}-byte limit`,
        });
        return out;
      }
      const text = raw.toString(latin1 ? 'latin1' : 'utf8');
      let parsed: ParseResult;
      try {
        parsed = parseRecord(text);
      } catch (e) {
        // A parser must not throw; if one does, the record is an error, never a crash.
        out.errors.push({
          stage: 'parser_error',
          code: 'parser.crash',
          message: `parser failed: ${(e as Error).message}`,
        });
        return out;
      }
      if (!parsed.ok) {
        out.errors.push(parsed.error);
        return out;
      }
      if ('failed' in parsed) {
        // Lines of a multi-line record that failed: each goes to errors with its own bytes.
        for (const { error, line } of parsed.failed) {
          out.errors.push({ ...error, raw: Buffer.from(line, latin1 ? 'latin1' : 'utf8') });
        }
      }
      for (const event of parsed.value) {
        const problem = finish(event, text);
        if (problem === 'filtered') out.filtered++;
        else if (problem) out.errors.push(problem);
        else out.events.push(event);
      }
      return out;
    },
  };

  function finish(event: Event, text: string): EventError | 'filtered' | undefined {
    event[Fields.sourceType] = sensor;
    try {
      for (const t of transforms) t(event, parserConfig);
    } catch (e) {
      const message = e instanceof StellarError ? e.message : (e as Error).message;
      return {
        stage: 'parser_error',
        code: 'transformation',
        message: `field transformation failed: ${message}`,
      };
    }
    // Every record names its sensor, even after a SELECT that did not list it.
    if (transforms.length > 0) event[Fields.sourceType] = sensor;
    if (typeof event.guid !== 'string') event.guid = randomUUID();
    if (typeof event.original_string !== 'string') event.original_string = text;
    if (filter) {
      try {
        if (filter.evaluate(event as Record<string, unknown>) !== true) return 'filtered';
      } catch (e) {
        return { stage: 'parser_error', code: 'filter', message: `filter failed: ${(e as Error).message}` };
      }
    }
    const ts = event.timestamp;
    if (typeof ts !== 'number' || !Number.isFinite(ts)) {
      return {
        stage: 'parser_invalid',
        code: 'event.timestamp',
        message: 'event has no numeric timestamp',
        field: 'timestamp',
      };
    }
    for (const v of validations) {
      const field = v(event);
      if (field !== undefined) {
        return {
          stage: 'parser_invalid',
          code: 'field.validation',
          message: `field ${field} failed validation`,
          field,
        };
      }
    }
    addCommunityId(event);
    return undefined;
  }
}

/** Metron's `filterClassName: STELLAR` with `parserConfig."filter.query"`: keep events where it is true. */
function buildFilter(
  config: SensorParserConfig,
  parserConfig: Record<string, unknown>,
  problems: string[],
): Expression | undefined {
  if (config.filterClassName === undefined) return undefined;
  if (config.filterClassName.toUpperCase() !== 'STELLAR') {
    problems.push(`filterClassName '${config.filterClassName}': only STELLAR filters are supported`);
    return undefined;
  }
  const query = parserConfig['filter.query'];
  if (typeof query !== 'string') {
    problems.push('filterClassName STELLAR needs parserConfig."filter.query" (a Stellar predicate)');
    return undefined;
  }
  try {
    return compile(query, { mode: 'predicate', missing: 'null' });
  } catch (e) {
    if (!(e instanceof StellarError)) throw e;
    problems.push(`parserConfig."filter.query": ${e.render()}`);
    return undefined;
  }
}

/** `community_id` for an event with a 5-tuple whose transport is known, unless the sensor gave one. */
export function addCommunityId(event: Event): void {
  if (typeof event.community_id === 'string') return;
  const src = event.ip_src_addr;
  const dst = event.ip_dst_addr;
  if (typeof src !== 'string' || typeof dst !== 'string') return;
  const proto =
    protocolNumber(event.proto) ??
    protocolNumber(event.protocol) ??
    protocolNumber(event.transport) ??
    (typeof event.protocol === 'string' && TCP_APPLICATIONS.has(event.protocol.toLowerCase())
      ? 6
      : undefined);
  if (proto === undefined) return;
  const id = communityIdOf(src, dst, proto, portOf(event.ip_src_port), portOf(event.ip_dst_port));
  if (id !== undefined) event.community_id = id;
}

/** A port given as a number or as digits. */
function portOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** An IANA zone, or a Java-style fixed offset (`UTC-05:00`, `GMT+1`) as Metron's configs write them. */
function isZone(zone: string): boolean {
  if (/^(UTC|GMT)([+-]\d{1,2}(:?\d{2})?)?$/.test(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
