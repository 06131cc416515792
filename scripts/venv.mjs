// The project's Python environment (.cache/venv) for dags/, notebooks/ and interop tests,
// built from requirements-dev.txt. `npm run venv` prints its python; the vitest global setup
// calls ensureVenv(). Packages go through pip; this registry's proxy sends no cache headers, so
// pip caches nothing and a rebuild downloads again (about 30 s).

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { outputTail, runCommand } from './run-command.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const venvDir = path.join(repoRoot, '.cache', 'venv');
export const requirementsFile = path.join(repoRoot, 'requirements-dev.txt');

const isWindows = process.platform === 'win32';
const venvPython = isWindows
  ? path.join(venvDir, 'Scripts', 'python.exe')
  : path.join(venvDir, 'bin', 'python');
const markerFile = path.join(venvDir, '.palisade-requirements.sha256');
const lockDir = `${venvDir}.lock`;

/** @typedef {(line: string) => void} Log */

/** @type {Log} */
const stderrLog = (line) => {
  process.stderr.write(`${line}\n`);
};

/**
 * Makes sure `.cache/venv` exists with requirements-dev.txt installed, and returns the absolute
 * path of its python. A no-op when the venv's marker holds the sha256 of requirements-dev.txt;
 * otherwise the venv is rebuilt from scratch (`python3 -m venv`, then `pip install -r`).
 * The base interpreter is `$PALISADE_PYTHON`, else `python3`.
 * @param {{ log?: Log }} [options]
 * @returns {Promise<string>}
 */
export function ensureVenv({ log = stderrLog } = {}) {
  // Concurrent callers in one process share one build (the lock below is per process).
  inFlight ??= build(log).finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}

/** @type {Promise<string> | undefined} */
let inFlight;

/**
 * @param {Log} log
 * @returns {Promise<string>}
 */
async function build(log) {
  const want = requirementsHash();
  if (isReady(want)) return venvPython;

  const release = await lock(log);
  try {
    // Someone else may have built it while we waited for the lock.
    if (isReady(want)) return venvPython;
    const base = process.env.PALISADE_PYTHON || (isWindows ? 'python' : 'python3');
    const started = Date.now();
    log(`creating Python venv in ${venvDir}…`);
    fs.rmSync(venvDir, { recursive: true, force: true });
    await mustRun(base, ['-m', 'venv', venvDir], `${base} -m venv`, (err) =>
      err.code === 'ENOENT'
        ? `${base} not found; install Python 3.10 or later (or set PALISADE_PYTHON to its path)`
        : undefined,
    );
    log(`installing requirements-dev.txt (${packageNames().join(', ')}) with pip…`);
    await mustRun(
      venvPython,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-r', requirementsFile],
      'pip install -r requirements-dev.txt',
    );
    fs.writeFileSync(markerFile, `${want}\n`);
    log(`Python venv ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return venvPython;
  } finally {
    release();
  }
}

/** @returns {string} */
function requirementsHash() {
  try {
    return createHash('sha256').update(fs.readFileSync(requirementsFile)).digest('hex');
  } catch (err) {
    throw new Error(`cannot read ${requirementsFile}: ${/** @type {Error} */ (err).message}`);
  }
}

/**
 * @param {string} want
 * @returns {boolean}
 */
function isReady(want) {
  try {
    return fs.readFileSync(markerFile, 'utf8').trim() === want && fs.existsSync(venvPython);
  } catch {
    return false;
  }
}

/** @returns {string[]} the package names in requirements-dev.txt, for progress lines */
function packageNames() {
  return fs
    .readFileSync(requirementsFile, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((line) => line.split(/[=<>!~;[\s]/)[0] ?? line);
}

/**
 * A directory lock, so two processes (say `npm run venv` and a test run) never build at once.
 * A lock left by a dead process is taken over.
 * @param {Log} log
 * @returns {Promise<() => void>} release
 */
async function lock(log) {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  const ownerFile = path.join(lockDir, 'pid');
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(ownerFile, String(process.pid));
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
    }
    const owner = Number(fs.existsSync(ownerFile) ? fs.readFileSync(ownerFile, 'utf8') : Number.NaN);
    if (Number.isInteger(owner) && !alive(owner)) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!told) {
      log(`waiting for another process (pid ${owner}) to finish building the venv…`);
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
}

/**
 * Runs a command, keeping its output to show only if it fails.
 * @param {string} command
 * @param {string[]} args
 * @param {string} what for the error message
 * @param {(err: NodeJS.ErrnoException) => string | undefined} [explain] a clearer spawn error
 * @returns {Promise<void>}
 */
async function mustRun(command, args, what, explain) {
  const { code, signal, output, error } = await runCommand(command, args);
  if (error) throw new Error(explain?.(error) ?? `could not run ${command}: ${error.message}`);
  if (code !== 0) throw new Error(`${what} failed (${signal ?? `exit ${code}`}):\n${outputTail(output)}`);
}

const usage = `Usage: npm run venv

Creates or refreshes the project's Python venv in .cache/venv from requirements-dev.txt
(skipped when requirements-dev.txt has not changed) and prints the path of its python.
The base interpreter is $PALISADE_PYTHON, else python3.`;

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage);
  } else if (args.length > 0) {
    console.error(`venv: unexpected argument "${args[0]}" (try --help)`);
    process.exitCode = 2;
  } else {
    ensureVenv().then(
      (python) => console.log(python),
      (err) => {
        console.error(`venv: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      },
    );
  }
}
