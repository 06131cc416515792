/**
 * Crash points for fault tests. `PALISADE_FAULT=<point>:<n>` makes the process kill itself
 * (SIGKILL: no cleanup, no flush) the n-th time it reaches `<point>` — the moments where a
 * crash is most likely to lose or duplicate data, e.g. `index.after-lake-commit` (the lake has
 * the batch, Kafka's offsets do not) or `stream.before-txn-commit`. Unset, it costs one lookup.
 */
const spec = /^([\w.-]+):(\d+)$/.exec(process.env.PALISADE_FAULT ?? '');
let remaining = spec ? Number(spec[2]) : 0;

/** Mark a crash point; kills the process when PALISADE_FAULT names it and its count is reached. */
export function faultPoint(point: string): void {
  if (spec === null || spec[1] !== point) return;
  if (--remaining === 0) process.kill(process.pid, 'SIGKILL');
}

/**
 * Mark a point where an infrastructure call can fail; throws an error the n-th time it is
 * reached when PALISADE_FAULT names it (`index.append-error:2`), so tests see the worker ride
 * out a failing sink.
 */
export function faultError(point: string): void {
  if (spec === null || spec[1] !== point) return;
  if (--remaining === 0) throw new Error(`injected fault at ${point}`);
}
