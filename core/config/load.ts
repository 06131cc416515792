import { readFileSync } from 'node:fs';
import { type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../errors.js';

/** Render a zod issue path as a JSON path: `$.fieldTransformations[0].config`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_$][\w$]*$/.test(part)) out += `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

/** Every problem zod found, as file + JSON path + message. */
export function problemsOf(file: string, error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => ({ file, path: jsonPath(issue.path), message: issue.message }));
}

/** Validate an already-parsed value against a schema, throwing one ConfigError with every problem. */
export function validateConfig<S extends z.ZodType>(schema: S, value: unknown, file: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConfigError(problemsOf(file, result.error));
  return result.data;
}

/**
 * Read a JSON config file and validate it. A missing file, bad JSON (with line and column)
 * or any schema violation becomes a {@link ConfigError} naming the file.
 */
export function loadJsonConfig<S extends z.ZodType>(schema: S, file: string): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(cause);
    throw new ConfigError([{ file, path: '', message: reason }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError([{ file, path: '', message: `not valid JSON: ${describeJsonError(text)}` }]);
  }
  return validateConfig(schema, value, file);
}

const JSON_ERRORS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  ValueExpected: 'a value is expected',
  PropertyNameExpected: 'a property name in double quotes is expected',
  ColonExpected: "':' is expected",
  CommaExpected: "',' is expected",
  CloseBraceExpected: "'}' is expected",
  CloseBracketExpected: "']' is expected",
  EndOfFileExpected: 'text after the end of the JSON value',
  UnexpectedEndOfString: 'unterminated string',
  InvalidCommentToken: 'comments are not allowed',
};

/** Where JSON.parse gave up, as `reason at line L, column C` (jsonc-parser finds the offset). */
function describeJsonError(text: string): string {
  const errors: ParseError[] = [];
  parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (!first) return 'unexpected end of input';
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - before.lastIndexOf('\n');
  const code = printParseErrorCode(first.error);
  return `${JSON_ERRORS[code] ?? code} at line ${line}, column ${column}`;
}
