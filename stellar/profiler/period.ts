/**
 * Profile periods, as Metron's `ProfilePeriod` counts them: period `id` covers
 * `[id * durationMs, (id + 1) * durationMs)`, so period 0 began at the epoch. PROFILE_FIXED and
 * PROFILE_WINDOW (see window.ts) both walk periods this way.
 *
 * Instants are epoch milliseconds and must be safe integers (Java longs, in the range a double
 * holds exactly). Ids are `floor(ms / durationMs)`; Metron divides with Java's `/`, which
 * truncates, so the two differ only before 1970, where Metron's walk fails outright.
 */

/** One profile period. */
export interface ProfilePeriod {
  /** `floor(start / durationMs)`. */
  readonly id: number;
  /** First millisecond of the period. */
  readonly start: number;
  /** `start + durationMs`: the first millisecond after it (Metron's `getEndTimeMillis`). */
  readonly end: number;
  readonly durationMs: number;
}

/**
 * The most periods one call returns. Metron has no bound (a selector an analyst typed could
 * fill the heap); past this, the call throws a RangeError instead.
 */
export const MAX_PERIODS = 1_000_000;

/** Milliseconds in one of Java's `TimeUnit`s, for the units a period or lookback can be in. */
const UNIT_MS: Readonly<Record<string, number>> = {
  MILLISECONDS: 1,
  SECONDS: 1_000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};

/** The unit names {@link timeUnitMs} takes, as Java spells them. */
export const TIME_UNITS: readonly string[] = Object.keys(UNIT_MS);

/**
 * Milliseconds in one `unit`: a Java `TimeUnit` name (`MINUTES`, `HOURS`, …), any case.
 *
 * @example timeUnitMs('minutes') // 60000
 */
export function timeUnitMs(unit: string): number {
  const ms = UNIT_MS[String(unit).toUpperCase()];
  if (ms !== undefined) return ms;
  const upper = String(unit).toUpperCase();
  const why =
    upper === 'MICROSECONDS' || upper === 'NANOSECONDS'
      ? ': periods and lookbacks are whole milliseconds'
      : ` (expected ${TIME_UNITS.slice(0, -1).join(', ')} or ${TIME_UNITS.at(-1)})`;
  throw new RangeError(`unknown time unit '${unit}'${why}`);
}

/**
 * `amount` `unit`s in milliseconds, as Java's `unit.toMillis(amount)` after Metron has turned
 * the amount into a long: a fractional amount is truncated toward zero.
 *
 * @example durationMs(15, 'MINUTES') // 900000
 */
export function durationMs(amount: number, unit: string): number {
  const unitMs = timeUnitMs(unit);
  const ms = Math.trunc(amount) * unitMs;
  if (!Number.isSafeInteger(ms))
    throw new RangeError(`the duration ${amount} ${unit} is not a number of milliseconds that fits`);
  return ms === 0 ? 0 : ms;
}

/** `floor(a / b)` for safe integers, exact even where the double quotient rounds. */
export function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q -= 1;
  else if ((q + 1) * b <= a) q += 1;
  return q;
}

function checkPeriodMs(periodMs: number): void {
  if (!Number.isSafeInteger(periodMs) || periodMs <= 0)
    throw new RangeError(`period duration must be a whole number of milliseconds > 0; got ${periodMs}`);
}

function checkInstant(name: string, ms: number): void {
  if (!Number.isSafeInteger(ms)) throw new RangeError(`${name} must be whole epoch milliseconds; got ${ms}`);
}

/**
 * The id of the period holding `ms`.
 *
 * @example periodId(1472131630748, 900000) // 1635701 (Thu, 25 Aug 2016 13:15 UTC)
 */
export function periodId(ms: number, periodMs: number): number {
  checkPeriodMs(periodMs);
  checkInstant('the time', ms);
  return floorDiv(ms, periodMs);
}

/** When period `id` starts, in epoch ms. */
export function periodStart(id: number, periodMs: number): number {
  checkPeriodMs(periodMs);
  return id * periodMs;
}

/** Period `id` as a value. */
export function profilePeriod(id: number, periodMs: number): ProfilePeriod {
  checkPeriodMs(periodMs);
  const start = id * periodMs;
  return { id, start, end: start + periodMs, durationMs: periodMs };
}

/**
 * The periods Metron's `ProfilePeriod.visitPeriods(startMs, endMs, …)` visits, oldest first:
 * from the period holding `startMs` through every period that starts at or before `endMs`.
 * Both ends count: a period starting exactly at `endMs` is in, and the period holding `startMs`
 * is in even though it began before it. When `endMs` is before the start of the period holding
 * `startMs`, there are none.
 *
 * @example periodsBetween(0, 900000, 900000).map((p) => p.id) // [0, 1]
 */
export function periodsBetween(startMs: number, endMs: number, periodMs: number): ProfilePeriod[] {
  checkPeriodMs(periodMs);
  checkInstant('the start', startMs);
  checkInstant('the end', endMs);
  const first = floorDiv(startMs, periodMs);
  const last = floorDiv(endMs, periodMs);
  const count = last - first + 1;
  if (count <= 0) return [];
  if (count > MAX_PERIODS)
    throw new RangeError(
      `${count} periods from ${startMs} to ${endMs}: more than the ${MAX_PERIODS} allowed`,
    );
  const periods: ProfilePeriod[] = [];
  for (let id = first; id <= last; id++) periods.push(profilePeriod(id, periodMs));
  return periods;
}

/**
 * What `PROFILE_FIXED(durationAgo, units)` returns when the clock reads `nowMs`: every period
 * from the one holding `nowMs - agoMs` to the one holding `nowMs`.
 *
 * @example fixedLookback(nowMs, durationMs(4, 'HOURS'), durationMs(15, 'MINUTES')) // 17 periods
 */
export function fixedLookback(nowMs: number, agoMs: number, periodMs: number): ProfilePeriod[] {
  checkInstant('now', nowMs);
  checkInstant('the lookback', agoMs);
  return periodsBetween(nowMs - agoMs, nowMs, periodMs);
}
