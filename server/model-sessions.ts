import type { Logger } from '#core';
import { type ModelRegistry, ModelSession, type ModelSummary } from '#models';
import { HttpError } from './http-error.js';

/** What the cache knows of the registry: its models as of one change marker. */
interface RegistryView {
  marker: string;
  models: ReadonlyMap<string, ModelSummary>;
}

/** One open session of one model version, with the requests using it. */
interface Entry {
  readonly session: ModelSession;
  refs: number;
  lastUsed: number;
  /** Out of the cache: closed when its last request is done. */
  retired: boolean;
  closed: boolean;
}

export interface ModelSessionsOptions {
  /**
   * Reuse a change-marker check this long (ms) before reading the registry's log folder again.
   * 0 (the default) checks on every request; promotes made through the same process are seen at
   * once either way (see {@link ModelSessions.invalidate}).
   */
  markerTtlMs?: number;
  /** Sessions of versions that are not live kept open for `?version=N` requests. */
  keepNotLive?: number;
  log?: Logger;
}

/**
 * The HTTP API's ONNX sessions: one per model version in use, opened on first use and kept.
 *
 * Each request first reads the registry's change marker (one readdir). While it is unchanged the
 * cached view of the registry answers which version is live, and a cached session scores, so the
 * hot path reads no table. When the marker changes the registry is read once (one request does
 * it, the others wait on it), and a request for a model whose live version changed opens the new
 * version's session.
 *
 * Versions are immutable, so a session never goes stale; it is retired when its version is no
 * longer live (beyond the few kept for `?version=N`). Sessions are reference-counted: a request
 * holds its session from before scoring until the answer is made, and a retired session is
 * closed when its last request lets go, never under one. That is exact where a grace delay
 * would only be likely, at the cost of a counter per request.
 */
export class ModelSessions {
  private view: RegistryView | undefined;
  private loading: Promise<RegistryView> | undefined;
  private checked: { at: number; pending: boolean; marker: Promise<string> } | undefined;
  private readonly entries = new Map<string, Entry>();
  private readonly opening = new Map<string, Promise<Entry>>();
  private closing = false;
  private readonly markerTtlMs: number;
  private readonly keepNotLive: number;

  constructor(
    readonly registry: ModelRegistry,
    private readonly options: ModelSessionsOptions = {},
  ) {
    this.markerTtlMs = options.markerTtlMs ?? 0;
    this.keepNotLive = options.keepNotLive ?? 4;
  }

  /** Every registered model, as of the registry's current change marker. */
  async models(): Promise<ModelSummary[]> {
    return [...(await this.current()).models.values()];
  }

  /** One model's summary; HttpError 404 when no model has that name. */
  async model(name: string): Promise<ModelSummary> {
    const summary = (await this.current()).models.get(name);
    if (summary) return summary;
    const names = [...(this.view?.models.keys() ?? [])];
    throw new HttpError(
      404,
      `no model named '${name}' is registered (${names.length > 0 ? `models: ${names.join(', ')}` : 'the registry is empty'})`,
    );
  }

  /**
   * Run `use` with a session of `name`: its live version, or `version`. 404 for an unknown model
   * or version, 409 for a model with no live version. The session stays open until `use` settles.
   */
  async with<T>(
    name: string,
    version: number | undefined,
    use: (session: ModelSession) => Promise<T>,
  ): Promise<T> {
    const entry = await this.acquire(name, version);
    try {
      return await use(entry.session);
    } finally {
      this.release(entry);
    }
  }

  /** Forget the last marker check: the registry was just changed by this process. */
  invalidate(): void {
    this.checked = undefined;
  }

