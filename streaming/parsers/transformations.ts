import type { Event, FieldTransformation } from '#core';
import {
  compile,
  type Expression,
  fromJson,
  StellarError,
  standardFunctions,
  toJson,
  type Value,
} from '#stellar';

/**
 * Metron's field transformations (`fieldTransformations` of a sensor config), built once per
 * sensor and applied to each parsed event in order: STELLAR, REMOVE, SELECT, IP_PROTOCOL,
 * RENAME, REGEX_SELECT. Building checks every entry (unknown names, Stellar that does not
 * compile, bad regexes) and reports all problems at once.
 */

/** Applies one transformation to an event in place. Throws a StellarError when a rule fails. */
export type Transform = (event: Event, parserConfig: Readonly<Record<string, unknown>>) => void;

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** IANA protocol numbers → names, as Metron's IP_PROTOCOL transformation writes them. */
const IANA: Record<number, string> = {
  1: 'ICMP',
  2: 'IGMP',
  4: 'IP-in-IP',
  6: 'TCP',
  8: 'EGP',
  9: 'IGP',
  17: 'UDP',
  41: 'IPv6',
  43: 'IPv6-Route',
  44: 'IPv6-Frag',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'IPv6-ICMP',
  59: 'IPv6-NoNxt',
  60: 'IPv6-Opts',
  88: 'EIGRP',
  89: 'OSPF',
  103: 'PIM',
  112: 'VRRP',
  115: 'L2TP',
  132: 'SCTP',
  136: 'UDPLite',
};

/** Stellar sees the event's fields and, under them, the parser config's values (Metron's resolver). */
function variables(event: Event, parserConfig: Readonly<Record<string, unknown>>) {
  return (name: string): unknown => {
    if (Object.hasOwn(event, name)) return event[name];
    if (Object.hasOwn(parserConfig, name)) return parserConfig[name];
    return undefined;
  };
}

/** A Stellar value back into an event field (maps to objects, sets to lists). */
function toField(v: Value): Event[string] {
  return toJson(v) as Event[string];
}

/** Build the transformations of a sensor; `problems` collects what is wrong with them. */
export function buildTransformations(
  entries: readonly FieldTransformation[],
  problems: string[],
): Transform[] {
  const transforms: Transform[] = [];
  entries.forEach((entry, i) => {
    const where = `fieldTransformations[${i}] (${entry.transformation})`;
    const inputs = list(entry.input);
    const outputs = entry.output === undefined ? inputs : list(entry.output);
    const config = entry.config ?? {};
    switch (entry.transformation.toUpperCase()) {
      case 'STELLAR': {
        const order = outputs.length > 0 ? outputs : Object.keys(config);
        const rules: [string, Expression][] = [];
        for (const field of order) {
          const source = config[field];
          if (typeof source !== 'string') {
            problems.push(`${where}: config.${field} must be a Stellar expression (a string)`);
            continue;
          }
          try {
            rules.push([field, compile(source, { missing: 'null' })]);
          } catch (e) {
            if (!(e instanceof StellarError)) throw e;
            problems.push(`${where}: config.${field}: ${e.render()}`);
          }
        }
        transforms.push((event, parserConfig) => {
          const vars = variables(event, parserConfig);
          for (const [field, rule] of rules) {
            const value = rule.evaluate(vars);
            if (value === null) delete event[field];
            else event[field] = toField(value);
          }
        });
        break;
      }
      case 'REMOVE': {
        let condition: Expression | undefined;
        if (typeof config.condition === 'string') {
          try {
            condition = compile(config.condition, { mode: 'predicate', missing: 'null' });
          } catch (e) {
            if (!(e instanceof StellarError)) throw e;
            problems.push(`${where}: config.condition: ${e.render()}`);
          }
        }
        if (inputs.length === 0) problems.push(`${where}: needs input (the fields to remove)`);
        transforms.push((event, parserConfig) => {
          if (condition && condition.evaluate(variables(event, parserConfig)) !== true) return;
          for (const f of inputs) delete event[f];
        });
        break;
      }
      case 'SELECT': {
        if (outputs.length === 0) problems.push(`${where}: needs output (the fields to keep)`);
        const keep = new Set([...outputs, 'original_string', 'timestamp']);
        transforms.push((event) => {
          for (const f of Object.keys(event)) if (!keep.has(f)) delete event[f];
        });
        break;
      }
      case 'IP_PROTOCOL': {
        if (inputs.length === 0) problems.push(`${where}: needs input (the protocol number field)`);
        transforms.push((event) => {
          inputs.forEach((f, k) => {
            const v = event[f];
            const n =
              typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
            if (n === undefined) return;
            const name = IANA[n];
            if (name !== undefined) event[outputs[k] ?? f] = name;
          });
        });
        break;
      }
      case 'RENAME': {
        const pairs = Object.entries(config).filter((p): p is [string, string] => typeof p[1] === 'string');
        if (pairs.length !== Object.keys(config).length)
          problems.push(`${where}: config maps old names to new names (strings)`);
        transforms.push((event) => {
          for (const [from, to] of pairs) {
            if (!Object.hasOwn(event, from)) continue;
            event[to] = event[from];
            delete event[from];
          }
        });
        break;
      }
      case 'REGEX_SELECT': {
        const rules: [string, RegExp[]][] = [];
        for (const [label, patterns] of Object.entries(config)) {
          const sources = Array.isArray(patterns) ? patterns : [patterns];
          const compiled: RegExp[] = [];
          for (const p of sources) {
            try {
              compiled.push(new RegExp(String(p)));
            } catch (e) {
              problems.push(`${where}: config.${label}: invalid regex ${String(p)}: ${(e as Error).message}`);
            }
          }
          rules.push([label, compiled]);
        }
        const input = inputs[0];
        const output = outputs[0];
        if (!input || !output) problems.push(`${where}: needs one input and one output field`);
        transforms.push((event) => {
          const v = input === undefined ? undefined : event[input];
          if (typeof v !== 'string' || output === undefined) return;
          for (const [label, res] of rules) {
            if (res.some((re) => re.test(v))) {
              event[output] = label;
              return;
            }
          }
        });
        break;
      }
      default:
        problems.push(
          `${where}: unknown transformation '${entry.transformation}' (known: STELLAR, REMOVE, SELECT, IP_PROTOCOL, RENAME, REGEX_SELECT)`,
        );
    }
  });
  return transforms;
}

