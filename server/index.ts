/** @module server — the HTTP API with tokens and roles. Not built yet. */
export {};