  /** Close every session (those in use when their requests are done). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled(this.opening.values());
    const closes: Promise<void>[] = [];
    for (const [key, entry] of this.entries) {
      this.entries.delete(key);
      closes.push(this.retire(entry));
    }
    await Promise.all(closes);
  }

  private async acquire(name: string, version: number | undefined): Promise<Entry> {
    if (this.closing) throw new HttpError(503, 'the server is stopping');
    const summary = await this.model(name);
    const wanted = version ?? summary.live;
    if (wanted === null) {
      throw new HttpError(
        409,
        `model ${name} has no live version (versions: ${summary.versions.join(', ')}); ` +
          `an admin makes one live with POST /api/models/${name}/promote {"version": N}`,
      );
    }
    if (!summary.versions.includes(wanted)) {
      throw new HttpError(
        404,
        `model ${name} has no version ${wanted} (versions: ${summary.versions.join(', ')})`,
      );
    }
    const key = `${name}@${wanted}`;
    for (;;) {
      const entry = this.entries.get(key) ?? (await this.open(key, name, wanted));
      // Taken in the same tick as the check: a session is closed only while no one holds it.
      if (entry.closed) continue;
      entry.refs++;
      entry.lastUsed = performance.now();
      return entry;
    }
  }

  private release(entry: Entry): void {
    entry.refs--;
    if (entry.retired && entry.refs === 0) void this.retire(entry);
  }

  /** The registry view at the current marker, read again when the marker moved. */
  private async current(): Promise<RegistryView> {
    const marker = await this.marker();
    if (this.view?.marker === marker) return this.view;
    this.loading ??= this.load(marker).finally(() => {
      this.loading = undefined;
    });
    const view = await this.loading;
    // A load started at an older marker is not enough: read again.
    return view.marker === marker ? view : this.current();
  }

  /**
   * The registry's change marker: read afresh, except that a request arriving while a read is
   * in flight shares it (it is at most one readdir old), and within `markerTtlMs` of the last.
   */
  private marker(): Promise<string> {
    const now = performance.now();
    const last = this.checked;
    if (last && (last.pending || (this.markerTtlMs > 0 && now - last.at <= this.markerTtlMs))) {
      return last.marker;
    }
    const check = { at: now, pending: true, marker: this.registry.changeMarker() };
    check.marker.then(
      () => {
        check.pending = false;
      },
      () => {
        if (this.checked === check) this.checked = undefined;
      },
    );
    this.checked = check;
    return check.marker;
  }

  private async load(marker: string): Promise<RegistryView> {
    const models = new Map((await this.registry.list()).map((m) => [m.name, m]));
    // Loads run one at a time (see current), so this is the newest.
    this.view = { marker, models };
    this.prune();
    return this.view;
  }

  /** Open a version's session once, however many requests ask for it at the same time. */
  private open(key: string, name: string, version: number): Promise<Entry> {
    let opening = this.opening.get(key);
    if (!opening) {
      opening = (async () => {
        const { spec, onnx } = await this.registry.load(name, version);
        const session = await ModelSession.open(spec, onnx);
        const entry: Entry = {
          session,
          refs: 0,
          lastUsed: performance.now(),
          retired: false,
          closed: false,
        };
        if (this.closing) {
          await session.close();
          throw new HttpError(503, 'the server is stopping');
        }
        this.entries.set(key, entry);
        this.options.log?.info({ model: name, version }, 'model session opened');
        this.prune();
        return entry;
      })().finally(() => this.opening.delete(key));
      this.opening.set(key, opening);
    }
    return opening;
  }

  /**
   * Retire sessions beyond what is kept: every live version's, and the `keepNotLive` most
   * recently used others. A session opened or used in the last second is kept regardless, so
   * a request that has just been handed one (but not yet counted) never finds it closed.
   */
  private prune(): void {
    const live = new Set<string>();
    for (const m of this.view?.models.values() ?? []) if (m.live !== null) live.add(`${m.name}@${m.live}`);
    const others = [...this.entries].filter(([key]) => !live.has(key));
    others.sort(([, a], [, b]) => b.lastUsed - a.lastUsed);
    const now = performance.now();
    for (const [key, entry] of others.slice(this.keepNotLive)) {
      if (now - entry.lastUsed < 1000) continue;
      this.entries.delete(key);
      void this.retire(entry);
    }
  }

  /** Out of the cache; closed now when no request holds it, else when the last one is done. */
  private async retire(entry: Entry): Promise<void> {
    entry.retired = true;
    if (entry.refs > 0 || entry.closed) return;
    entry.closed = true;
    try {
      await entry.session.close();
    } catch (e) {
      this.options.log?.warn({ err: e, model: entry.session.spec.name }, 'closing a model session failed');
    }
  }
}