/** Metron's global `fieldValidations`, built once; each returns the failing field's name or undefined. */
export type Validation = (event: Event) => string | undefined;

/** The Stellar function behind each validation type, and how its config becomes arguments. */
const VALIDATORS: Record<string, { fn: string; args: (config: Record<string, unknown>) => Value[] }> = {
  IP: { fn: 'IS_IP', args: (c) => (c.type === undefined ? [] : [fromJson(c.type)]) },
  DOMAIN: { fn: 'IS_DOMAIN', args: () => [] },
  EMAIL: { fn: 'IS_EMAIL', args: () => [] },
  URL: { fn: 'IS_URL', args: () => [] },
  DATE: { fn: 'IS_DATE', args: (c) => [String(c.format ?? '')] },
  INTEGER: { fn: 'IS_INTEGER', args: () => [] },
  REGEX_MATCH: { fn: 'REGEXP_MATCH', args: (c) => [fromJson(c.pattern ?? '')] },
};

export function buildValidations(
  entries: readonly { input?: string | string[]; validation: string; config?: Record<string, unknown> }[],
  problems: string[],
): Validation[] {
  const functions = standardFunctions();
  const out: Validation[] = [];
  entries.forEach((entry, i) => {
    const where = `fieldValidations[${i}] (${entry.validation})`;
    const inputs = list(entry.input);
    const config = entry.config ?? {};
    const kind = entry.validation.toUpperCase();
    if (kind === 'NOT_EMPTY') {
      out.push((event) =>
        inputs.find((f) => event[f] === undefined || event[f] === null || String(event[f]).trim() === ''),
      );
      return;
    }
    if (kind === 'STELLAR') {
      if (typeof config.condition !== 'string') {
        problems.push(`${where}: config.condition must be a Stellar predicate`);
        return;
      }
      try {
        const rule = compile(config.condition, { mode: 'predicate', missing: 'null' });
        out.push((event) =>
          rule.evaluate(event as Record<string, unknown>) === true
            ? undefined
            : inputs.join(',') || 'condition',
        );
      } catch (e) {
        if (!(e instanceof StellarError)) throw e;
        problems.push(`${where}: config.condition: ${e.render()}`);
      }
      return;
    }
    const validator = VALIDATORS[kind];
    const def = validator ? functions.get(validator.fn) : undefined;
    if (!validator || !def?.call) {
      problems.push(
        `${where}: unknown validation (known: IP, DOMAIN, EMAIL, URL, DATE, INTEGER, REGEX_MATCH, NOT_EMPTY, STELLAR)`,
      );
      return;
    }
    const call = def.call;
    const extra = validator.args(config);
    const ctx = { now: () => Date.now(), globals: {} };
    out.push((event) =>
      inputs.find((f) => {
        const v = event[f];
        if (v === undefined || v === null) return false;
        return call([fromJson(v), ...extra], ctx) !== true;
      }),
    );
  });
  return out;
}
