import { join } from 'node:path';
import { type Event, InfraError, PalisadeError, problemsOf, UsageError } from '#core';
import { listVersions, openDuckDb, openLakeWriter, parquetSource, readSnapshot } from '#lake';
import { ModelSession } from '../session.js';
import { checkModelName, type ModelSpec, modelSpecSchema, type NewModelSpec } from '../spec.js';
import { readOnnxFile, readSpecFile, sha256Hex, versionFolders, writeVersion } from './files.js';
import {
  historyOf,
  liveVersion,
  REGISTRY_TABLE,
  type RegistryRow,
  type RegistryState,
  registeredVersion,
  replay,
  versionsOf,
} from './history.js';

export interface ModelRegistryOptions {
  /** The clock (epoch ms) for `registeredAt` and the rows' timestamps; default `Date.now`. */
  now?: () => number;
}

/** One line of {@link ModelRegistry.list}. */
export interface ModelSummary {
  name: string;
  /** Registered versions, ascending. */
  versions: number[];
  live: number | null;
  /** Of the live version, else of the newest. */
  kind: string;
  features: string[];
}

/** The txn app id of registry commits: its version is each commit's first `seq` (see `commit`). */
const TXN_APP_ID = 'palisade-model-registry';
/** Commits lost to concurrent registry actions before one gives up. */
const MAX_COMMIT_ATTEMPTS = 20;
const PLACEHOLDER_SHA = '0'.repeat(64);
const ROW_COLUMNS = [
  'timestamp',
  'seq',
  'name',
  'version',
  'action',
  'actor',
  'kind',
  'features',
  'sha256',
  'detail',
];

/**
 * The model registry of a lake: immutable, numbered versions of each model's ONNX file and
 * model.json under `<lake>/models/<name>/<version>/`, and the `model_registry` Delta table of
 * register, promote and rollback actions, from which the live version of each model is derived.
 *
 * Each action is one Delta commit, so it is atomic. Actions are serialised: an action reads the
 * table, decides on what it read (is the version there, what does a rollback return to), and
 * commits with the table's txn guard set to the next `seq`; if another action committed in
 * between, the append is skipped and the action decides again on the new state.
 *
 * @example
 * const registry = new ModelRegistry('data/lake');
 * const spec = await registry.register(onnx, { name: 'dns-volume', kind: 'isolation-forest', … });
 * await registry.promote('dns-volume', spec.version, 'alice');
 * const { spec: live, onnx: bytes } = await registry.load('dns-volume');
 */
export class ModelRegistry {
  private readonly now: () => number;

