import { UsageError } from '#core';
import { readStixPattern, STIX_HASHES, STIX_METRON_TYPES, stixHashName } from './stix-pattern.js';

/**
 * Indicators from a STIX 2.1 bundle: `indicator` objects whose pattern is STIX patterning
 * (see `stix-pattern.ts` for the part that is read), and cyber-observable objects in the bundle
 * itself (`ipv4-addr`, `ipv6-addr`, `domain-name`, `url`, `email-addr` by their value, `file`
 * by its MD5/SHA-1/SHA-256/SHA-512 hashes). Of several versions of an indicator (same id) the
 * latest `modified` counts; a revoked one is counted and left out. Whatever is not read is
 * reported with the object's id.
 */

/** One indicator read from a bundle. */
export interface StixIndicator {
  /** Metron threat-intel type: the default for its STIX object type, or the one asked for. */
  type: string;
  /** The value as the bundle gives it. */
  indicator: string;
  /** The id of the `indicator` or observable object it came from. */
  stixId: string | null;
  /** Epoch ms of the indicator's `valid_until`; null when it has none. */
  validUntil: number | null;
}

/** What was read from a bundle. */
export interface StixRead {
  /** The bundle's own id, when it has one. */
  bundleId: string | undefined;
  indicators: StixIndicator[];
  /** Objects, or parts of patterns, not read: the object's id (or its place) and why. */
  skipped: { id: string; reason: string }[];
  /** Revoked indicators left out. */
  revoked: number;
}

export interface StixOptions {
  /** Every indicator gets this Metron type instead of the default for its STIX type. */
  type?: string;
}

type StixObject = Record<string, unknown>;

const isObject = (v: unknown): v is StixObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Read a STIX bundle's indicators from its JSON text; `file` names it in errors. Text that is
 * not JSON, or JSON that is not a bundle, is bad input (UsageError).
 *
 * @example
 * readStixBundle(readFileSync('feed.json', 'utf8'), 'feed.json').indicators
 * // [{ type: 'malicious_ip', indicator: '198.51.100.1', stixId: 'indicator--…', validUntil: null }]
 */
export function readStixBundle(text: string, file: string, options: StixOptions = {}): StixRead {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!isObject(json) || json.type !== 'bundle') {
    const what = isObject(json)
      ? typeof json.type === 'string'
        ? `a JSON object of type '${json.type}'`
        : 'a JSON object without a type'
      : 'JSON that is not an object';
    throw new UsageError(`${file}: not a STIX bundle ({"type": "bundle", "objects": [...]}): it is ${what}`);
  }
  if (json.objects !== undefined && !Array.isArray(json.objects)) {
    throw new UsageError(`${file}: a STIX bundle whose "objects" is not a list`);
  }
  const read: StixRead = {
    bundleId: typeof json.id === 'string' ? json.id : undefined,
    indicators: [],
    skipped: [],
    revoked: 0,
  };
  const objects = (json.objects ?? []) as unknown[];
  for (const [i, object] of latestVersions(objects)) {
    if (!isObject(object) || typeof object.type !== 'string') {
      read.skipped.push({ id: `objects[${i}]`, reason: 'not a STIX object (no type)' });
      continue;
    }
    const id = typeof object.id === 'string' ? object.id : `objects[${i}]`;
    if (object.type === 'indicator') readIndicator(object, id, options, read);
    else if (Object.hasOwn(STIX_METRON_TYPES, object.type)) readObservable(object, id, options, read);
  }
  return read;
}

/** Objects with their places, leaving out indicators that a later-modified version of the same id replaces. */
function latestVersions(objects: readonly unknown[]): [number, unknown][] {
  const latest = new Map<string, { at: number; time: number }>();
  objects.forEach((o, i) => {
    if (!isObject(o) || o.type !== 'indicator' || typeof o.id !== 'string') return;
    const time = typeof o.modified === 'string' ? Date.parse(o.modified) : Number.NaN;
    const seen = latest.get(o.id);
    if (seen === undefined || !(time < seen.time)) latest.set(o.id, { at: i, time });
  });
  const out: [number, unknown][] = [];
  objects.forEach((o, i) => {
    const id = isObject(o) && o.type === 'indicator' && typeof o.id === 'string' ? o.id : undefined;
    if (id === undefined || latest.get(id)?.at === i) out.push([i, o]);
  });
  return out;
}

function readIndicator(object: StixObject, id: string, options: StixOptions, read: StixRead): void {
  if (object.revoked === true) {
    read.revoked++;
    return;
  }
  const patternType = object.pattern_type ?? 'stix';
  if (patternType !== 'stix') {
    read.skipped.push({ id, reason: `pattern_type '${String(patternType)}' is not read (only stix)` });
    return;
  }
  if (typeof object.pattern !== 'string') {
    read.skipped.push({ id, reason: 'indicator without a pattern' });
    return;
  }
  let validUntil: number | null = null;
  if (object.valid_until !== undefined) {
    validUntil = typeof object.valid_until === 'string' ? Date.parse(object.valid_until) : Number.NaN;
    if (!Number.isFinite(validUntil)) {
      read.skipped.push({ id, reason: `invalid valid_until ${JSON.stringify(object.valid_until)}` });
      return;
    }
  }
  const pattern = readStixPattern(object.pattern);
  for (const found of pattern.indicators) {
    read.indicators.push({
      type: options.type ?? found.type,
      indicator: found.value,
      stixId: id,
      validUntil,
    });
  }
  if (pattern.unsupported.length > 0) {
    const what = pattern.indicators.length > 0 ? 'pattern partly read; not read' : 'pattern not read';
    read.skipped.push({ id, reason: `${what}: ${pattern.unsupported.join('; ')}` });
  }
}

function readObservable(object: StixObject, id: string, options: StixOptions, read: StixRead): void {
  const stixType = object.type as string;
  const stixId = typeof object.id === 'string' ? object.id : null;
  const type = options.type ?? (STIX_METRON_TYPES[stixType] as string);
  const add = (indicator: string) => read.indicators.push({ type, indicator, stixId, validUntil: null });
  if (stixType !== 'file') {
    if (typeof object.value === 'string' && object.value.trim() !== '') add(object.value);
    else read.skipped.push({ id, reason: `${stixType} without a value` });
    return;
  }
  const hashes = isObject(object.hashes) ? object.hashes : {};
  const unread: string[] = [];
  let found = 0;
  for (const [name, value] of Object.entries(hashes)) {
    if (stixHashName(name) !== undefined && typeof value === 'string' && value.trim() !== '') {
      add(value);
      found++;
    } else unread.push(name);
  }
  if (unread.length > 0) {
    const only = STIX_HASHES.join(', ');
    read.skipped.push({ id, reason: `file hashes ${unread.join(', ')} not read (only ${only})` });
  } else if (found === 0) read.skipped.push({ id, reason: 'file without hashes' });
}
