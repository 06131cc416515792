import { describe, expect, it } from 'vitest';
import { compile, kindOf, numValue, type StellarNumber, toJson, type Value } from '#stellar';
import { GEOHASH_FUNCTIONS } from '../../../stellar/functions/geohash.js';
import { errorCodeOf } from '../../helpers/stellar.js';

/** The points and hashes of Metron's GeoHashFunctionsTest. */
const EMPIRE_STATE = { lat: 40.74857, long: -73.985752 };
const MOSCONE_CENTER = { lat: 37.782891, long: -122.404166 };
const JUTLAND = { lat: 57.64911, long: 10.4074 };
const JUTLAND_HASH = 'u4pruydqmvpb';

const run = (expr: string, vars: Record<string, Value> = {}): Value =>
  compile(expr).evaluate(new Map(Object.entries(vars)));

const hashOf = (p: { lat: number; long: number }) => run('GEOHASH_FROM_LATLONG(lat, long)', p) as string;

const HASHES = {
  empireState: hashOf(EMPIRE_STATE),
  mosconeCenter: hashOf(MOSCONE_CENTER),
  jutland: hashOf(JUTLAND),
};

/** The diagnostic code a call fails with (compile or run time), or 'none'. */
const errorCode = (expr: string, vars: Record<string, Value> = {}): string =>
  errorCodeOf(() => run(expr, vars), 'none');

/** A double result's value (and check it is a double). */
function double(expr: string, vars: Record<string, Value> = HASHES): number {
  const r = run(expr, vars) as StellarNumber;
  expect(kindOf(r), expr).toBe('double');
  return numValue(r);
}

function latLong(
  expr: string,
  vars: Record<string, Value> = HASHES,
): { latitude: number; longitude: number } {
  return toJson(run(expr, vars)) as { latitude: number; longitude: number };
}

describe('geohash function definitions', () => {
  it('covers the family', () => {
    expect(GEOHASH_FUNCTIONS.map((d) => d.name).sort()).toEqual([
      'GEOHASH_CENTROID',
      'GEOHASH_DIST',
      'GEOHASH_FROM_LATLONG',
      'GEOHASH_FROM_LOC',
      'GEOHASH_MAX_DIST',
      'GEOHASH_TO_LATLONG',
    ]);
    for (const def of GEOHASH_FUNCTIONS) {
      expect(def.family, def.name).toBe('geo');
      expect(def.namespace, def.name).toBe('GEOHASH');
      expect(def.examples.length, def.name).toBeGreaterThan(0);
      expect(def.description.length, def.name).toBeGreaterThan(10);
      for (const p of def.params) expect(p.description.length, `${def.name}.${p.name}`).toBeGreaterThan(2);
    }
  });
});

describe('GEOHASH_FROM_LATLONG and GEOHASH_FROM_LOC', () => {
  it('hashes to 12 characters by default, fewer on request', () => {
    expect(HASHES.jutland).toBe(JUTLAND_HASH);
    expect(run('GEOHASH_FROM_LATLONG(lat, long, 10)', JUTLAND)).toBe('u4pruydqmv');
    expect(run('GEOHASH_FROM_LATLONG(lat, long, 6)', JUTLAND)).toBe('u4pruy');
    expect(run("GEOHASH_FROM_LATLONG(lat, long, '4')", JUTLAND)).toBe('u4pr');
    expect(run('GEOHASH_FROM_LATLONG(lat, long, 0)', JUTLAND)).toBe('');
  });

  it('puts a point on a boundary in the upper half, as geohash-java does', () => {
    expect(run('GEOHASH_FROM_LATLONG(0, 0, 4)')).toBe('s000');
    expect(run('GEOHASH_FROM_LATLONG(-90, -180, 2)')).toBe('00');
  });

  it('converts numeric text and gives null for missing or unconvertible coordinates', () => {
    expect(run("GEOHASH_FROM_LATLONG('57.64911', ' 10.40740 ')")).toBe(JUTLAND_HASH);
    expect(run('GEOHASH_FROM_LATLONG(lat)', JUTLAND)).toBeNull();
    expect(run('GEOHASH_FROM_LATLONG()')).toBeNull();
    expect(run("GEOHASH_FROM_LATLONG('blah', long, 10)", JUTLAND)).toBeNull();
    expect(run('GEOHASH_FROM_LATLONG(null, long)', JUTLAND)).toBeNull();
  });

  it('fails on a precision over 12, an unconvertible precision, or coordinates out of range', () => {
    expect(errorCode('GEOHASH_FROM_LATLONG(lat, long, 13)', JUTLAND)).toBe('S204');
    expect(errorCode("GEOHASH_FROM_LATLONG(lat, long, 'x')", JUTLAND)).toBe('S204');
    expect(errorCode('GEOHASH_FROM_LATLONG(91, 0)')).toBe('S204');
    expect(errorCode('GEOHASH_FROM_LATLONG(0, -180.5)')).toBe('S204');
  });

  it('reads a GEO_GET-style location of strings', () => {
    const loc = new Map<Value, Value>([
      ['latitude', String(JUTLAND.lat)],
      ['longitude', String(JUTLAND.long)],
    ]);
    expect(run('GEOHASH_FROM_LOC(loc)', { loc })).toBe(JUTLAND_HASH);
    expect(run('GEOHASH_FROM_LOC(loc, 10)', { loc })).toBe('u4pruydqmv');
    expect(run('GEOHASH_FROM_LOC(loc, 6)', { loc })).toBe('u4pruy');
    expect(run("GEOHASH_FROM_LOC({'latitude': '57.64911'})")).toBeNull();
    expect(run("GEOHASH_FROM_LOC({'latitude': 'blah', 'longitude': '10.40740'}, 10)")).toBeNull();
    expect(run('GEOHASH_FROM_LOC(null)')).toBeNull();
    expect(run('GEOHASH_FROM_LOC()')).toBeNull();
  });

  it('fails where Metron casts: a non-map, or coordinates that are not strings', () => {
    expect(errorCode("GEOHASH_FROM_LOC('u4pr')")).toBe('S204');
    expect(errorCode("GEOHASH_FROM_LOC({'latitude': 57.6, 'longitude': 10.4})")).toBe('S204');
  });
});

