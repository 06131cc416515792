import {
  double,
  isNumber,
  kindOf,
  numValue,
  type StellarNumber,
  toJavaString,
  type Value,
} from '../values.js';
import { convertInt, firstIfCollection, javaTrim } from './coerce.js';
import { type FunctionDef, fail } from './types.js';

/**
 * Geohash functions as Metron's `GeoHashFunctions` (metron-enrichment-common) computes them with
 * geohash-java and spatial4j: hashes of up to 12 characters, distances in kilometres on a sphere
 * of radius 6371.0087714 km, centroids as the centre of gravity of points on the unit sphere.
 */

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';
const EARTH_MEAN_RADIUS_KM = 6371.0087714;
const MAX_CHARACTERS = 12;

interface Point {
  latitude: number;
  longitude: number;
}

/** geohash-java's `WGS84Point`: refuses coordinates out of range (NaN passes, as in Java). */
function point(latitude: number, longitude: number): Point {
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
    fail(`The supplied coordinates (${latitude},${longitude}) are out of range.`);
  }
  return { latitude, longitude };
}

/** `GeoHash.withCharacterPrecision(lat, long, n).toBase32()`. */
function encode(p: Point, characters: number): string {
  if (characters > MAX_CHARACTERS) fail(`A geohash can only be ${MAX_CHARACTERS} character long.`);
  const bits = Math.max(0, characters * 5);
  let latLo = -90;
  let latHi = 90;
  let lonLo = -180;
  let lonHi = 180;
  let hash = '';
  let chunk = 0;
  for (let b = 0; b < bits; b++) {
    let on: boolean;
    if (b % 2 === 0) {
      const mid = (lonLo + lonHi) / 2;
      on = p.longitude >= mid;
      if (on) lonLo = mid;
      else lonHi = mid;
    } else {
      const mid = (latLo + latHi) / 2;
      on = p.latitude >= mid;
      if (on) latLo = mid;
      else latHi = mid;
    }
    chunk = chunk * 2 + (on ? 1 : 0);
    if (b % 5 === 4) {
      hash += BASE32.charAt(chunk);
      chunk = 0;
    }
  }
  return hash;
}

/** `GeoHash.fromGeohashString(hash).getPoint()`: the centre of the hash's box. */
function decode(hash: string): Point {
  let latLo = -90;
  let latHi = 90;
  let lonLo = -180;
  let lonHi = 180;
  let even = true;
  for (let i = 0; i < hash.length; i++) {
    const cd = BASE32.indexOf(hash.charAt(i));
    if (cd < 0) fail(`'${hash.charAt(i)}' is not a geohash character`);
    for (let mask = 16; mask > 0; mask >>= 1) {
      const on = (cd & mask) !== 0;
      if (even) {
        const mid = (lonLo + lonHi) / 2;
        if (on) lonLo = mid;
        else lonHi = mid;
      } else {
        const mid = (latLo + latHi) / 2;
        if (on) latLo = mid;
        else latHi = mid;
      }
      even = !even;
    }
  }
  return point((latLo + latHi) / 2, (lonLo + lonHi) / 2);
}

/** A hash argument: a string, or null; anything else is Metron's ClassCastException. */
function hashArg(v: Value | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') return fail(`${toJavaString(v)} is not a geohash string`);
  return v;
}

/** Java 8's `Math.toRadians` and `Math.toDegrees`, operation for operation. */
const toRadians = (deg: number): number => (deg / 180) * Math.PI;
const toDegrees = (rad: number): number => (rad * 180) / Math.PI;

type Distance = (lat1: number, lon1: number, lat2: number, lon2: number) => number;

