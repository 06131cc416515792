import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startWorkerThread } from 'synckit';
import { InfraError, type Logger } from '#core';
import {
  double,
  fail,
  type HostImplementation,
  isMap,
  isNumber,
  numValue,
  toJson,
  type Value,
} from '#stellar';
import { MODEL_NAME } from './spec.js';
import type { VersionInfo, WorkerAnswer, WorkerRequest } from './sync-worker.js';

/** A feature map as a rule passes it (a Stellar map) or as code does (an object). */
export type FeatureMap = ReadonlyMap<Value, Value> | Readonly<Record<string, unknown>>;

/** What MAAS_GET_ENDPOINT returns: the first argument of MAAS_MODEL_APPLY. */
export interface ModelEndpoint {
  name: string;
  version: number;
  /** `palisade:models/<name>` (in process) or `<maas.url>/api/models/<name>` (the HTTP API). */
  url: string;
}

/** What MAAS_MODEL_APPLY returns. */
export interface ModelApplyResult {
  score: number;
  model: string;
  version: number;
}

export interface ModelFunctionsOptions {
  /** The lake whose model registry names the models. */
  lake: string;
  /** Palisade's API base URL (global config `maas.url`): MAAS_GET_ENDPOINT's urls point there. */
  apiUrl?: string;
  /** Where each kind of failure is reported, once. */
  log?: Logger;
  /** How long a live version is trusted before the registry is asked again, ms (default 1000). */
  liveCheckMs?: number;
  /** Timeout of one HTTP call of MAAS_MODEL_APPLY, ms (default 5000). */
  httpTimeoutMs?: number;
  /** How long an HTTP endpoint that failed is left alone, ms (default 10 000; Metron's blacklist). */
  httpRetryMs?: number;
  /** The clock of the caches (epoch ms); default `Date.now`. */
  now?: () => number;
}

/** The in-process url scheme of MAAS_GET_ENDPOINT. */
const IN_PROCESS = 'palisade:models/';
/** Metron's MaaS cache: 10 minutes, 100 000 entries. */
const APPLY_TTL_MS = 10 * 60_000;
const CACHE_ENTRIES = 100_000;
/** Names whose live version is remembered; past it the table starts over. */
const MAX_NAMES = 10_000;
/** Distinct warnings logged; past it, failures are no longer logged. */
const MAX_WARNINGS = 1000;
/** The longest any call waits for the worker (its first call loads DuckDB and ONNX Runtime). */
const MIN_CALL_TIMEOUT_MS = 30_000;

type Version = VersionInfo & { known: ReadonlySet<string> };

/**
 * Palisade's models as Stellar functions: MODEL_SCORE, MAAS_GET_ENDPOINT and MAAS_MODEL_APPLY
 * (see {@link ModelFunctions.hostFunctions}). Stellar evaluates synchronously, while the
 * registry, ONNX Runtime and HTTP are asynchronous, so the work is done in a worker thread
 * (sync-worker.ts) that each call blocks on through synckit. The caches live here, on the
 * calling thread, so a cached answer never crosses to the worker:
 *
 * - the live version of each model, trusted for `liveCheckMs` (1 s), so a promote or rollback
 *   is followed within about a second;
 * - scores by (model, version, feature values), at most 100 000;
 * - MAAS_MODEL_APPLY results by (url, version, function, arguments) for 10 minutes, at most
 *   100 000 (Metron's MaaS cache).
 *
 * As in Metron's MaaS, a failure is null, never an exception: an unknown model, a missing
 * feature, an unreachable endpoint. Each kind of failure is logged once per model or url.
 *
 * The thread starts on the first call that needs it, so a process whose rules never call a
 * model never starts one; {@link close} ends it. It runs the compiled `dist/models/sync-worker.js`
 * (also when the caller runs from source under vitest), which the constructor looks for.
 *
 * @example
 * const models = new ModelFunctions({ lake: 'data/lake' });
 * const functions = bindHosts(standardFunctions(), models.hostFunctions());
 * compile("MODEL_SCORE('hosts', {'connections': 3.2, 'bytes_out': 9.1})", { functions }).evaluate();
 * models.close();
 */
