import { UsageError } from '#core';

/**
 * The registry's table replayed: which versions each model has and which one is live. Pure, so
 * the rules (promote pushes, rollback pops) are read here and nowhere else.
 */

/** The Delta table of registry actions (its TableSpec is in lake/tables.ts). */
export const REGISTRY_TABLE = 'model_registry';

export type RegistryAction = 'register' | 'promote' | 'rollback';

/** One row of {@link REGISTRY_TABLE}. */
export interface RegistryRow {
  /** Epoch ms of the action. */
  timestamp: number;
  /** Commit order: each commit's rows take the previous maximum + 1, + 2, … */
  seq: number;
  name: string;
  /** register: the new version; promote: the version made live; rollback: the version live again. */
  version: number;
  action: RegistryAction;
  actor: string;
  kind: string;
  features: string[];
  sha256: string;
  /** JSON text: a register's metrics, a promote's `{from}`, a rollback's `{from, to}`. */
  detail: string;
}

/** One model's history, replayed. */
export interface ModelHistory {
  readonly name: string;
  /** The register row of each version. */
  readonly registered: Map<number, RegistryRow>;
  /** Versions made live, oldest first; the last is live. A promote pushes, a rollback pops. */
  readonly stack: number[];
}

export interface RegistryState {
  /** The highest `seq` in the table (0 when empty): the next commit's rows start at seq + 1. */
  readonly seq: number;
  readonly models: Map<string, ModelHistory>;
}

/**
 * Replay rows in commit order (`seq`; the timestamp only breaks ties a foreign writer could make).
 * Ordering by seq rather than by time means a clock that steps back cannot reorder actions
 * that were each decided on the state the previous ones left.
 */
export function replay(rows: readonly RegistryRow[]): RegistryState {
  const ordered = [...rows].sort((a, b) => a.seq - b.seq || a.timestamp - b.timestamp);
  const models = new Map<string, ModelHistory>();
  let seq = 0;
  for (const row of ordered) {
    seq = Math.max(seq, row.seq);
    let history = models.get(row.name);
    if (!history) {
      history = { name: row.name, registered: new Map(), stack: [] };
      models.set(row.name, history);
    }
    if (row.action === 'register') history.registered.set(row.version, row);
    else if (row.action === 'promote') {
      if (history.stack.at(-1) !== row.version) history.stack.push(row.version);
    } else if (row.action === 'rollback' && history.stack.length > 1) history.stack.pop();
  }
  return { seq, models };
}

/** The live version, or null. */
export function liveVersion(history: ModelHistory): number | null {
  return history.stack.at(-1) ?? null;
}

/** Registered versions, ascending. */
export function versionsOf(history: ModelHistory): number[] {
  return [...history.registered.keys()].sort((a, b) => a - b);
}

/** A model's history, or a UsageError naming the models there are. */
export function historyOf(state: RegistryState, name: string): ModelHistory {
  const history = state.models.get(name);
  if (history && history.registered.size > 0) return history;
  const names = [...state.models.values()]
    .filter((h) => h.registered.size > 0)
    .map((h) => h.name)
    .sort();
  throw new UsageError(
    `no model named '${name}' is registered (${names.length > 0 ? `models: ${names.join(', ')}` : 'the registry is empty'})`,
  );
}

/** A version's register row, or a UsageError naming the versions there are. */
export function registeredVersion(history: ModelHistory, version: number): RegistryRow {
  const row = history.registered.get(version);
  if (row) return row;
  throw new UsageError(
    `model ${history.name} has no version ${version} (versions: ${versionsOf(history).join(', ')})`,
  );
}
