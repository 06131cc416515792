import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { type CityResponse, Reader } from 'maxmind';
import { ConfigError } from '#core';
import { type HostImplementation, isList, toJavaString, type Value } from '#stellar';

/**
 * Metron's geo enrichment: an IPv4 address looked up in a city database (MaxMind's `.mmdb`
 * format, optionally gzipped, as Metron's `geo.hdfs.file` was), giving Metron's fields — `locID`
 * (GeoNames city id), `country` (ISO code), `city`, `postalCode`, `dmaCode` (metro code),
 * `latitude`, `longitude`, `location_point` ("lat,lon") — all strings, `""` where the database
 * has no value. As in Metron only valid public IPv4 addresses are looked up: unspecified,
 * loopback, private (RFC 1918), link-local and multicast addresses give no fields. The same
 * lookup backs the enrichment stage's `geo` adapter and Stellar's GEO_GET.
 */

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

export class GeoDatabase {
  private constructor(
    private readonly reader: Reader<CityResponse>,
    /** The file it was read from. */
    readonly path: string,
  ) {}

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
    if (!isPublicIPv4(ip)) return undefined;
    const r = this.reader.get(ip);
    if (r === null) return undefined;
    const lat = r.location?.latitude;
    const lon = r.location?.longitude;
    const latitude = lat === undefined ? '' : javaDouble(lat);
    const longitude = lon === undefined ? '' : javaDouble(lon);
    return {
      locID: r.city?.geoname_id === undefined ? '' : String(r.city.geoname_id),
      country: r.country?.iso_code ?? '',
      city: r.city?.names?.en ?? '',
      postalCode: r.postal?.code ?? '',
      dmaCode: r.location?.metro_code === undefined ? '' : String(r.location.metro_code),
      latitude,
      longitude,
      location_point: latitude === '' || longitude === '' ? '' : `${latitude},${longitude}`,
    };
  }
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
