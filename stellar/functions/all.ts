import { BYTES_FUNCTIONS } from './bytes.js';
import { COLLECTION_FUNCTIONS } from './collections.js';
import { DATE_FUNCTIONS } from './dates.js';
import { ENCODING_FUNCTIONS } from './encoding.js';
import { GEOHASH_FUNCTIONS } from './geohash.js';
import { HOST_FUNCTIONS } from './hosts.js';
import { MATH_FUNCTIONS } from './math.js';
import { NETWORK_FUNCTIONS } from './network/index.js';
import { STATISTICS_FUNCTIONS } from './statistics.js';
import { STRING_FUNCTIONS } from './strings/index.js';
import { SYSTEM_FUNCTIONS } from './system.js';
import type { FunctionDef } from './types.js';

/**
 * Every Stellar function Palisade ships, family by family. Adding a function is one
 * definition in its family's file; adding a family is one file and one line here.
 */
export const ALL_FUNCTIONS: readonly FunctionDef[] = [
  ...STRING_FUNCTIONS,
  ...ENCODING_FUNCTIONS,
  ...SYSTEM_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...COLLECTION_FUNCTIONS,
  ...DATE_FUNCTIONS,
  ...STATISTICS_FUNCTIONS,
  ...NETWORK_FUNCTIONS,
  ...GEOHASH_FUNCTIONS,
  ...BYTES_FUNCTIONS,
  ...HOST_FUNCTIONS,
];
