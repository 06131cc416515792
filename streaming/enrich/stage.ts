import {
  ConfigError,
  type ConfigProblem,
  type Event,
  type EventError,
  type FieldValue,
  PalisadeError,
  type SensorEnrichmentConfig,
  triageConfigSchema,
} from '#core';
import type { ModelFunctions } from '#models';
import {
  bindHosts,
  bindProfilerClient,
  compile,
  type Expression,
  type FunctionRegistry,
  fromJson,
  type HostImplementation,
  isMap,
  type ProfileCache,
  StellarError,
  standardFunctions,
  toJavaString,
  toJson,
  type Value,
} from '#stellar';
import { buildTriage, type Triage } from '../triage.js';
import type { AsnDatabase } from './asn.js';
import type { ReverseDns } from './dns.js';
import type { GeoDatabase } from './geo.js';
import { geoGet } from './geo.js';
import { type IntelStore, markThreats } from './intel.js';

/**
 * Metron's enrichment and threat-intel stages for one sensor, from its enrichment config
 * (`enrichment.fieldMap`, `threatIntel.fieldMap`, `fieldToTypeMap`, `triageConfig`), run on
 * each parsed event in Metron's order: enrichment adapters (`geo`, `host`, `hbaseEnrichment`,
 * `stellar`), then threat-intel adapters (`hbaseThreatIntel`, `stellar`); the pipeline runs
 * the config's triage after scoring.
 *
 * - `geo`: `enrichments.geo.<field>.<locID|country|city|…>` from the geo database, and
 *   Palisade's `asn` and `asn_org` from the autonomous-system table when one is given.
 * - `dns` (Palisade's): `enrichments.dns.<field>.name`, the PTR name of the address, when the
 *   resolver answered in time; a lookup that answers later serves the next batches.
 * - `host`: `enrichments.host.<field>.known_info.<key>` from the global config's
 *   `enrichment.host.known_hosts` list (entries with an `ip`).
 * - `hbaseEnrichment`: for each type `fieldToTypeMap` gives the field,
 *   `enrichments.hbaseEnrichment.<field>.<type>.<key>` for each key of the stored value.
 * - `hbaseThreatIntel`: `threatintels.hbaseThreatIntel.<field>.<type> = "alert"` on a hit.
 * - `stellar`: `config` is a map of field → expression (the default group), of group name →
 *   map, or a list of `name := expression` statements; a group's assignments see the event and
 *   the group's earlier results, `_` is the whole event, a map result becomes dotted fields
 *   (`map.blah`) and a null result is no field. A group that fails adds none of its fields and
 *   gives an `enrichments_error` (`threatintel_error` on the threat-intel side); the event
 *   still goes on, as in Metron.
 *
 * ENRICHMENT_GET and ENRICHMENT_EXISTS read the same tables: the enrichment values table and
 * the threat-intel store, by the table names given in the sources.
 */

/** Stored enrichment values: type → indicator → value (Metron's HBase enrichment table). */
export class EnrichmentValues {
  private readonly byType = new Map<string, Map<string, Record<string, unknown>>>();

  set(type: string, indicator: string, value: Record<string, unknown>): void {
    let t = this.byType.get(type);
    if (t === undefined) {
      t = new Map();
      this.byType.set(type, t);
    }
    t.set(indicator, value);
  }

  get(type: string, indicator: string): Record<string, unknown> | undefined {
    return this.byType.get(type)?.get(indicator);
  }
}

export interface EnrichmentSources {
  geo?: GeoDatabase;
  /** Autonomous systems for the `geo` adapter's `asn` and `asn_org` fields. */
  asn?: AsnDatabase;
  /** Reverse DNS (the `dns` adapter), and how long a batch waits for its lookups (ms). */
  dns?: ReverseDns;
  dnsWaitMs?: number;
  /** Threat-intel indicators (`hbaseThreatIntel`, ENRICHMENT_EXISTS on the threat-intel table). */
  intel?: IntelStore;
  /** Enrichment values (`hbaseEnrichment`, ENRICHMENT_GET on the enrichment table). */
  values?: EnrichmentValues;
  /** Table names ENRICHMENT_GET/EXISTS use for the two (Metron's defaults `enrichment`, `threatintel`). */
  tables?: { enrichment?: string; threatIntel?: string };
  /** Metron's global config (`enrichment.host.known_hosts`, …). */
  globals?: Readonly<Record<string, unknown>>;
  /** Profile measurements for PROFILE_GET in enrichment and triage rules (from the `profiles` table). */
  profiles?: ProfileCache;
  /**
   * The lake's models for MODEL_SCORE, MAAS_GET_ENDPOINT and MAAS_MODEL_APPLY; the global
   * config's `maas.url` (Palisade's API base URL) makes MAAS_GET_ENDPOINT point at the HTTP API.
   */
  models?: ModelFunctions;
}