describe('GEOHASH_TO_LATLONG', () => {
  it('gives the centre of the hash as doubles', () => {
    const p = latLong('GEOHASH_TO_LATLONG(hash)', { hash: JUTLAND_HASH });
    expect(Object.keys(p)).toEqual(['latitude', 'longitude']);
    expect(p.latitude).toBeCloseTo(JUTLAND.lat, 3);
    expect(p.longitude).toBeCloseTo(JUTLAND.long, 3);
    const m = run('GEOHASH_TO_LATLONG(hash)', { hash: JUTLAND_HASH }) as Map<Value, Value>;
    expect(kindOf(m.get('latitude') as StellarNumber)).toBe('double');
  });

  it('handles the degenerate hashes as Metron does', () => {
    const u = latLong("GEOHASH_TO_LATLONG('u')");
    expect(Number.isNaN(u.latitude) || Number.isNaN(u.longitude)).toBe(false);
    expect(u).toEqual({ latitude: 67.5, longitude: 22.5 });
    expect(latLong("GEOHASH_TO_LATLONG('')")).toEqual({ latitude: 0, longitude: 0 });
    expect(run('GEOHASH_TO_LATLONG(null)')).toBeNull();
    expect(run('GEOHASH_TO_LATLONG()')).toBeNull();
  });

  it('fails on characters outside the geohash alphabet and on a non-string', () => {
    expect(errorCode("GEOHASH_TO_LATLONG('u4a')")).toBe('S204');
    expect(errorCode("GEOHASH_TO_LATLONG('U4PR')")).toBe('S204');
    expect(errorCode('GEOHASH_TO_LATLONG(5)')).toBe('S204');
  });
});

