import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '#core';
import { BUNDLED_GEO_DB, GeoDatabase, isPublicIPv4 } from '#streaming';
import { tempDir } from '../helpers/tmp.js';
import { GEO_TEST_DB } from '../stellar/conformance.js';

/**
 * Geo enrichment against Metron's GeoLite2 City test database (the one its GEO_GET tests use):
 * Metron's field names and string values, only public IPv4 addresses looked up.
 */

describe('GeoDatabase', () => {
  const db = GeoDatabase.open(GEO_TEST_DB);

  it("gives Metron's fields, as strings, for a public address in the database", () => {
    expect(db.lookup('216.160.83.56')).toEqual({
      locID: '5803556',
      country: 'US',
      city: 'Milton',
      postalCode: '98354',
      dmaCode: '819',
      latitude: '47.2513',
      longitude: '-122.3149',
      location_point: '47.2513,-122.3149',
    });
  });

  it('gives nothing for addresses Metron does not look up, or that are not in the database', () => {
    for (const ip of [
      '192.168.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '127.0.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '169.254.1.1',
      '::1',
      '2001:db8::1',
      'nope',
      '',
    ]) {
      expect(db.lookup(ip), ip).toBeUndefined();
    }
    expect(db.lookup('8.8.8.8')).toBeUndefined(); // not in the small test database
  });

  it('tells public IPv4 from the rest', () => {
    expect(isPublicIPv4('172.15.255.255')).toBe(true);
    expect(isPublicIPv4('172.32.0.0')).toBe(true);
    expect(isPublicIPv4('172.31.0.1')).toBe(false);
    expect(isPublicIPv4('256.1.1.1')).toBe(false);
  });

  it('refuses a file that is not a MaxMind database, naming it', () => {
    const file = join(tempDir(), 'not.mmdb');
    writeFileSync(file, 'hello');
    expect(() => GeoDatabase.open(file)).toThrow(ConfigError);
    expect(() => GeoDatabase.open(file)).toThrow(/not.mmdb/);
  });
});

describe('the bundled database (DB-IP City Lite, installed from npm)', () => {
  const db = GeoDatabase.bundled();

  it('is the pinned package file, and answers for public addresses in the DB-IP layout', () => {
    expect(BUNDLED_GEO_DB).toMatch(/@ip-location-db\/dbip-city-mmdb\/dbip-city-ipv4\.mmdb$/);
    expect(db.lookup('8.8.8.8')).toEqual({
      locID: '',
      country: 'US',
      city: 'Mountain View',
      postalCode: '',
      dmaCode: '',
      // Stored as 32-bit floats: the shortest text that reads back as the same float.
      latitude: '37.422',
      longitude: '-122.085',
      location_point: '37.422,-122.085',
    });
    expect(db.lookup('1.1.1.1')?.country).toBe('AU');
    expect(db.lookup('10.0.0.1')).toBeUndefined();
  });

  it('gives the same answer from its cache, which callers cannot change', () => {
    const first = db.lookup('8.8.4.4');
    const again = db.lookup('8.8.4.4');
    expect(again).toBe(first);
    expect(Object.isFrozen(again)).toBe(true);
  });
});