export interface Enricher {
  /**
   * Start the lookups a batch needs that go over the network (reverse DNS) and wait for them
   * a bounded time, so that {@link enrich} then reads them from memory.
   */
  prepare?(events: readonly Event[]): Promise<void>;
  /**
   * Enrich one event in place (enrichment adapters, then threat-intel adapters); returns the
   * failures. The event goes on regardless, as in Metron.
   */
  enrich(event: Event): EventError[];
  /** The sensor's threat triage (alert marking, and the `triageConfig` rules); run after scoring. */
  readonly triage: Triage;
}

type Side = 'enrichment' | 'threatIntel';

/** How long a batch waits for its reverse-DNS lookups by default: a slow resolver costs at most this. */
const DEFAULT_DNS_WAIT_MS = 100;

interface StellarGroup {
  name: string;
  assignments: { field: string; expression: Expression }[];
}

/** Build a sensor's enricher; throws a ConfigError listing every problem in its config. */
export function buildEnrichment(
  config: SensorEnrichmentConfig,
  file: string,
  sources: EnrichmentSources = {},
): Enricher {
  const problems: ConfigProblem[] = [];
  const enrichmentTable = sources.tables?.enrichment ?? 'enrichment';
  const threatTable = sources.tables?.threatIntel ?? 'threatintel';
  const functions = hostFunctions(sources, enrichmentTable, threatTable, file, problems);
  const knownHosts = hostTable(sources.globals?.['enrichment.host.known_hosts'], file, problems);

  const side = (name: Side) => {
    const fieldMap = config[name].fieldMap;
    const fieldsOf = (adapter: string): string[] => {
      const fields = fieldMap[adapter];
      if (fields === undefined) return [];
      if (Array.isArray(fields) && fields.every((f) => typeof f === 'string')) return fields;
      problems.push({ file, path: `${name}.fieldMap.${adapter}`, message: 'expected a list of field names' });
      return [];
    };
    for (const adapter of Object.keys(fieldMap)) {
      if (!['geo', 'dns', 'host', 'hbaseEnrichment', 'hbaseThreatIntel', 'stellar'].includes(adapter)) {
        problems.push({
          file,
          path: `${name}.fieldMap.${adapter}`,
          message: `unknown adapter '${adapter}' (geo, dns, host, hbaseEnrichment, hbaseThreatIntel, stellar)`,
        });
      }
    }
    return {
      geo: fieldsOf('geo'),
      dns: fieldsOf('dns'),
      host: fieldsOf('host'),
      values: fieldsOf('hbaseEnrichment'),
      threats: fieldsOf('hbaseThreatIntel'),
      stellar: stellarGroups(fieldMap.stellar, `${name}.fieldMap.stellar`, file, functions, problems),
      types: config[name].fieldToTypeMap,
    };
  };
  const enrichment = side('enrichment');
  const threatIntel = side('threatIntel');
  if (enrichment.geo.length > 0 && sources.geo === undefined)
    problems.push({ file, path: 'enrichment.fieldMap.geo', message: 'geo enrichment needs a geo database' });
  const dnsFields = [...enrichment.dns, ...threatIntel.dns];
  if (dnsFields.length > 0 && sources.dns === undefined)
    problems.push({ file, path: 'enrichment.fieldMap.dns', message: 'dns enrichment needs a resolver' });
  if ((enrichment.threats.length > 0 || threatIntel.threats.length > 0) && sources.intel === undefined)
    problems.push({
      file,
      path: 'threatIntel.fieldMap.hbaseThreatIntel',
      message: 'needs a threat-intel store',
    });
  let triage: Triage | undefined;
  try {
    // Without a triageConfig there are no rules to score by, but an event with threat-intel
    // hits is still an alert, as Metron's threat-intel join marks it.
    triage = buildTriage(config.threatIntel.triageConfig ?? triageConfigSchema.parse({}), file, functions);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...e.problems);
  }
  if (problems.length > 0 || triage === undefined) throw new ConfigError(problems);

  const runSide = (s: typeof enrichment, name: Side, event: Event, errors: EventError[]) => {
    for (const field of s.geo) {
      const value = event[field];
      if (typeof value !== 'string') continue;
      const found = sources.geo?.lookup(value);
      if (found) for (const [k, v] of Object.entries(found)) event[`enrichments.geo.${field}.${k}`] = v;
      const as = sources.asn?.lookup(value);
      if (as) {
        event[`enrichments.geo.${field}.asn`] = as.asn;
        if (as.asn_org !== '') event[`enrichments.geo.${field}.asn_org`] = as.asn_org;
      }
    }
    for (const field of s.dns) {
      const value = event[field];
      const name = typeof value === 'string' ? sources.dns?.cached(value) : undefined;
      if (typeof name === 'string') event[`enrichments.dns.${field}.name`] = name;
    }
    for (const field of s.host) {
      const value = event[field];
      const info = typeof value === 'string' ? knownHosts.get(value) : undefined;
      if (info)
        for (const [k, v] of Object.entries(info)) event[`enrichments.host.${field}.known_info.${k}`] = v;
    }
    for (const field of s.values) {
      const value = event[field];
      if (typeof value !== 'string') continue;
      for (const type of s.types[field] ?? []) {
        const stored = sources.values?.get(type, value);
        if (stored)
          for (const [k, v] of Object.entries(stored))
            event[`enrichments.hbaseEnrichment.${field}.${type}.${k}`] = v as FieldValue;
      }
    }
    if (s.threats.length > 0 && sources.intel)
      markThreats(event, sources.intel, 'hbaseThreatIntel', s.threats, s.types);
    for (const group of s.stellar) {
      const problem = runGroup(group, event);
      if (problem !== undefined) {
        errors.push({
          stage: name === 'enrichment' ? 'enrichments_error' : 'threatintel_error',
          code: 'stellar',
          message: `stellar group '${group.name}' failed: ${problem}`,
        });
      }
    }
  };

  const dns = sources.dns;
  const prepare =
    dns && dnsFields.length > 0
      ? async (events: readonly Event[]) => {
          const ips = new Set<string>();
          for (const event of events)
            for (const field of dnsFields) {
              const value = event[field];
              if (typeof value === 'string') ips.add(value);
            }
          await dns.prefetch(ips, { waitMs: sources.dnsWaitMs ?? DEFAULT_DNS_WAIT_MS });
        }
      : undefined;

  return {
    ...(prepare ? { prepare } : {}),
    enrich(event) {
      const errors: EventError[] = [];
      runSide(enrichment, 'enrichment', event, errors);
      runSide(threatIntel, 'threatIntel', event, errors);
      return errors;
    },
    triage,
  };
}