describe('GEOHASH_DIST and GEOHASH_MAX_DIST', () => {
  for (const strategy of [undefined, 'HAVERSINE', 'LAW_OF_COSINES', 'VICENTY']) {
    it(`measures New York to San Francisco as 4128 km (${strategy ?? 'default'}), both ways`, () => {
      const extra = strategy === undefined ? '' : `, '${strategy}'`;
      const there = double(`GEOHASH_DIST(empireState, mosconeCenter${extra})`);
      const back = double(`GEOHASH_DIST(mosconeCenter, empireState${extra})`);
      expect(Math.abs(there - 4128)).toBeLessThanOrEqual(1);
      expect(Math.abs(back - 4128)).toBeLessThanOrEqual(1);
    });
  }

  it('is 0 from a hash to itself, null for a missing hash, an error for a bad strategy or hash', () => {
    expect(double('GEOHASH_DIST(jutland, jutland)')).toBe(0);
    expect(run('GEOHASH_DIST(jutland, null)', HASHES)).toBeNull();
    expect(run('GEOHASH_DIST(null, jutland)', HASHES)).toBeNull();
    expect(run('GEOHASH_DIST(jutland)', HASHES)).toBeNull();
    expect(errorCode("GEOHASH_DIST(jutland, jutland, 'VINCENTY')", HASHES)).toBe('S204');
    expect(errorCode("GEOHASH_DIST(jutland, 'a!')", HASHES)).toBe('S204');
  });

  it('finds the largest distance among hashes, in any order, skipping nulls', () => {
    for (const list of [
      '[empireState, mosconeCenter, jutland]',
      '[jutland, mosconeCenter, empireState]',
      '[jutland, mosconeCenter, empireState, null]',
    ]) {
      expect(Math.abs(double(`GEOHASH_MAX_DIST(${list})`) - 8528)).toBeLessThanOrEqual(1);
    }
    expect(double('GEOHASH_MAX_DIST([jutland, jutland, jutland])')).toBe(0);
    expect(
      Math.abs(double("GEOHASH_MAX_DIST([empireState, mosconeCenter], 'LAW_OF_COSINES')") - 4128),
    ).toBeLessThanOrEqual(1);
  });

  it('is NaN for no hashes and null for a null or missing collection', () => {
    expect(Number.isNaN(double('GEOHASH_MAX_DIST([])'))).toBe(true);
    expect(run('GEOHASH_MAX_DIST(null)')).toBeNull();
    expect(run('GEOHASH_MAX_DIST()')).toBeNull();
    expect(errorCode("GEOHASH_MAX_DIST('u4pr')")).toBe('S204');
  });
});

describe('GEOHASH_CENTROID', () => {
  /** geomidpoint.com's centre of gravity of the Empire State Building and the Moscone Center. */
  const MIDPOINT = { latitude: 41.86921, longitude: -98.740087 };

  it('finds the geographic midpoint of a list of hashes', () => {
    const c = latLong('GEOHASH_TO_LATLONG(GEOHASH_CENTROID([empireState, mosconeCenter]))');
    expect(Math.abs(c.latitude - MIDPOINT.latitude)).toBeLessThan(1e-3);
    expect(Math.abs(c.longitude - MIDPOINT.longitude)).toBeLessThan(1e-3);
    for (const list of ['[empireState, empireState]', '[empireState]']) {
      const same = latLong(`GEOHASH_TO_LATLONG(GEOHASH_CENTROID(${list}))`);
      expect(Math.abs(same.latitude - EMPIRE_STATE.lat)).toBeLessThan(1e-3);
      expect(Math.abs(same.longitude - EMPIRE_STATE.long)).toBeLessThan(1e-3);
    }
    expect(run('GEOHASH_TO_LATLONG(GEOHASH_CENTROID([]))')).toBeNull();
  });

  it('weights the points of a map', () => {
    for (let weight = 1; weight < 10; weight++) {
      const weighted = new Map<Value, Value>([
        [HASHES.empireState, weight],
        [HASHES.mosconeCenter, weight],
      ]);
      const c = latLong('GEOHASH_TO_LATLONG(GEOHASH_CENTROID(w))', { w: weighted });
      expect(Math.abs(c.latitude - MIDPOINT.latitude)).toBeLessThan(1e-3);
      expect(Math.abs(c.longitude - MIDPOINT.longitude)).toBeLessThan(1e-3);
    }
    const heavy = new Map<Value, Value>([
      [HASHES.empireState, 1000],
      [HASHES.mosconeCenter, 1],
    ]);
    const c = latLong('GEOHASH_TO_LATLONG(GEOHASH_CENTROID(w))', { w: heavy });
    expect(Math.abs(c.longitude - EMPIRE_STATE.long)).toBeLessThan(0.1);
    expect(run('GEOHASH_CENTROID(w)', { w: new Map() })).toBeNull();
  });

  it('takes an int precision, and is null for null or a non-collection', () => {
    expect(run("GEOHASH_CENTROID(['u4pruydqmvpb'], 5)")).toBe('u4pru');
    expect(errorCode("GEOHASH_CENTROID(['u4pruydqmvpb'], 5L)")).toBe('S204');
    expect(errorCode("GEOHASH_CENTROID(['u4pruydqmvpb'], null)")).toBe('S204');
    expect(errorCode("GEOHASH_CENTROID({'u4pruydqmvpb': 'heavy'})")).toBe('S204');
    expect(run('GEOHASH_CENTROID(null)')).toBeNull();
    expect(run('GEOHASH_CENTROID()')).toBeNull();
    expect(run("GEOHASH_CENTROID('u4pr')")).toBeNull();
  });
});
