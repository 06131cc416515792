/** @module ui — the analyst console served by `palisade serve`. Not built yet. */
export {};
