/** @module batch — jobs over lake history: profiles, training, compaction, retention, intel. */

/** Threat-intel loading: STIX 2.1 bundles and CSV files into the lake's `threatintel` table. */
export {
  type IntelLoadReport,
  type IntelSkip,
  type LoadIntelOptions,
  loadIntel,
  THREAT_INTEL_TABLE,
} from './intel/load.js';
/** STIX 2.1 bundles and patterns read for the indicators they name. */
export { readStixBundle, type StixIndicator, type StixOptions, type StixRead } from './intel/stix.js';
export {
  type PatternIndicator,
  type PatternRead,
  readStixPattern,
  STIX_HASHES,
  STIX_METRON_TYPES,
} from './intel/stix-pattern.js';
/** Profile rebuild from lake history. */
export { type ProfileRebuildOptions, type ProfileRebuildReport, rebuildProfiles } from './profile.js';
/** Model training from the profiles table, checked against its ONNX export, registered. */
export { type ModelKind, ONNX_TOLERANCE, type TrainOptions, type TrainReport, trainModel } from './train.js';
