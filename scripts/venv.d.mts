// Types for scripts/venv.mjs (plain JS, so TypeScript tests can import it).

export declare const repoRoot: string;
export declare const venvDir: string;
export declare const requirementsFile: string;

/**
 * Makes sure `.cache/venv` has requirements-dev.txt installed (rebuilt when that file's sha256
 * changes) and returns the absolute path of its python.
 */
export declare function ensureVenv(options?: { log?: (line: string) => void }): Promise<string>;
