import { runAsWorker } from 'synckit';
import { UsageError } from '#core';
import { ModelRegistry } from './registry/registry.js';
import { ModelSession } from './session.js';
import type { ModelSpec } from './spec.js';

/**
 * The asynchronous half of {@link ModelFunctions} (sync-client.ts): a worker thread that the
 * main thread calls through synckit and blocks on, because Stellar evaluates synchronously while
 * the registry, ONNX Runtime and HTTP are asynchronous. It holds the registry of one lake, one
 * ONNX Runtime session per model version in use, and does the HTTP calls of MAAS_MODEL_APPLY.
 *
 * It is loaded as compiled JavaScript (dist/models/sync-worker.js), also under vitest. Every
 * answer is a value — failures included, with a kind the caller warns once about — so that no
 * error class has to survive the trip between threads.
 */

/** A model version as the main thread needs it: its number and its features, in order. */
export interface VersionInfo {
  version: number;
  features: readonly string[];
}

export type WorkerRequest =
  /** The live version of a model (null: none); the registry's change marker is read each time. */
  | { op: 'live'; lake: string; name: string }
  /** A registered version of a model (null: not registered). */
  | { op: 'version'; lake: string; name: string; version: number }
  /** Score one row, feature → finite number or null, with a version. */
  | { op: 'score'; lake: string; name: string; version: number; row: Record<string, number | null> }
  /** POST a JSON body; the parsed JSON answer. */
  | { op: 'post'; url: string; body: string; token: string; timeoutMs: number }
  /** Release the sessions and end the thread. */
  | { op: 'exit' };

export type WorkerAnswer<T> = { ok: true; value: T } | { ok: false; kind: string; message: string };

/** Sessions kept open at once; older versions are closed first. */
const MAX_SESSIONS = 8;
/** How long a version that failed to load is not tried again (ms). */
const LOAD_RETRY_MS = 10_000;

class Lake {
  readonly registry: ModelRegistry;
  private marker: string | undefined;
  /** Live versions read since the marker last changed. */
  private readonly live = new Map<string, VersionInfo | null>();
  /** Registered versions: immutable once registered. */
  private readonly versions = new Map<string, VersionInfo>();
  /** name@version → its session, most recently used last. */
  private readonly sessions = new Map<string, ModelSession>();
  private readonly broken = new Map<string, { at: number; message: string }>();

  constructor(dir: string) {
    this.registry = new ModelRegistry(dir);
  }

  async liveVersion(name: string): Promise<VersionInfo | null> {
    const marker = await this.registry.changeMarker();
    if (marker !== this.marker) {
      this.marker = marker;
      this.live.clear();
    }
    if (this.live.has(name)) return this.live.get(name) ?? null;
    const spec = await this.registry.live(name);
    const info = spec ? { version: spec.version, features: spec.features } : null;
    this.live.set(name, info);
    return info;
  }

  async version(name: string, version: number): Promise<VersionInfo | null> {
    const key = `${name}@${version}`;
    const known = this.versions.get(key);
    if (known) return known;
    let spec: ModelSpec;
    try {
      spec = await this.registry.spec(name, version);
    } catch (error) {
      // An unknown name or version; anything else (an unreadable lake) is a failure.
      if (error instanceof UsageError) return null;
      throw error;
    }
    const info = { version, features: spec.features };
    this.versions.set(key, info);
    return info;
  }

  async session(name: string, version: number): Promise<ModelSession> {
    const key = `${name}@${version}`;
    const open = this.sessions.get(key);
    if (open) {
      this.sessions.delete(key);
      this.sessions.set(key, open);
      return open;
    }
    const failed = this.broken.get(key);
    if (failed && Date.now() - failed.at < LOAD_RETRY_MS) throw new Error(failed.message);
    let session: ModelSession;
    try {
      const { spec, onnx } = await this.registry.load(name, version);
      session = await ModelSession.open(spec, onnx);
    } catch (error) {
      this.broken.set(key, { at: Date.now(), message: messageOf(error) });
      throw error;
    }
    this.broken.delete(key);
    this.sessions.set(key, session);
    for (const [old, s] of this.sessions) {
      if (this.sessions.size <= MAX_SESSIONS) break;
      this.sessions.delete(old);
      await s.close();
    }
    return session;
  }

  async close(): Promise<void> {
    const open = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(open.map((s) => s.close()));
  }
}

const lakes = new Map<string, Lake>();

function lakeOf(dir: string): Lake {
  let lake = lakes.get(dir);
  if (lake === undefined) {
    lake = new Lake(dir);
    lakes.set(dir, lake);
  }
  return lake;
}

async function attempt<T>(kind: string, work: () => Promise<T>): Promise<WorkerAnswer<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, kind, message: messageOf(error) };
  }
}

async function post(request: Extract<WorkerRequest, { op: 'post' }>): Promise<WorkerAnswer<unknown>> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${request.token}` },
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return { ok: false, kind: 'http-unreachable', message: messageOf(cause ?? error) };
  }
  if (!response.ok) {
    const detail = firstLine(text).slice(0, 200);
    return {
      ok: false,
      // A 400 is about these arguments; anything else is about the endpoint.
      kind: response.status === 400 ? 'http-rejected' : 'http-status',
      message: `HTTP ${response.status}${detail ? `: ${detail}` : ''}`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, kind: 'http-response', message: 'the answer is not JSON' };
  }
}

async function handle(request: WorkerRequest): Promise<WorkerAnswer<unknown>> {
  switch (request.op) {
    case 'live':
      return attempt('registry', () => lakeOf(request.lake).liveVersion(request.name));
    case 'version':
      return attempt('registry', () => lakeOf(request.lake).version(request.name, request.version));
    case 'score':
      return attempt('score', async () => {
        const session = await lakeOf(request.lake).session(request.name, request.version);
        const [score] = await session.scoreRows([request.row]);
        return score as number;
      });
    case 'post':
      return post(request);
    case 'exit': {
      await Promise.all([...lakes.values()].map((l) => l.close()));
      lakes.clear();
      // After the answer is posted: the thread ends, and the client never calls it again.
      setImmediate(() => process.exit(0));
      return { ok: true, value: null };
    }
  }
}

function messageOf(error: unknown): string {
  return firstLine(error instanceof Error ? error.message : String(error));
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

runAsWorker(handle);
