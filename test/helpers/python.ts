import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const run = promisify(execFile);

/** The venv's python (prepared by test/setup/global.ts); throws the setup's reason when it is missing. */
export function venvPython(): string {
  const python = inject('venvPython');
  if (!python) throw new Error(inject('venvError') ?? 'Python venv unavailable: no reason was provided');
  return python;
}

// pyarrow's and delta-rs's native thread pools can abort the interpreter at exit under load
// ("terminate called without an active exception", delta-io/delta-rs#2184) after the work is
// done. Leaving with os._exit once stdout is flushed keeps that teardown race out of the tests.
const EXIT_CLEANLY = '\nimport os as _os, sys as _sys\n_sys.stdout.flush()\n_os._exit(0)\n';

/** Run a Python script in the venv with arguments; returns its stdout. */
export async function python(script: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(venvPython(), ['-c', script + EXIT_CLEANLY, ...args], { timeout: 120_000 });
  return stdout;
}
