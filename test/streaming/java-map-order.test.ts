import { describe, expect, it } from 'vitest';
import {
  javaHashMapCapacity,
  javaHashMapOrder,
  javaStringHash,
} from '../../streaming/parsers/java-map-order.js';

describe('Java HashMap order', () => {
  it('matches String.hashCode for known values', () => {
    // Known Java values; "polygenelubricants" is the classic string hashing to Integer.MIN_VALUE.
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('a')).toBe(97);
    expect(javaStringHash('hello')).toBe(99162322);
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
  });

  it('grows the table like HashMap does', () => {
    expect(javaHashMapCapacity(12)).toBe(16);
    expect(javaHashMapCapacity(13)).toBe(32);
    expect(javaHashMapCapacity(25)).toBe(64);
  });

  it('orders keys by bucket, then insertion', () => {
    // In a 16-bucket table "b" (98 → bucket 2) comes before "c" (99 → 3), whatever the insertion order.
    expect(javaHashMapOrder(['c', 'b'])).toEqual(['b', 'c']);
    // "Aa" and "BB" share a hash: insertion order decides.
    expect(javaHashMapOrder(['BB', 'Aa'])).toEqual(['BB', 'Aa']);
    expect(javaHashMapOrder(['Aa', 'BB'])).toEqual(['Aa', 'BB']);
  });
});