export class ModelFunctions {
  readonly lake: string;
  readonly apiUrl: string | undefined;
  private readonly log: Logger | undefined;
  private readonly liveCheckMs: number;
  private readonly httpTimeoutMs: number;
  private readonly httpRetryMs: number;
  private readonly now: () => number;
  private readonly workerPath: string;
  private worker: ((request: WorkerRequest) => WorkerAnswer<unknown>) | undefined;
  private closed = false;

  private readonly live = new Map<string, { at: number; version: Version | null }>();
  private readonly registered = new Map<string, { at: number; version: Version | null }>();
  private readonly scores = new Cache<number>(Number.POSITIVE_INFINITY, CACHE_ENTRIES);
  private readonly applied = new Cache<ModelApplyResult>(APPLY_TTL_MS, CACHE_ENTRIES);
  /** url → until when it is left alone after a failure. */
  private readonly down = new Map<string, number>();
  private readonly warned = new Set<string>();

  constructor(options: ModelFunctionsOptions) {
    this.lake = options.lake;
    this.apiUrl = options.apiUrl === undefined ? undefined : apiBase(options.apiUrl);
    this.log = options.log;
    this.liveCheckMs = options.liveCheckMs ?? 1000;
    this.httpTimeoutMs = options.httpTimeoutMs ?? 5000;
    this.httpRetryMs = options.httpRetryMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.workerPath = workerFile(this.log);
  }

  /** Whether the worker thread has been started (by a first call). */
  get started(): boolean {
    return this.worker !== undefined;
  }

  /**
   * The score of one feature map by the live version of model `name`, or null: no such model,
   * no live version, a feature missing or not a number, or scoring failed. Keys that are not
   * features of the model are ignored, so a rule may pass a wider map. A feature may be null
   * (NaN to the model, as the HTTP API takes it).
   */
  score(name: string, features: FeatureMap): number | null {
    if (!MODEL_NAME.test(name)) return this.miss('model-name', name, `'${name}' is not a model name`);
    const version = this.liveVersion(name);
    if (version === null) return null;
    return this.scoreWith(name, version, features, false);
  }

  /**
   * MAAS_GET_ENDPOINT: the live version of `name` (or `version`, when it is registered) and its
   * url, from the registry; null when there is none. With an API base URL (`maas.url`), the url
   * is the model's route in Palisade's HTTP API; otherwise it is scored in process.
   */
  endpoint(name: string, version?: number, apiUrl: string | undefined = this.apiUrl): ModelEndpoint | null {
    if (!MODEL_NAME.test(name)) return this.miss('model-name', name, `'${name}' is not a model name`);
    const found = version === undefined ? this.liveVersion(name) : this.registeredVersion(name, version);
    if (found === null) return null;
    const url =
      apiUrl === undefined ? `${IN_PROCESS}${name}` : `${apiUrl.replace(/\/+$/, '')}/api/models/${name}`;
    return { name, version: found.version, url };
  }

