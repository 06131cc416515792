import type { Event, Logger } from '#core';
import type { ProfileCache } from '#stellar';
import { cachedFeatureRow, type FeatureSet, featureSet } from './features/index.js';
import type { ModelRegistry } from './registry/registry.js';
import { ModelSession } from './session.js';
import { modelField } from './spec.js';

/** Scores kept per entity and period before the memo starts afresh. */
const MAX_KNOWN = 200_000;

/**
 * Scores the stream's events with the live version of a registered model, in process. Each
 * batch of events is scored with one ONNX Runtime call: an event's row is its entity's features
 * for the last closed period, read from the stream's profile cache (events of one entity and
 * period share a row, computed once). Those scores are remembered until the version or the
 * profile cache changes, so an entity's later events in the same period cost a map lookup.
 *
 * Before each batch the scorer asks the registry whether anything changed (a directory listing);
 * after a promote or rollback it opens the new live version and only then drops the old one, so
 * every event of a batch is scored by exactly one version and none waits without a session.
 *
 * Nothing here stops an event: one the model cannot score goes on with `model.<name>.error`, and
 * one whose entity has no profile for that period goes on unscored.
 */
export class ModelScorer {
  readonly name: string;
  private session: ModelSession | undefined;
  private set: FeatureSet | undefined;
  private marker: string | undefined;
  /** Why there is no session (no live version, a broken model), written on each event. */
  private unavailable: string | undefined;
  private readonly fields: { score: string; version: string; error: string };
  /** Scores already computed, by entity and period; null: no features for it. */
  private known: { version: number; generation: number; scores: Map<string, number | null> } = {
    version: -1,
    generation: -1,
    scores: new Map(),
  };

  constructor(
    name: string,
    private readonly registry: ModelRegistry,
    private readonly profiles: ProfileCache,
    private readonly log?: Logger,
  ) {
    this.name = name;
    this.fields = {
      score: modelField(name, 'score'),
      version: modelField(name, 'version'),
      error: modelField(name, 'error'),
    };
  }

  /** The version scoring now, if any. */
  get version(): number | undefined {
    return this.session?.spec.version;
  }

  /** Follow the registry: open the live version when it changed since the last look. */
  async refresh(): Promise<void> {
    const marker = await this.registry.changeMarker();
    if (marker === this.marker) return;
    this.marker = marker;
    const live = await this.registry.live(this.name);
    if (live === undefined) {
      await this.replace(undefined, `model ${this.name} has no live version`);
      return;
    }
    if (live.version === this.session?.spec.version) return;
    try {
      if (live.featureSet === undefined || live.periodMs === undefined) {
        throw new Error(
          `model ${this.name} version ${live.version} names no feature set and period, so events cannot be turned into its rows`,
        );
      }
      const set = featureSet(live.featureSet);
      const { spec, onnx } = await this.registry.load(this.name, live.version);
      const session = await ModelSession.open(spec, onnx);
      this.set = set;
      await this.replace(session, undefined);
      this.log?.info({ model: this.name, version: spec.version }, 'model version live in the stream');
    } catch (error) {
      const message = (error as Error).message;
      // A broken new version: keep scoring with the one in hand, if any.
      if (this.session) {
        this.log?.error(
          { model: this.name, version: live.version, error: message },
          'cannot load the new version; keeping the current one',
        );
        return;
      }
      await this.replace(undefined, message);
      this.log?.error({ model: this.name, error: message }, 'model unavailable; events go on unscored');
    }
  }

  private async replace(session: ModelSession | undefined, unavailable: string | undefined): Promise<void> {
    const old = this.session;
    this.session = session;
    this.unavailable = unavailable;
    if (old && old !== session) await old.close();
  }

  /**
   * Score a batch in place: `model.<name>.score` and `.version`, or `.error`. Calls run one at
   * a time (batches of several partitions may arrive together), so a version switch never
   * closes a session another batch is using.
   */
  scoreBatch(events: readonly Event[]): Promise<void> {
    const run = this.queue.then(() => this.scoreNow(events));
    this.queue = run.catch(() => {});
    return run;
  }

  private queue: Promise<void> = Promise.resolve();

  private async scoreNow(events: readonly Event[]): Promise<void> {
    try {
      await this.refresh();
    } catch (error) {
      // The registry could not be read: go on with the session in hand.
      this.log?.warn({ model: this.name, error: (error as Error).message }, 'model registry unreadable');
    }
    const session = this.session;
    const set = this.set;
    const periodMs = session?.spec.periodMs;
    if (!session || !set || periodMs === undefined) {
      const reason = this.unavailable ?? `model ${this.name} is not loaded`;
      for (const event of events) event[this.fields.error] = reason;
      return;
    }
    const version = session.spec.version;
    // An entity's features for a closed period do not change until the profile cache does, so
    // neither does its score: scores are kept per entity and period for this version and cache.
    const generation = this.profiles.generation;
    if (
      this.known.version !== version ||
      this.known.generation !== generation ||
      this.known.scores.size > MAX_KNOWN
    ) {
      this.known = { version, generation, scores: new Map() };
    }
    const known = this.known.scores;
    const width = session.featureCount;
    // Events whose entity and period are not known yet, and the rows to score for them.
    const pending: { event: Event; key: string }[] = [];
    const rowIndex = new Map<string, number>();
    let rows = 0;
    let values = new Float32Array(Math.max(1, Math.min(events.length, 1024)) * width);
    for (const event of events) {
      const entity = event[set.entity];
      const at = event.timestamp;
      if (typeof entity !== 'string' || typeof at !== 'number') continue;
      const key = `${entity}\0${Math.floor(at / periodMs)}`;
      const score = known.get(key);
      if (score !== undefined) {
        if (score !== null) {
          event[this.fields.score] = score;
          event[this.fields.version] = version;
        }
        continue;
      }
      pending.push({ event, key });
      if (rowIndex.has(key)) continue;
      if ((rows + 1) * width > values.length) {
        const grown = new Float32Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      const found = cachedFeatureRow(set, this.profiles, entity, at, periodMs, values, rows * width);
      rowIndex.set(key, found ? rows++ : -1);
    }
    if (pending.length === 0) return;
    let scores: Float32Array;
    try {
      scores = await session.score(values.subarray(0, rows * width), rows);
    } catch (error) {
      const message = (error as Error).message;
      for (const { event } of pending) event[this.fields.error] = message;
      return;
    }
    for (const [key, row] of rowIndex) known.set(key, row < 0 ? null : (scores[row] as number));
    for (const { event, key } of pending) {
      const row = rowIndex.get(key) as number;
      if (row < 0) continue;
      event[this.fields.score] = scores[row] as number;
      event[this.fields.version] = version;
    }
  }

  async close(): Promise<void> {
    await this.queue;
    await this.replace(undefined, 'closed');
  }
}