/** Run one group; its results land only when all of it succeeds. */
function runGroup(group: StellarGroup, event: Event): string | undefined {
  const results = new Map<string, Value>();
  const variables = (name: string): unknown => {
    if (results.has(name)) return results.get(name);
    if (name === '_') return fromJson(event);
    return name in event ? fromJson(event[name]) : undefined;
  };
  try {
    for (const { field, expression } of group.assignments) results.set(field, expression.evaluate(variables));
  } catch (e) {
    return (e as Error).message;
  }
  for (const [field, value] of results) {
    if (value === null || value === undefined) continue;
    if (isMap(value)) {
      for (const [k, v] of value) event[`${field}.${toJavaString(k)}`] = toJson(v) as FieldValue;
    } else event[field] = toJson(value) as FieldValue;
  }
  return undefined;
}

/** The stellar adapter's config as groups: default (top-level expressions), named maps, or a statement list. */
function stellarGroups(
  spec: unknown,
  path: string,
  file: string,
  functions: FunctionRegistry,
  problems: ConfigProblem[],
): StellarGroup[] {
  if (spec === undefined) return [];
  const config = (spec as { config?: unknown }).config;
  const groups: StellarGroup[] = [];
  const compileOne = (field: string, source: string, at: string) => {
    try {
      return { field, expression: compile(source, { functions, missing: 'null' }) };
    } catch (e) {
      if (!(e instanceof StellarError)) throw e;
      problems.push({ file, path: at, message: e.render() });
      return undefined;
    }
  };
  const fromStatements = (name: string, list: unknown[], at: string): StellarGroup => {
    const assignments: StellarGroup['assignments'] = [];
    list.forEach((item, i) => {
      const m = typeof item === 'string' ? /^\s*([^\s:=]+)\s*:=\s*([\s\S]+)$/.exec(item) : null;
      if (!m) {
        problems.push({ file, path: `${at}[${i}]`, message: "expected a statement 'name := expression'" });
        return;
      }
      const a = compileOne(m[1] as string, m[2] as string, `${at}[${i}]`);
      if (a) assignments.push(a);
    });
    return { name, assignments };
  };
  const fromMap = (name: string, map: Record<string, unknown>, at: string): StellarGroup => {
    const assignments: StellarGroup['assignments'] = [];
    for (const [field, source] of Object.entries(map)) {
      if (typeof source !== 'string') {
        problems.push({ file, path: `${at}.${field}`, message: 'expected a Stellar expression' });
        continue;
      }
      const a = compileOne(field, source, `${at}.${field}`);
      if (a) assignments.push(a);
    }
    return { name, assignments };
  };
  if (Array.isArray(config)) return [fromStatements('', config, `${path}.config`)];
  if (typeof config !== 'object' || config === null) {
    problems.push({ file, path: `${path}.config`, message: 'expected a map or a list of statements' });
    return [];
  }
  const loose: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === 'string') loose[key] = value;
    else if (Array.isArray(value)) groups.push(fromStatements(key, value, `${path}.config.${key}`));
    else if (typeof value === 'object' && value !== null)
      groups.push(fromMap(key, value as Record<string, unknown>, `${path}.config.${key}`));
    else
      problems.push({
        file,
        path: `${path}.config.${key}`,
        message: 'expected an expression, a map or a list',
      });
  }
  if (Object.keys(loose).length > 0) groups.unshift(fromMap('', loose, `${path}.config`));
  return groups;
}