  /**
   * MAAS_MODEL_APPLY: score `args` with an endpoint from {@link endpoint}, in process or over
   * HTTP (`POST <url>/score?version=V` with `{"rows": [args]}` and the bearer token in
   * `PALISADE_API_TOKEN`). `fn` is 'apply' or 'score' (the same). In process, `args` must hold
   * exactly the model's features, as the HTTP API requires. Results are cached for 10 minutes.
   */
  apply(
    endpoint: { url: string; version?: number | undefined },
    fn: string,
    args: FeatureMap,
  ): ModelApplyResult | null {
    const { url, version } = endpoint;
    if (fn !== 'apply' && fn !== 'score')
      return this.miss('function', url, `function '${fn}' is not served (apply, score)`);
    const now = this.now();
    const key = `${url}\0${version ?? ''}\0${fn}\0${canonicalJson(args)}`;
    const cached = this.applied.get(key, now);
    if (cached !== undefined) return cached;
    let result: ModelApplyResult | null;
    if (url.startsWith(IN_PROCESS)) result = this.applyInProcess(url.slice(IN_PROCESS.length), version, args);
    else if (/^https?:\/\//i.test(url)) result = this.applyOverHttp(url, version, args, now);
    else return this.miss('endpoint', url, `'${url}' is neither ${IN_PROCESS}<name> nor an http(s) url`);
    if (result !== null) this.applied.set(key, result, now);
    return result;
  }

  /**
   * The three functions as Stellar host implementations, for `bindHosts`. `apiUrl` (the global
   * config's `maas.url`) overrides the one given at construction for MAAS_GET_ENDPOINT.
   */
  hostFunctions(apiUrl: string | undefined = this.apiUrl): Record<string, HostImplementation> {
    const base = apiUrl === undefined ? undefined : apiBase(apiUrl);
    return {
      MODEL_SCORE: (args) => {
        const [name = null, features = null] = args;
        if (name === null || features === null) return null;
        if (typeof name !== 'string' || !isMap(features))
          fail('MODEL_SCORE: expected a model name and a map of feature → number');
        const score = this.score(name, features);
        return score === null ? null : double(score);
      },
      MAAS_GET_ENDPOINT: (args) => {
        const [name = null, version = null] = args;
        if (typeof name !== 'string') return null;
        const wanted = version === null ? undefined : versionOf(version);
        if (wanted === null) return null;
        const endpoint = this.endpoint(name, wanted, base);
        if (endpoint === null) return null;
        return new Map<Value, Value>([
          ['name', endpoint.name],
          ['version', endpoint.version],
          ['url', endpoint.url],
        ]);
      },
      MAAS_MODEL_APPLY: (args) => {
        // Metron's shapes: (endpoint, args) or (endpoint, function, args).
        const [endpoint = null, second = null, third = null] = args;
        const [fn, modelArgs] = typeof second === 'string' ? [second, third] : ['apply', second];
        if (!isMap(endpoint) || !isMap(modelArgs)) return null;
        const url = endpoint.get('url');
        if (typeof url !== 'string') return null;
        const given = endpoint.get('version');
        const version = given === undefined || given === null ? undefined : versionOf(given);
        if (version === null) return null;
        const result = this.apply({ url, version }, fn, modelArgs);
        if (result === null) return null;
        return new Map<Value, Value>([
          ['score', double(result.score)],
          ['model', result.model],
          ['version', result.version],
        ]);
      },
    };
  }

  /** End the worker thread (releasing its sessions); after it, what the caches do not hold is null. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker === undefined) return;
    try {
      worker({ op: 'exit' });
    } catch {
      // Already gone: nothing to release.
    }
  }

  private liveVersion(name: string): Version | null {
    const known = this.live.get(name);
    if (known !== undefined && this.now() - known.at < this.liveCheckMs) return known.version;
    const answer = this.call<VersionInfo | null>({ op: 'live', lake: this.lake, name });
    // An unreadable registry: go on with the version in hand, and ask again in a while.
    const version = answer.ok ? withKnown(answer.value) : (known?.version ?? null);
    if (this.live.size >= MAX_NAMES && known === undefined) this.live.clear();
    // As of the answer: the first call also waits for the worker to start.
    this.live.set(name, { at: this.now(), version });
    if (!answer.ok) this.miss(answer.kind, name, answer.message);
    else if (version === null) this.miss('unknown-model', name, `model ${name} has no live version`);
    return version;
  }

  private registeredVersion(name: string, version: number): Version | null {
    const key = `${name}@${version}`;
    const now = this.now();
    const known = this.registered.get(key);
    // A registered version is there for good; one that is not may be registered in a moment.
    if (known !== undefined && (known.version !== null || now - known.at < this.liveCheckMs))
      return known.version;
    const answer = this.call<VersionInfo | null>({ op: 'version', lake: this.lake, name, version });
    if (!answer.ok) return this.miss(answer.kind, name, answer.message);
    const found = withKnown(answer.value);
    if (this.registered.size >= MAX_NAMES && known === undefined) this.registered.clear();
    this.registered.set(key, { at: now, version: found });
    return found;
  }

  /** Score with a version; `strict`: every key must be a feature (the HTTP API's rule). */
  private scoreWith(name: string, version: Version, features: FeatureMap, strict: boolean): number | null {
    if (strict) {
      const keys = features instanceof Map ? [...features.keys()] : Object.keys(features);
      const extra = keys.find((k) => typeof k !== 'string' || !version.known.has(k));
      if (extra !== undefined)
        return this.miss('unknown-feature', name, `'${String(extra)}' is not a feature of model ${name}`);
    }
    // The key first, from the values as they are; the row is only built for a cache miss.
    let key = `${name}\0${version.version}\0`;
    for (const feature of version.features) {
      const given = get(features, feature);
      const value = featureValue(given);
      if (value === undefined) {
        return given === undefined
          ? this.miss(
              'missing-feature',
              name,
              `feature '${feature}' is missing (model ${name} takes ${version.features.join(', ')})`,
            )
          : this.miss('bad-feature', name, `feature '${feature}' must be a finite number or null`);
      }
      key += `${value},`;
    }
    const now = this.now();
    const cached = this.scores.get(key, now);
    if (cached !== undefined) return cached;
    const row: Record<string, number | null> = {};
    for (const feature of version.features) row[feature] = featureValue(get(features, feature)) ?? null;
    const answer = this.call<number>({ op: 'score', lake: this.lake, name, version: version.version, row });
    if (!answer.ok) return this.miss(answer.kind, name, answer.message);
    this.scores.set(key, answer.value, now);
    return answer.value;
  }

  private applyInProcess(
    name: string,
    version: number | undefined,
    args: FeatureMap,
  ): ModelApplyResult | null {
    if (!MODEL_NAME.test(name)) return this.miss('model-name', name, `'${name}' is not a model name`);
    const found = version === undefined ? this.liveVersion(name) : this.registeredVersion(name, version);
    if (found === null) return null;
    const score = this.scoreWith(name, found, args, true);
    return score === null ? null : { score, model: name, version: found.version };
  }

  private applyOverHttp(
    url: string,
    version: number | undefined,
    args: FeatureMap,
    now: number,
  ): ModelApplyResult | null {
    const until = this.down.get(url);
    if (until !== undefined) {
      if (now < until) return null;
      this.down.delete(url);
    }
    const token = process.env.PALISADE_API_TOKEN;
    if (token === undefined || token === '')
      return this.miss('no-token', url, 'PALISADE_API_TOKEN is not set; the API takes a bearer token');
    const answer = this.call<unknown>({
      op: 'post',
      url: `${url}/score${version === undefined ? '' : `?version=${version}`}`,
      body: JSON.stringify({ rows: [args instanceof Map ? toJson(args as Value) : args] }),
      token,
      timeoutMs: this.httpTimeoutMs,
    });
    if (!answer.ok) {
      // A 400 is about these arguments; any other failure is the endpoint's, so it is left alone a while.
      if (answer.kind !== 'http-rejected') this.down.set(url, now + this.httpRetryMs);
      return this.miss(answer.kind, url, answer.message);
    }
    const body = answer.value as { model?: unknown; version?: unknown; scores?: unknown } | null;
    const score = Array.isArray(body?.scores) ? body.scores[0] : undefined;
    if (typeof body?.model !== 'string' || typeof body.version !== 'number' || typeof score !== 'number') {
      this.down.set(url, now + this.httpRetryMs);
      return this.miss('http-response', url, 'expected {"model", "version", "scores": [score]}');
    }
    return { score, model: body.model, version: body.version };
  }

  /** One call to the worker, started on first use; a failure to reach it is an answer too. */
  private call<T>(request: WorkerRequest): WorkerAnswer<T> {
    if (this.closed) return { ok: false, kind: 'closed', message: 'the model functions are closed' };
    try {
      this.worker ??= startWorkerThread(this.workerPath, {
        timeout: Math.max(MIN_CALL_TIMEOUT_MS, this.httpTimeoutMs + 5000),
      });
      return this.worker(request) as WorkerAnswer<T>;
    } catch (error) {
      return { ok: false, kind: 'worker', message: error instanceof Error ? error.message : String(error) };
    }
  }

  /** A failure: null, logged the first time this kind happens to this model or url. */
  private miss(kind: string, subject: string, message: string): null {
    const key = `${kind}\0${subject}`;
    if (this.warned.has(key) || this.warned.size >= MAX_WARNINGS) return null;
    this.warned.add(key);
    this.log?.warn(
      { kind, subject, error: message },
      'a model function gave null; further failures of this kind are not logged',
    );
    return null;
  }
}

/**
 * A bounded map whose entries also expire `ttlMs` after they were written (Metron's MaaS cache:
 * Guava's `expireAfterWrite` with `maximumSize`). Recency is kept the way quick-lru keeps it: two
 * generations of at most `max / 2` entries; a hit in the old one is copied to the new one, and
 * when the new one is full it becomes the old one. A hit on the new generation writes nothing —
 * a Map that is deleted from and written to on each hit rehashes all of it again and again,
 * which costs about 8 µs a hit at 3000 entries and 200 µs at 100 000.
 */
class Cache<V> {
  private young = new Map<string, { at: number; value: V }>();
  private old = new Map<string, { at: number; value: V }>();
  private readonly half: number;