/** spatial4j's great-circle distances, in radians. */
const STRATEGIES: Readonly<Record<string, Distance>> = {
  HAVERSINE: (lat1, lon1, lat2, lon2) => {
    if (lat1 === lat2 && lon1 === lon2) return 0;
    const hsinX = Math.sin((lon1 - lon2) * 0.5);
    const hsinY = Math.sin((lat1 - lat2) * 0.5);
    const h = Math.min(1, hsinY * hsinY + Math.cos(lat1) * Math.cos(lat2) * hsinX * hsinX);
    return 2 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h));
  },
  LAW_OF_COSINES: (lat1, lon1, lat2, lon2) => {
    if (lat1 === lat2 && lon1 === lon2) return 0;
    const a = Math.PI / 2 - lat1;
    const c = Math.PI / 2 - lat2;
    const cosB = Math.cos(a) * Math.cos(c) + Math.sin(a) * Math.sin(c) * Math.cos(lon2 - lon1);
    if (cosB < -1) return Math.PI;
    if (cosB >= 1) return 0;
    return Math.acos(cosB);
  },
  // Metron's spelling.
  VICENTY: (lat1, lon1, lat2, lon2) => {
    if (lat1 === lat2 && lon1 === lon2) return 0;
    const cosLat1 = Math.cos(lat1);
    const cosLat2 = Math.cos(lat2);
    const sinLat1 = Math.sin(lat1);
    const sinLat2 = Math.sin(lat2);
    const dLon = lon2 - lon1;
    const cosDLon = Math.cos(dLon);
    const a = cosLat2 * Math.sin(dLon);
    const b = cosLat1 * sinLat2 - sinLat1 * cosLat2 * cosDLon;
    const c = sinLat1 * sinLat2 + cosLat1 * cosLat2 * cosDLon;
    return Math.atan2(Math.sqrt(a * a + b * b), c);
  },
};

/** `DistanceStrategies.valueOf(name)`: HAVERSINE when absent, an error for anything unknown. */
function strategyArg(args: readonly Value[], index: number): Distance {
  if (args.length <= index) return STRATEGIES.HAVERSINE as Distance;
  const name = args[index];
  if (typeof name !== 'string') return fail(`${toJavaString(name ?? null)} is not a distance strategy`);
  const strategy = Object.hasOwn(STRATEGIES, name) ? STRATEGIES[name] : undefined;
  if (strategy === undefined)
    return fail(`No distance strategy ${name}; use HAVERSINE, LAW_OF_COSINES or VICENTY`);
  return strategy;
}

function distanceKm(p1: Point, p2: Point, strategy: Distance): number {
  return (
    EARTH_MEAN_RADIUS_KM *
    strategy(toRadians(p1.latitude), toRadians(p1.longitude), toRadians(p2.latitude), toRadians(p2.longitude))
  );
}

/** The elements of a list or set argument (Metron casts to Iterable). */
function iterableArg(v: Value): Iterable<Value> {
  if (Array.isArray(v) || v instanceof Set) return v;
  return fail(`${toJavaString(v)} is not a collection of geohashes`);
}

/** Java's `Double.parseDouble`, or null for text it refuses. */
function parseJavaDouble(text: string): number | null {
  const s = javaTrim(text);
  const m = /^([+-]?)(NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)[fFdD]?$/.exec(s);
  if (m === null) return null;
  if (m[2] === 'NaN') return m[1] === '' || m[1] === '+' || m[1] === '-' ? Number.NaN : null;
  if (m[2] === 'Infinity' && /[fFdD]$/.test(s)) return null;
  return Number(`${m[1]}${m[2]}`);
}

