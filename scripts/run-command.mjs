// Running a provisioning command (mvn, java, python, pip) with its output kept to show only
// when it fails. Shared by the Kafka broker and venv scripts.
import { spawn } from 'node:child_process';

/**
 * Runs a command to its end; never rejects.
 * @param {string} command
 * @param {string[]} args
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null, output: string, error?: NodeJS.ErrnoException }>}
 */
export function runCommand(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.once('error', (error) => resolve({ code: null, signal: null, output, error }));
    child.once('close', (code, signal) => resolve({ code, signal, output }));
  });
}

/** The last lines of a command's output, for an error message. */
export const outputTail = (output, lines = 25) => output.trimEnd().split('\n').slice(-lines).join('\n');