  constructor(
    readonly lakeDir: string,
    options: ModelRegistryOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Register a new version of `spec.name`: the spec and the ONNX are checked first (the schema,
   * then an ONNX Runtime session whose input and output must match the declared features), and
   * nothing is written when either fails (UsageError). The version is the next free number; the
   * files are written, then the `register` row (and a `promote` row in the same commit when
   * `promote` is true; a first version is not made live unless asked). `registeredBy` is the
   * actor. Returns the spec as written.
   */
  async register(
    onnx: Uint8Array,
    spec: NewModelSpec,
    options: { promote?: boolean } = {},
  ): Promise<ModelSpec> {
    checkName(spec?.name);
    const draft = checkSpec(spec, this.now());
    checkActor(draft.registeredBy);
    let session: ModelSession;
    try {
      session = await ModelSession.open(draft, onnx);
    } catch (e) {
      if (e instanceof PalisadeError) throw e;
      throw new UsageError(`model ${draft.name}: the ONNX model is unusable: ${firstLine(e)}`);
    }
    await session.close();

    const state = await this.state();
    const known = state.models.get(draft.name);
    const taken = [...(known ? versionsOf(known) : []), ...(await versionFolders(this.lakeDir, draft.name))];
    const written = await writeVersion(
      this.lakeDir,
      { ...draft, sha256: sha256Hex(onnx) },
      onnx,
      Math.max(0, ...taken) + 1,
    );
    // A crash from here to the commit leaves a version folder no row names: it is never listed,
    // and its number is not given out again.
    await this.commit((current) => {
      const rows = [registerRow(written)];
      const history = current.models.get(written.name);
      const from = history ? liveVersion(history) : null;
      if (options.promote) rows.push(actionRow(written, 'promote', written.registeredBy, { from }));
      return { rows, result: undefined };
    });
    return written;
  }

  /**
   * Make `version` of `name` live. Its files are checked against the registered sha256 first.
   * Promoting the version that is already live is a no-op: nothing is written, the change marker
   * stays, and `{from: v, to: v}` comes back. UsageError for an unknown name or version.
   */
  async promote(name: string, version: number, actor: string): Promise<{ from: number | null; to: number }> {
    checkName(name);
    checkVersion(version);
    checkActor(actor);
    await this.load(name, version);
    return this.commit((state) => {
      const history = historyOf(state, name);
      const row = registeredVersion(history, version);
      const from = liveVersion(history);
      const result = { from, to: version };
      if (from === version) return { rows: [], result };
      return { rows: [actionRow(row, 'promote', actor, { from })], result };
    });
  }

  /**
   * Make live again the version that was live before the current one (each promote pushes a
   * version, each rollback pops one). UsageError when there is nothing to go back to.
   */
  async rollback(name: string, actor: string): Promise<{ from: number; to: number }> {
    checkName(name);
    checkActor(actor);
    return this.commit((state) => {
      const history = historyOf(state, name);
      const [to, from] = history.stack.slice(-2);
      if (from === undefined || to === undefined) {
        throw new UsageError(
          history.stack.length === 0
            ? `model ${name} has no live version to roll back from`
            : `model ${name} has no earlier live version to roll back to`,
        );
      }
      const row = registeredVersion(history, to);
      return { rows: [actionRow(row, 'rollback', actor, { from, to })], result: { from, to } };
    });
  }

  /** Every registered model, by name. */
  async list(): Promise<ModelSummary[]> {
    const state = await this.state();
    return [...state.models.values()]
      .filter((h) => h.registered.size > 0)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((history) => {
        const versions = versionsOf(history);
        const live = liveVersion(history);
        const shown = history.registered.get(live ?? (versions.at(-1) as number)) as RegistryRow;
        return { name: history.name, versions, live, kind: shown.kind, features: [...shown.features] };
      });
  }

  /** The specs of every version of `name`, ascending. UsageError for an unknown name. */
  async versions(name: string): Promise<ModelSpec[]> {
    checkName(name);
    const history = historyOf(await this.state(), name);
    return Promise.all(versionsOf(history).map((v) => readSpecFile(this.lakeDir, name, v)));
  }

  /** The spec of one version. UsageError for an unknown name or version. */
  async spec(name: string, version: number): Promise<ModelSpec> {
    checkName(name);
    checkVersion(version);
    registeredVersion(historyOf(await this.state(), name), version);
    return readSpecFile(this.lakeDir, name, version);
  }

  /** The live version's spec; undefined when none is live, including for a name never registered. */
  async live(name: string): Promise<ModelSpec | undefined> {
    checkName(name);
    const history = (await this.state()).models.get(name);
    const version = history ? liveVersion(history) : null;
    return version === null ? undefined : readSpecFile(this.lakeDir, name, version);
  }

  /**
   * A version's spec and ONNX bytes (default: the live version). The bytes must hash to the
   * sha256 in model.json, which must be the one registered: a changed file is refused with an
   * InfraError rather than scored.
   */
  async load(name: string, version?: number): Promise<{ spec: ModelSpec; onnx: Uint8Array }> {
    checkName(name);
    if (version !== undefined) checkVersion(version);
    const history = historyOf(await this.state(), name);
    const wanted = version ?? liveVersion(history);
    if (wanted === null) {
      throw new UsageError(
        `model ${name} has no live version; promote one with \`palisade models promote ${name} V\``,
      );
    }
    const row = registeredVersion(history, wanted);
    const [spec, onnx] = await Promise.all([
      readSpecFile(this.lakeDir, name, wanted),
      readOnnxFile(this.lakeDir, name, wanted),
    ]);
    const actual = sha256Hex(onnx);
    if (spec.sha256 !== row.sha256 || actual !== row.sha256) {
      const which = actual !== spec.sha256 ? 'model.onnx' : 'model.json';
      throw new InfraError(
        'models.integrity',
        `model ${name} v${wanted}: ${which} was changed after registration (model.onnx sha256 ${short(actual)}, ` +
          `model.json ${short(spec.sha256)}, registered ${short(row.sha256)}); refusing to load it — register the model again`,
      );
    }
    return { spec, onnx };
  }

  /**
   * A token that changes whenever the registry's table gets a commit (its newest commit version,
   * or `none` before the first), from one readdir of `model_registry/_delta_log`: cheap enough for
   * a streaming scorer to poll every batch and re-read the registry only when it differs from
   * the last value seen. Compare it for equality; do not parse it.
   */
  async changeMarker(): Promise<string> {
    const versions = await listVersions(join(this.lakeDir, REGISTRY_TABLE));
    const latest = versions.at(-1);
    return latest === undefined ? 'none' : String(latest);
  }

  /** The table, replayed (an absent table is an empty registry). */
  private async state(): Promise<RegistryState> {
    return replay(await this.readRows());
  }

  private async readRows(): Promise<RegistryRow[]> {
    const tableDir = join(this.lakeDir, REGISTRY_TABLE);
    const snapshot = await readSnapshot(tableDir);
    if (!snapshot || snapshot.files.size === 0) return [];
    const db = await openDuckDb();
    try {
      const columns = ROW_COLUMNS.map((c) => `"${c}"`).join(', ');
      const reader = await db.connection.runAndReadAll(
        `SELECT ${columns} FROM ${parquetSource(tableDir, snapshot.files.keys())} ORDER BY seq, "timestamp"`,
      );
      return reader.getRowObjectsJS().map((r) => ({
        timestamp: Number(r.timestamp),
        seq: Number(r.seq ?? 0),
        name: String(r.name),
        version: Number(r.version),
        action: String(r.action) as RegistryRow['action'],
        actor: String(r.actor ?? ''),
        kind: String(r.kind ?? ''),
        features: ((r.features ?? []) as unknown[]).map(String),
        sha256: String(r.sha256 ?? ''),
        detail: String(r.detail ?? ''),
      }));
    } catch (e) {
      throw new InfraError('lake.read', `cannot read ${tableDir}: ${firstLine(e)}`, { cause: e });
    } finally {
      db.close();
    }
  }

  /**
   * Decide on the current state and commit the rows decided, as one append whose txn guard is
   * the first new `seq`: an action that committed since the state was read has taken that seq,
   * so the append is skipped, and the decision is made again on the new state.
   */
  private async commit<T>(
    decide: (state: RegistryState) => { rows: Omit<RegistryRow, 'seq' | 'timestamp'>[]; result: T },
  ): Promise<T> {
    let writer: Awaited<ReturnType<typeof openLakeWriter>> | undefined;
    try {
      for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
        const state = await this.state();
        const { rows, result } = decide(state);
        if (rows.length === 0) return result;
        const timestamp = this.now();
        const events: Event[] = rows.map((row, i) => ({ timestamp, seq: state.seq + 1 + i, ...row }));
        writer ??= await openLakeWriter(this.lakeDir);
        const appended = await writer.append(REGISTRY_TABLE, events, {
          txn: { appId: TXN_APP_ID, version: state.seq + 1 },
        });
        if (!appended.skipped) return result;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    } finally {
      writer?.close();
    }
    throw new InfraError(
      'models.registry',
      `the model registry changed under ${MAX_COMMIT_ATTEMPTS} attempts in a row to commit; try again`,
    );
  }
}

function registerRow(spec: ModelSpec): Omit<RegistryRow, 'seq' | 'timestamp'> {
  return {
    name: spec.name,
    version: spec.version,
    action: 'register',
    actor: spec.registeredBy,
    kind: spec.kind,
    features: [...spec.features],
    sha256: spec.sha256,
    detail: JSON.stringify(spec.metrics),
  };
}

function actionRow(
  of: { name: string; version: number; kind: string; features: readonly string[]; sha256: string },
  action: 'promote' | 'rollback',
  actor: string,
  detail: Record<string, number | null>,
): Omit<RegistryRow, 'seq' | 'timestamp'> {
  return {
    name: of.name,
    version: of.version,
    action,
    actor,
    kind: of.kind,
    features: [...of.features],
    sha256: of.sha256,
    detail: JSON.stringify(detail),
  };
}

/** Model names become folder names: only MODEL_NAME passes, so no path can leave the registry. */
function checkName(name: unknown): asserts name is string {
  checkModelName(name);
}

function checkVersion(version: unknown): asserts version is number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new UsageError(`invalid model version ${JSON.stringify(version)}: a whole number from 1`);
  }
}

function checkActor(actor: unknown): asserts actor is string {
  if (typeof actor !== 'string' || actor.trim() === '') {
    throw new UsageError('who is acting must be named: a non-empty actor (registeredBy when registering)');
  }
}

/** The spec as model.json would hold it, with placeholders for what is assigned later. */
function checkSpec(spec: NewModelSpec, registeredAt: number): ModelSpec {
  const parsed = modelSpecSchema.safeParse({ ...spec, version: 1, sha256: PLACEHOLDER_SHA, registeredAt });
  if (parsed.success) return parsed.data;
  const problems = problemsOf('model.json', parsed.error).map((p) => `${p.path}: ${p.message}`);
  throw new UsageError(`model ${spec.name}: invalid model.json: ${problems.join('; ')}`);
}

function short(sha: string): string {
  return `${sha.slice(0, 12)}…`;
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}