/** Metron's `ConversionUtils.convert(x, Double.class)`: null when it does not convert. */
function convertToDouble(value: Value): number | null {
  const v = firstIfCollection(value);
  if (isNumber(v)) return numValue(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return parseJavaDouble(v);
  return null;
}

/** A character-precision argument (converted like Metron; null is an error there). */
function precisionArg(args: readonly Value[], index: number): number {
  if (args.length <= index) return MAX_CHARACTERS;
  const p = convertInt(args[index] ?? null);
  if (p === null) return fail(`${toJavaString(args[index] ?? null)} is not a character precision`);
  return p;
}

/** Metron's centroid: the mean of unit vectors (weighted), back to latitude/longitude. */
function centroid(points: Iterable<[Point, number]>): Point | null {
  let x = 0;
  let y = 0;
  let z = 0;
  let total = 0;
  let n = 0;
  for (const [p, weight] of points) {
    const latRad = toRadians(p.latitude);
    const lonRad = toRadians(p.longitude);
    const cosLat = Math.cos(latRad);
    x += cosLat * Math.cos(lonRad) * weight;
    y += cosLat * Math.sin(lonRad) * weight;
    z += Math.sin(latRad) * weight;
    total += weight;
    n++;
  }
  if (n === 0) return null;
  x /= total;
  y /= total;
  z /= total;
  const longitude = Math.atan2(y, x);
  const latitude = Math.atan2(z, Math.sqrt(x * x + y * y));
  return point(toDegrees(latitude), toDegrees(longitude));
}

function* unweighted(hashes: Iterable<Value>): Generator<[Point, number]> {
  for (const h of hashes) {
    const hash = hashArg(h);
    if (hash !== null) yield [decode(hash), 1];
  }
}

function* weighted(hashes: Map<Value, Value>): Generator<[Point, number]> {
  for (const [h, w] of hashes) {
    const hash = hashArg(h);
    if (hash === null) continue;
    const p = decode(hash);
    if (!isNumber(w)) fail(`${toJavaString(w)} is not a numeric weight`);
    yield [p, numValue(w as StellarNumber)];
  }
}

const PRECISION_PARAM = {
  name: 'character_precision',
  description: 'the number of characters of the hash, at most 12 (default 12)',
  optional: true,
} as const;

const STRATEGY_PARAM = {
  name: 'strategy',
  description: 'HAVERSINE (default), LAW_OF_COSINES or VICENTY',
  optional: true,
} as const;

export const GEOHASH_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: 'GEOHASH_FROM_LATLONG',
    namespace: 'GEOHASH',
    family: 'geo',
    description: 'The geohash of a latitude and longitude.',
    params: [
      {
        name: 'latitude',
        description: 'the latitude in degrees (a number or numeric string)',
        optional: true,
      },
      {
        name: 'longitude',
        description: 'the longitude in degrees (a number or numeric string)',
        optional: true,
      },
      PRECISION_PARAM,
    ],
    returns: 'a string, or null when an argument is missing, null or not numeric',
    pure: true,
    examples: [
      { expr: 'GEOHASH_FROM_LATLONG(57.64911, 10.40740)', expect: 'u4pruydqmvpb' },
      { expr: 'GEOHASH_FROM_LATLONG(57.64911, 10.40740, 6)', expect: 'u4pruy' },
      { expr: "GEOHASH_FROM_LATLONG('blah', 10.40740)", expect: null },
    ],
    call: (args) => {
      if (args.length < 2) return null;
      const lat = args[0] ?? null;
      const lon = args[1] ?? null;
      if (lat === null || lon === null) return null;
      const latitude = convertToDouble(lat);
      const longitude = convertToDouble(lon);
      const precision = precisionArg(args, 2);
      if (latitude === null || longitude === null) return null;
      return encode(point(latitude, longitude), precision);
    },
  },
  {
    name: 'GEOHASH_FROM_LOC',
    namespace: 'GEOHASH',
    family: 'geo',
    description: 'The geohash of a location map with string latitude and longitude (the output of GEO_GET).',
    params: [
      { name: 'map', description: "a map with 'latitude' and 'longitude' as strings", optional: true },
      PRECISION_PARAM,
    ],
    returns: 'a string, or null when the map lacks or cannot parse a coordinate',
    pure: true,
    examples: [
      {
        expr: "GEOHASH_FROM_LOC({'latitude': '57.64911', 'longitude': '10.40740'}, 10)",
        expect: 'u4pruydqmv',
      },
      { expr: "GEOHASH_FROM_LOC({'latitude': '57.64911'})", expect: null },
    ],
    call: (args) => {
      if (args.length < 1) return null;
      const loc = args[0] ?? null;
      if (loc === null) return null;
      if (!(loc instanceof Map)) return fail(`${toJavaString(loc)} is not a location map`);
      const precision = precisionArg(args, 1);
      const lat = loc.get('latitude') ?? null;
      const lon = loc.get('longitude') ?? null;
      // GeoLiteCityDatabase.toPoint reads both as strings.
      if ((lat !== null && typeof lat !== 'string') || (lon !== null && typeof lon !== 'string')) {
        return fail('latitude and longitude must be strings, as GEO_GET gives them');
      }
      if (lat === null || lon === null) return null;
      const latitude = parseJavaDouble(lat);
      const longitude = parseJavaDouble(lon);
      if (latitude === null || longitude === null) return null;
      return encode(point(latitude, longitude), precision);
    },
  },
  {
    name: 'GEOHASH_TO_LATLONG',
    namespace: 'GEOHASH',
    family: 'geo',
    description: "The latitude and longitude of a geohash's centre.",
    params: [{ name: 'hash', description: 'the geohash', optional: true }],
    returns: "a map with the doubles 'latitude' and 'longitude', or null for a null hash",
    pure: true,
    examples: [
      {
        expr: "GEOHASH_TO_LATLONG('u4pruydqmvpb')",
        expect: { latitude: 57.64911004342139, longitude: 10.407399963587523 },
      },
      { expr: "GEOHASH_TO_LATLONG('')", expect: { latitude: 0, longitude: 0 } },
    ],
    call: (args) => {
      const hash = hashArg(args[0]);
      if (hash === null) return null;
      const p = decode(hash);
      return new Map<Value, Value>([
        ['latitude', double(p.latitude)],
        ['longitude', double(p.longitude)],
      ]);
    },
  },
  {
    name: 'GEOHASH_DIST',
    namespace: 'GEOHASH',
    family: 'geo',
    description: 'The great-circle distance in kilometres between two geohashes.',
    params: [
      { name: 'hash1', description: 'the first location as a geohash', optional: true },
      { name: 'hash2', description: 'the second location as a geohash', optional: true },
      STRATEGY_PARAM,
    ],
    returns: 'a double, or null when a hash is missing or null',
    pure: true,
    examples: [
      { expr: "GEOHASH_DIST('dr5ru7', 'dr5ru7')", expect: 0 },
      {
        expr: "GEOHASH_DIST(a, b) > 4127.0 and GEOHASH_DIST(a, b, 'VICENTY') < 4129.0",
        vars: { a: '9q8yywhj21qe', b: 'dr5ru6j1xh0b' },
        expect: true,
      },
    ],
    call: (args) => {
      if (args.length < 2) return null;
      const hash1 = hashArg(args[0]);
      if (hash1 === null) return null;
      const p1 = decode(hash1);
      const hash2 = hashArg(args[1]);
      if (hash2 === null) return null;
      const p2 = decode(hash2);
      return double(distanceKm(p1, p2, strategyArg(args, 2)));
    },
  },
  {
    name: 'GEOHASH_MAX_DIST',
    namespace: 'GEOHASH',
    family: 'geo',
    description:
      'The largest great-circle distance in kilometres between any two of a collection of geohashes.',
    params: [
      { name: 'hashes', description: 'a list or set of geohashes (nulls are skipped)', optional: true },
      STRATEGY_PARAM,
    ],
    returns: 'a double (NaN for no hashes), or null for a null collection',
    pure: true,
    examples: [
      { expr: "GEOHASH_MAX_DIST(['u4pruydqmvpb', 'u4pruydqmvpb', null])", expect: 0 },
      { expr: 'GEOHASH_MAX_DIST([])', expect: 'NaN' },
    ],
    call: (args) => {
      if (args.length < 1) return null;
      const hashes = args[0] ?? null;
      if (hashes === null) return null;
      const strategy = strategyArg(args, 1);
      const points = [...unweighted(iterableArg(hashes))].map(([p]) => p);
      let max = Number.NaN;
      for (let i = 0; i < points.length; i++) {
        for (let j = 0; j <= i; j++) {
          const d = distanceKm(points[i] as Point, points[j] as Point, strategy);
          if (Number.isNaN(max) || d > max) max = d;
        }
      }
      return double(max);
    },
  },
  {
    name: 'GEOHASH_CENTROID',
    namespace: 'GEOHASH',
    family: 'geo',
    description: 'The geohash of the centroid (geographic midpoint) of geohashes, optionally weighted.',
    params: [
      {
        name: 'hashes',
        description: 'a list or set of geohashes, or a map of geohash to numeric weight',
        optional: true,
      },
      {
        ...PRECISION_PARAM,
        description: 'the number of characters of the hash as an int, at most 12 (default 12)',
      },
    ],
    returns: 'a string, or null when there are no points',
    pure: true,
    examples: [
      { expr: "GEOHASH_CENTROID(['u4pruydqmvpb', 'u4pruydqmvpb'], 6)", expect: 'u4pruy' },
      { expr: "GEOHASH_CENTROID({'u4pruydqmvpb': 3}, 8)", expect: 'u4pruydq' },
      { expr: 'GEOHASH_CENTROID([])', expect: null },
    ],
    call: (args) => {
      if (args.length < 1) return null;
      const hashes = args[0] ?? null;
      if (hashes === null) return null;
      let c: Point | null = null;
      if (hashes instanceof Map) c = centroid(weighted(hashes));
      else if (Array.isArray(hashes) || hashes instanceof Set) c = centroid(unweighted(hashes));
      if (c === null) return null;
      let precision = MAX_CHARACTERS;
      if (args.length > 1) {
        // Metron casts this argument to Integer, so only an int will do.
        const p = args[1] ?? null;
        if (!isNumber(p) || kindOf(p) !== 'int') return fail(`${toJavaString(p)} is not an int precision`);
        precision = numValue(p);
      }
      return encode(c, precision);
    },
  },
];