  constructor(
    private readonly ttlMs: number,
    max: number,
  ) {
    this.half = Math.max(1, Math.floor(max / 2));
  }

  get(key: string, now: number): V | undefined {
    let entry = this.young.get(key);
    if (entry === undefined) {
      entry = this.old.get(key);
      if (entry === undefined || now - entry.at >= this.ttlMs) return undefined;
      this.put(key, entry);
      return entry.value;
    }
    return now - entry.at >= this.ttlMs ? undefined : entry.value;
  }

  set(key: string, value: V, now: number): void {
    this.put(key, { at: now, value });
  }

  private put(key: string, entry: { at: number; value: V }): void {
    this.young.set(key, entry);
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
  }
}

const get = (features: FeatureMap, feature: string): unknown =>
  features instanceof Map ? features.get(feature) : (features as Readonly<Record<string, unknown>>)[feature];

const withKnown = (info: VersionInfo | null): Version | null =>
  info === null ? null : { ...info, known: new Set(info.features) };

/** A feature's value as the model takes it: a finite number or null (NaN is null); undefined: unusable. */
function featureValue(value: unknown): number | null | undefined {
  if (value === null) return null;
  if (isNumber(value)) {
    const n = numValue(value);
    if (Number.isNaN(n)) return null;
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A model version from a rule: a whole number from 1, or its text ('2', '2.0'); null otherwise. */
function versionOf(value: Value): number | null {
  const n = isNumber(value) ? numValue(value) : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) && n >= 1 ? n : null;
}

/** JSON with object keys sorted, so equal maps give equal cache keys. */
function canonicalJson(value: FeatureMap): string {
  return JSON.stringify(sortKeys(value instanceof Map ? toJson(value as Value) : value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

/** An API base URL without trailing slashes; anything but http(s) is refused. */
function apiBase(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InfraError('models.api', `'${url}' is not a URL (e.g. http://127.0.0.1:8080)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new InfraError('models.api', `'${url}' is not an http(s) URL`);
  return url.replace(/\/+$/, '');
}

/**
 * The compiled worker: next to this file when running from dist, else the package's dist (under
 * vitest, which loads this file from source; the worker thread runs plain Node, which cannot).
 */
function workerFile(log: Logger | undefined): string {
  const beside = new URL('./sync-worker.js', import.meta.url);
  if (existsSync(beside)) return fileURLToPath(beside);
  const built = new URL('../dist/models/sync-worker.js', import.meta.url);
  if (!existsSync(built)) {
    throw new InfraError(
      'models.worker',
      `the model worker ${fileURLToPath(built)} is missing: build it with \`npm run build\``,
    );
  }
  const source = new URL('./sync-worker.ts', import.meta.url);
  if (existsSync(source) && statSync(source).mtimeMs > statSync(built).mtimeMs)
    log?.warn(
      { worker: fileURLToPath(built) },
      'the model worker is older than its source; run `npm run build`',
    );
  return fileURLToPath(built);
}
