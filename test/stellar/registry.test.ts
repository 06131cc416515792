import { describe, expect, it } from 'vitest';
import { compile, StellarError, standardFunctions, toJson } from '#stellar';

/**
 * The standard library as a whole: every function Metron ships in stellar-common, statistics and
 * the network families is there, each definition describes itself, and every example runs.
 */

/** Metron's pure functions (METRON.md §4.2) plus the host functions Palisade declares. */
const EXPECTED = `
TO_LOWER TO_UPPER TRIM STARTS_WITH ENDS_WITH SPLIT JOIN SUBSTRING FILL_LEFT FILL_RIGHT CHOP CHOMP
PREPEND_IF_MISSING APPEND_IF_MISSING COUNT_MATCHES FORMAT STRING_ENTROPY GET GET_FIRST GET_LAST TO_STRING
TO_JSON_OBJECT TO_JSON_MAP TO_JSON_LIST FUZZY_SCORE FUZZY_LANGS REGEXP_MATCH REGEXP_GROUP_VAL REGEXP_REPLACE
TO_INTEGER TO_LONG TO_FLOAT TO_DOUBLE ABS CEILING FLOOR ROUND SQRT EXP LN LOG2 LOG10 SIN COS TAN IS_NAN MAX MIN
LENGTH IS_EMPTY LIST_ADD MAP_GET MAP_EXISTS MAP_PUT MAP_MERGE SET_INIT SET_ADD SET_REMOVE SET_MERGE
MULTISET_INIT MULTISET_ADD MULTISET_REMOVE MULTISET_MERGE MULTISET_TO_SET BLOOM_INIT BLOOM_ADD BLOOM_EXISTS
BLOOM_MERGE MAP FILTER REDUCE ZIP ZIP_LONGEST TO_EPOCH_TIMESTAMP DATE_FORMAT YEAR MONTH DAY_OF_MONTH DAY_OF_WEEK
DAY_OF_YEAR WEEK_OF_MONTH WEEK_OF_YEAR IN_SUBNET DOMAIN_TO_TLD DOMAIN_REMOVE_TLD DOMAIN_REMOVE_SUBDOMAINS
URL_TO_HOST URL_TO_PORT URL_TO_PATH URL_TO_PROTOCOL IS_IP IS_DOMAIN IS_EMAIL IS_URL IS_DATE IS_INTEGER
PROTOCOL_TO_NAME DOMAIN_TYPOSQUAT ENCODE DECODE IS_ENCODING GET_SUPPORTED_ENCODINGS HASH GET_HASHES_AVAILABLE
TLSH_DIST SYSTEM_ENV_GET SYSTEM_PROPERTY_GET STATS_INIT STATS_ADD STATS_MERGE STATS_COUNT STATS_SUM STATS_MEAN
STATS_MIN STATS_MAX STATS_SD STATS_VARIANCE STATS_POPULATION_VARIANCE STATS_GEOMETRIC_MEAN STATS_QUADRATIC_MEAN
STATS_SKEWNESS STATS_KURTOSIS STATS_SUM_LOGS STATS_SUM_SQUARES STATS_PERCENTILE STATS_BIN BIN HLLP_INIT HLLP_ADD
HLLP_MERGE HLLP_CARDINALITY IT_ENTROPY OUTLIER_MAD_STATE_MERGE OUTLIER_MAD_ADD OUTLIER_MAD_SCORE SAMPLE_INIT
SAMPLE_ADD SAMPLE_GET SAMPLE_MERGE GEOHASH_FROM_LATLONG GEOHASH_FROM_LOC GEOHASH_TO_LATLONG GEOHASH_DIST
GEOHASH_MAX_DIST GEOHASH_CENTROID GEO_GET ASN_GET ENRICHMENT_GET ENRICHMENT_EXISTS OBJECT_GET
ENRICHMENT_OBJECT_GET PROFILE_GET PROFILE_VERBOSE PROFILE_FIXED PROFILE_WINDOW MAAS_GET_ENDPOINT
MAAS_MODEL_APPLY REST_GET REST_POST MODEL_SCORE
`
  .trim()
  .split(/\s+/);

describe('the standard Stellar library', () => {
  const registry = standardFunctions();
  const defs = [...registry.values()];

  it('has every function Metron ships in these families', () => {
    const missing = EXPECTED.filter((name) => !registry.has(name));
    expect(missing).toEqual([]);
  });

  it('describes every function', () => {
    for (const def of defs) {
      expect(def.name, def.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(def.namespace === '' || def.name.startsWith(`${def.namespace}_`), def.name).toBe(true);
      expect(def.description.length, def.name).toBeGreaterThan(10);
      expect(def.returns.length, def.name).toBeGreaterThan(2);
      expect(def.family.length, def.name).toBeGreaterThan(1);
      for (const p of def.params) expect(p.description.length, `${def.name}.${p.name}`).toBeGreaterThan(2);
      const variadic = def.params.findIndex((p) => p.variadic);
      if (variadic >= 0) expect(variadic, `${def.name}: variadic must be last`).toBe(def.params.length - 1);
      if (def.host) expect(def.call, def.name).toBeUndefined();
      else {
        expect(def.call, def.name).toBeTypeOf('function');
        expect(def.examples.length, `${def.name} needs an example`).toBeGreaterThan(0);
      }
    }
  });

  it('runs every example to its stated result', () => {
    const problems: string[] = [];
    let count = 0;
    for (const def of defs) {
      for (const ex of def.examples) {
        count++;
        try {
          const got = toJson(compile(ex.expr).evaluate(ex.vars ?? {}, { now: Date.UTC(2026, 10, 28, 12) }));
          if (ex.error) problems.push(`${ex.expr}: expected an error, got ${JSON.stringify(got)}`);
          else if (JSON.stringify(got) !== JSON.stringify(ex.expect))
            problems.push(`${ex.expr}: expected ${JSON.stringify(ex.expect)}, got ${JSON.stringify(got)}`);
        } catch (e) {
          if (!ex.error || !(e instanceof StellarError)) problems.push(`${ex.expr}: ${String(e)}`);
        }
      }
    }
    expect(count).toBeGreaterThan(defs.length / 2);
    expect(problems).toEqual([]);
  });
});
