import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { PalisadeError, UsageError } from '#core';
import {
  compile,
  type FunctionDef,
  fromJson,
  StellarError,
  standardFunctions,
  toJavaString,
  toJson,
  type Value,
} from '#stellar';

/**
 * `palisade stellar eval` runs one expression and prints its result as JSON; `palisade stellar`
 * is a REPL in the manner of Metron's Stellar shell: `x := expr` assigns, `%functions [text]`,
 * `%vars`, `%globals`, `%define key := expr`, `%undefine key`, `?NAME` for a function's doc.
 */

/** Parse `--vars`: a JSON object, or `@file` holding one. */
export function parseVars(text: string | undefined): Map<string, Value> {
  const vars = new Map<string, Value>();
  if (text === undefined) return vars;
  let source = text;
  if (text.startsWith('@')) {
    try {
      source = readFileSync(text.slice(1), 'utf8');
    } catch (e) {
      throw new UsageError(`--vars: cannot read ${text.slice(1)}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (e) {
    throw new UsageError(`--vars: not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(
      '--vars: expected a JSON object of variable names to values, e.g. {"ip_src_addr": "10.0.0.1"}',
    );
  }
  for (const [k, v] of Object.entries(parsed)) vars.set(k, fromJson(v));
  return vars;
}

/** A Stellar failure as a CLI failure: exit code 1, the diagnostic with its caret. */
function failure(e: StellarError): PalisadeError {
  return new PalisadeError('stellar', `${e.render()}`, { exitCode: 1 });
}

export async function evaluate(options: {
  expression: string;
  vars?: string;
  predicate?: boolean;
}): Promise<void> {
  const vars = parseVars(options.vars);
  try {
    const expression = compile(options.expression, options.predicate ? { mode: 'predicate' } : {});
    const result = expression.evaluate(vars);
    process.stdout.write(`${JSON.stringify(toJson(result))}\n`);
  } catch (e) {
    if (e instanceof StellarError) throw failure(e);
    throw e;
  }
}

const HISTORY_LIMIT = 1000;

/** Describe a function for `?NAME`. */
export function describeFunction(def: FunctionDef): string {
  const params = def.params.map((p) => (p.variadic ? `${p.name}…` : p.optional ? `[${p.name}]` : p.name));
  const lines = [`${def.name}(${params.join(', ')})`, `  ${def.description}`];
  for (const p of def.params) lines.push(`  ${p.name}: ${p.description}${p.optional ? ' (optional)' : ''}`);
  lines.push(`  returns: ${def.returns}`);
  if (def.host) lines.push(`  provided by a host (${def.family}); not callable in the shell`);
  for (const ex of def.examples) {
    lines.push(`  e.g. ${ex.expr}${ex.error ? '  → error' : `  → ${JSON.stringify(ex.expect)}`}`);
  }
  return lines.join('\n');
}

/** One REPL session's state and command handling, separate from the terminal for testing. */
export class StellarShell {
  readonly vars = new Map<string, Value>();
  readonly globals: Record<string, unknown> = {};

  /** Handle one input line; returns what to print (may be empty). */
  handle(line: string): string {
    const input = line.trim();
    if (input === '') return '';
    if (input.startsWith('?')) return this.doc(input.slice(1).trim());
    if (input.startsWith('%')) return this.magic(input);
    const assign = /^([a-zA-Z_$][a-zA-Z_.:0-9]*)\s*:=\s*([\s\S]*)$/.exec(input);
    try {
      if (assign) {
        const value = this.eval(assign[2] as string);
        this.vars.set(assign[1] as string, value);
        return show(value);
      }
      return show(this.eval(input));
    } catch (e) {
      if (e instanceof StellarError) return e.render();
      throw e;
    }
  }

  private eval(source: string): Value {
    return compile(source).evaluate(this.vars, { globals: this.globals });
  }

  private doc(name: string): string {
    const def = standardFunctions().get(name.toUpperCase());
    return def ? describeFunction(def) : `no function ${name}; %functions lists them`;
  }

  private magic(input: string): string {
    const [command = '', ...rest] = input.split(/\s+/);
    const arg = rest.join(' ');
    switch (command) {
      case '%functions': {
        const filter = arg.toUpperCase();
        const names = [...standardFunctions().keys()].filter((n) => n.includes(filter)).sort();
        return names.join(', ');
      }
      case '%vars':
        return [...this.vars].map(([k, v]) => `${k} = ${show(v)}`).join('\n') || '(no variables)';
      case '%globals':
        return JSON.stringify(this.globals, null, 2);
      case '%define': {
        const m = /^([^\s:=]+)\s*:=\s*([\s\S]+)$/.exec(arg);
        if (!m) return 'usage: %define key := expression';
        try {
          this.globals[m[1] as string] = toJson(this.eval(m[2] as string));
        } catch (e) {
          if (e instanceof StellarError) return e.render();
          throw e;
        }
        return `${m[1]} = ${JSON.stringify(this.globals[m[1] as string])}`;
      }
      case '%undefine':
        delete this.globals[arg];
        return '';
      default:
        return `unknown command ${command}; try %functions, %vars, %globals, %define, %undefine, ?NAME`;
    }
  }
}

const show = (v: Value): string => {
  const json = toJson(v);
  return typeof json === 'string' ? toJavaString(v) : JSON.stringify(json);
};

function historyFile(): string {
  return process.env.PALISADE_STELLAR_HISTORY ?? join(homedir(), '.palisade', 'stellar_history');
}

function loadHistory(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_LIMIT).reverse();
  } catch {
    return [];
  }
}

/** The interactive shell. */
export async function repl(): Promise<void> {
  const shell = new StellarShell();
  const file = historyFile();
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    prompt: process.stdin.isTTY ? '[Stellar]>>> ' : '',
    history: loadHistory(file),
    historySize: HISTORY_LIMIT,
    terminal: process.stdin.isTTY,
  });
  if (process.stdin.isTTY) {
    process.stdout.write(
      'Stellar, Palisade edition. x := expr assigns; %functions, %vars, ?NAME for help; Ctrl-D quits.\n',
    );
  }
  rl.prompt();
  for await (const line of rl) {
    if (line.trim() === 'quit' || line.trim() === 'exit') break;
    const out = shell.handle(line);
    if (out) process.stdout.write(`${out}\n`);
    if (line.trim() !== '') {
      try {
        mkdirSync(dirname(file), { recursive: true });
        appendFileSync(file, `${line.replace(/\n/g, ' ')}\n`);
      } catch {
        // History is a convenience; a read-only home must not stop the shell.
      }
    }
    rl.prompt();
  }
  rl.close();
}
