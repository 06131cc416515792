/** @module batch — jobs over lake history: profiles, training, compaction, retention, intel. Not built yet. */
export {};
