import {
  ConfigError,
  type ConfigProblem,
  DOUBLE_FIELDS,
  type Event,
  type EventError,
  type TriageConfig,
} from '#core';
import {
  compile,
  type Expression,
  type FunctionRegistry,
  isNumber,
  numValue,
  StellarError,
  toJavaString,
} from '#stellar';

/**
 * Metron's threat triage (ThreatTriageProcessor and ThreatIntelUtils), run on an enriched event:
 *
 * - An event is an alert when its `is_alert` is true (`true` or `"true"`, any case) or when it
 *   has a `threatintels…` field (timing fields ending in `.ts` aside). A false `is_alert` is
 *   removed. Only alerts are triaged; they get `is_alert: "true"`.
 * - Each of `riskLevelRules` whose `rule` holds adds its `score` (a number, or a Stellar
 *   expression giving one); the scores of the rules that fired combine by `aggregator`: MAX
 *   and SUM from 0, MIN from Double.MAX_VALUE, MEAN, POSITIVE_MEAN (mean of the positive
 *   scores, 0 if none). With `negativeValuesTrump` (the default) any negative score makes the
 *   result -Infinity.
 * - When at least one rule fired: `threat.triage.score` (a double) and, for the i-th rule that
 *   fired, `threat.triage.rules.<i>.name|comment|score|reason` as Metron writes them (`score`
 *   is the score as configured, `reason` the value of the reason expression), plus Palisade's
 *   `threat.triage.rules.<i>.value`: the number that rule added, so an alert shows which rule
 *   added what.
 *
 * A rule that does not give a boolean, or a score that is not a number, fails the event (an
 * `errors` record, stage `threatintel_error`), as Metron failed the message.
 */

export interface Triage {
  /** Triage one event in place; returns why it failed, if it did. */
  apply(event: Event): EventError | undefined;
}

interface CompiledRule {
  name: string | null;
  comment: string | null;
  rule: Expression;
  /** The score as configured, as text (Metron's `score` output). */
  scoreText: string;
  score: Expression | number;
  reason: Expression | undefined;
}

const MAX_DOUBLE = Number.MAX_VALUE;

/** Compile a triage config; throws a ConfigError listing every rule that does not compile. */
export function buildTriage(config: TriageConfig, file: string, functions?: FunctionRegistry): Triage {
  const problems: ConfigProblem[] = [];
  const at = (i: number, key: string) => `threatIntel.triageConfig.riskLevelRules[${i}].${key}`;
  const stellar = (source: string, path: string): Expression | undefined => {
    try {
      return compile(source, { missing: 'null', ...(functions ? { functions } : {}) });
    } catch (e) {
      if (!(e instanceof StellarError)) throw e;
      problems.push({ file, path, message: e.render() });
      return undefined;
    }
  };
  const rules: CompiledRule[] = [];
  config.riskLevelRules.forEach((r, i) => {
    const rule = stellar(r.rule, at(i, 'rule'));
    const score = typeof r.score === 'number' ? r.score : stellar(r.score, at(i, 'score'));
    const reason = r.reason === undefined ? undefined : stellar(r.reason, at(i, 'reason'));
    if (rule === undefined || score === undefined || (r.reason !== undefined && reason === undefined)) return;
    rules.push({
      name: r.name ?? null,
      comment: r.comment ?? null,
      rule,
      scoreText: String(r.score),
      score,
      reason,
    });
  });
  if (problems.length > 0) throw new ConfigError(problems);
  const combine = aggregator(config.aggregator, config.aggregationConfig.negativeValuesTrump !== false);

  return {
    apply(event) {
      if (!markAlert(event)) return undefined;
      const fired: { rule: CompiledRule; value: number; reason: unknown }[] = [];
      for (const [i, r] of rules.entries()) {
        let holds: unknown;
        try {
          holds = r.rule.evaluate(event as Record<string, unknown>);
        } catch (e) {
          return failure(`rule ${i} failed: ${(e as Error).message}`);
        }
        if (holds === null || holds === false) continue;
        if (holds !== true)
          return failure(`rule ${i} (${r.rule.source}) gave ${toJavaString(holds as never)}, not a boolean`);
        let value: number;
        let reason: unknown = null;
        try {
          value =
            typeof r.score === 'number'
              ? r.score
              : scoreOf(r.score.evaluate(event as Record<string, unknown>));
          if (r.reason !== undefined) {
            const v = r.reason.evaluate(event as Record<string, unknown>);
            reason = v === null ? null : toJavaString(v);
          }
        } catch (e) {
          return failure(`rule ${i} score or reason failed: ${(e as Error).message}`);
        }
        if (Number.isNaN(value)) return failure(`rule ${i}: the score ${r.scoreText} is not a number`);
        fired.push({ rule: r, value, reason });
      }
      if (fired.length === 0) return undefined;
      const doubles = (event[DOUBLE_FIELDS] as Set<string> | undefined) ?? new Set<string>();
      event['threat.triage.score'] = combine(fired.map((f) => f.value));
      doubles.add('threat.triage.score');
      fired.forEach((f, i) => {
        const prefix = `threat.triage.rules.${i}`;
        event[`${prefix}.name`] = f.rule.name;
        event[`${prefix}.comment`] = f.rule.comment;
        event[`${prefix}.score`] = f.rule.scoreText;
        event[`${prefix}.reason`] = f.reason as string | null;
        event[`${prefix}.value`] = f.value;
        doubles.add(`${prefix}.value`);
      });
      event[DOUBLE_FIELDS] = doubles;
      return undefined;
    },
  };
}

function failure(message: string): EventError {
  return { stage: 'threatintel_error', code: 'triage', message };
}

/** A score expression's value as a number (NaN when it is not one). */
function scoreOf(v: unknown): number {
  if (isNumber(v as never)) return numValue(v as never);
  return Number.NaN;
}

/** Metron's alert test, with its side effects on `is_alert`. */
function markAlert(event: Event): boolean {
  const flag = event.is_alert;
  let alert = flag === true || (typeof flag === 'string' && flag.toLowerCase() === 'true');
  if (!alert && flag !== undefined) delete event.is_alert;
  if (!alert) {
    for (const key of Object.keys(event)) {
      if (key.startsWith('threatintels') && !key.endsWith('.ts')) {
        alert = true;
        break;
      }
    }
  }
  if (alert) event.is_alert = 'true';
  return alert;
}

/** Metron's aggregators over the scores of the rules that fired. */
export function aggregator(
  name: TriageConfig['aggregator'],
  negativeValuesTrump: boolean,
): (scores: readonly number[]) => number {
  const fold = (scores: readonly number[]): number => {
    switch (name) {
      case 'MAX':
        return scores.reduce((a, b) => Math.max(a, b), 0);
      case 'MIN':
        return scores.reduce((a, b) => Math.min(a, b), MAX_DOUBLE);
      case 'SUM':
        return scores.reduce((a, b) => a + b, 0);
      case 'MEAN':
        return scores.length === 0 ? 0 : scores.reduce((a, b) => a + b, 0) / scores.length;
      case 'POSITIVE_MEAN': {
        const positive = scores.filter((s) => s > 0);
        return positive.length === 0 ? 0 : positive.reduce((a, b) => a + b, 0) / positive.length;
      }
    }
  };
  return (scores) =>
    negativeValuesTrump && scores.some((s) => s < 0) ? Number.NEGATIVE_INFINITY : fold(scores);
}