/** Metron's known-hosts list (`enrichment.host.known_hosts`) by IP. */
function hostTable(
  list: unknown,
  file: string,
  problems: ConfigProblem[],
): Map<string, Record<string, FieldValue>> {
  const table = new Map<string, Record<string, FieldValue>>();
  if (list === undefined) return table;
  const entries = typeof list === 'string' ? safeJson(list) : list;
  if (!Array.isArray(entries)) {
    problems.push({
      file,
      path: 'enrichment.host.known_hosts',
      message: 'expected a list of hosts with an ip',
    });
    return table;
  }
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null || typeof (entry as { ip?: unknown }).ip !== 'string')
      continue;
    const { ip, ...info } = entry as Record<string, FieldValue>;
    table.set(ip as string, info);
  }
  return table;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Arguments as Java strings, null as ''. */
const texts = (args: readonly Value[]): string[] =>
  args.map((a) => (a === null || a === undefined ? '' : toJavaString(a)));

/**
 * The Stellar library with GEO_GET, ENRICHMENT_GET, ENRICHMENT_EXISTS, the profiler client and
 * the model functions bound to the sources.
 */
function hostFunctions(
  sources: EnrichmentSources,
  enrichmentTable: string,
  threatTable: string,
  file: string,
  problems: ConfigProblem[],
): FunctionRegistry {
  const hosts: Record<string, HostImplementation> = {
    ENRICHMENT_GET: (args) => {
      const [type = '', indicator = '', table = ''] = texts(args);
      if (table !== enrichmentTable) return new Map();
      const stored = sources.values?.get(type, indicator);
      return stored === undefined ? new Map() : fromJson(stored);
    },
    ENRICHMENT_EXISTS: (args) => {
      const [type = '', indicator = '', table = ''] = texts(args);
      if (table === threatTable) return sources.intel?.has(type, indicator) ?? false;
      if (table === enrichmentTable) return sources.values?.get(type, indicator) !== undefined;
      return false;
    },
  };
  if (sources.geo) hosts.GEO_GET = geoGet(sources.geo);
  if (sources.models) Object.assign(hosts, modelHosts(sources.models, sources.globals, file, problems));
  const bound = bindHosts(standardFunctions(), hosts);
  return sources.profiles ? bindProfilerClient(bound, sources.profiles) : bound;
}

/** MODEL_SCORE and Metron's MAAS_* functions, with MAAS_GET_ENDPOINT's urls on `maas.url` when set. */
function modelHosts(
  models: ModelFunctions,
  globals: Readonly<Record<string, unknown>> | undefined,
  file: string,
  problems: ConfigProblem[],
): Record<string, HostImplementation> {
  const url = globals?.['maas.url'];
  if (url === undefined || url === null || url === '') return models.hostFunctions(undefined);
  if (typeof url !== 'string') {
    problems.push({
      file,
      path: 'maas.url',
      message: "expected Palisade's API base URL, e.g. http://127.0.0.1:8080",
    });
    return models.hostFunctions(undefined);
  }
  try {
    return models.hostFunctions(url);
  } catch (e) {
    if (!(e instanceof PalisadeError)) throw e;
    problems.push({ file, path: 'maas.url', message: `${e.message} (global.json: Palisade's API base URL)` });
    return models.hostFunctions(undefined);
  }
}
