/**
 * The part of JSONPath (Jayway's dialect, which Metron's JSONMapParser uses) that picks records
 * out of a document: `$`, `.key`, `['key']` / `["key"]`, `['a','b']`, `.*` / `[*]`, `[n]` (negative
 * counts from the end), `[n,m]`, `[start:end]`, and the deep scan `..key` / `..*` / `..[…]`.
 * Filters (`[?(…)]`) and functions (`.length()`) are refused when the config is loaded.
 */

type Step =
  | { kind: 'names'; names: string[] }
  | { kind: 'wildcard' }
  | { kind: 'indexes'; indexes: number[] }
  | { kind: 'slice'; start: number | undefined; end: number | undefined };

interface Segment {
  step: Step;
  /** `..`: apply the step to the node and every node below it. */
  deep: boolean;
}

/** A compiled JSONPath. */
export interface JsonPath {
  readonly text: string;
  /**
   * Whether the path names at most one node (no wildcard, deep scan, union or slice). Jayway
   * returns that node itself for a definite path and a list of every match otherwise.
   */
  readonly definite: boolean;
  /** What the path selects in a document: the node (definite), the list of matches, or undefined. */
  read(root: unknown): unknown;
}

/** A JSONPath that cannot be compiled. */
export class JsonPathError extends Error {}

const NAME = /^[^.[\]()'"\s*,?@$]+/;

/** Compile a JSONPath once; throws {@link JsonPathError} saying what is wrong and where. */
export function compileJsonPath(text: string): JsonPath {
  const path = text.trim();
  if (!path.startsWith('$')) throw new JsonPathError(`'${text}' must start with $`);
  const segments: Segment[] = [];
  let i = 1;
  const fail = (what: string): never => {
    throw new JsonPathError(`'${text}' at ${i + 1}: ${what}`);
  };
  while (i < path.length) {
    let deep = false;
    if (path.startsWith('..', i)) {
      deep = true;
      i += 2;
    } else if (path[i] === '.') {
      i += 1;
    } else if (path[i] !== '[') {
      fail(`expected '.' or '[', found '${path[i]}'`);
    }
    if (path[i] === '[') {
      const close = findClose(path, i);
      if (close < 0) fail("unclosed '['");
      segments.push({ step: bracket(path.slice(i + 1, close).trim(), fail), deep });
      i = close + 1;
    } else if (path[i] === '*') {
      segments.push({ step: { kind: 'wildcard' }, deep });
      i += 1;
    } else {
      const m = NAME.exec(path.slice(i));
      if (!m) fail(i >= path.length ? 'a name must follow the dot' : `unexpected '${path[i]}'`);
      const name = (m as RegExpExecArray)[0];
      if (path[i + name.length] === '(') fail(`functions such as ${name}() are not supported`);
      segments.push({ step: { kind: 'names', names: [name] }, deep });
      i += name.length;
    }
  }
  const definite = segments.every(
    (s) =>
      !s.deep &&
      ((s.step.kind === 'names' && s.step.names.length === 1) ||
        (s.step.kind === 'indexes' && s.step.indexes.length === 1)),
  );
  return {
    text,
    definite,
    read(root) {
      let nodes: unknown[] = [root];
      for (const segment of segments) {
        const next: unknown[] = [];
        const targets = segment.deep ? descendants(nodes) : nodes;
        for (const node of targets) apply(segment.step, node, next);
        nodes = next;
      }
      return definite ? nodes[0] : nodes;
    },
  };
}

/** The index of the `]` closing the `[` at `open`, skipping quoted text. */
function findClose(path: string, open: number): number {
  let quote: string | undefined;
  for (let i = open + 1; i < path.length; i++) {
    const c = path[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === ']') return i;
  }
  return -1;
}

function bracket(inside: string, fail: (what: string) => never): Step {
  if (inside === '*') return { kind: 'wildcard' };
  if (inside.startsWith('?')) return fail('filters ([?(…)]) are not supported');
  if (inside === '') return fail("empty '[]'");
  if (inside.startsWith("'") || inside.startsWith('"')) {
    const names: string[] = [];
    const quoted = /\s*(['"])((?:\\.|(?!\1).)*)\1\s*(,|$)/y;
    let at = 0;
    let more = true;
    while (more) {
      quoted.lastIndex = at;
      const m = quoted.exec(inside);
      if (!m) return fail(`bad quoted name list [${inside}]`);
      names.push((m[2] as string).replace(/\\(.)/g, '$1'));
      at = quoted.lastIndex;
      more = m[3] === ',';
    }
    return { kind: 'names', names };
  }
  const slice = /^(-?\d+)?\s*:\s*(-?\d+)?$/.exec(inside);
  if (slice) {
    const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
    return { kind: 'slice', start: num(slice[1]), end: num(slice[2]) };
  }
  if (/^-?\d+(\s*,\s*-?\d+)*$/.test(inside)) {
    return { kind: 'indexes', indexes: inside.split(',').map((s) => Number(s.trim())) };
  }
  return fail(`unsupported selector [${inside}]`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function apply(step: Step, node: unknown, out: unknown[]): void {
  switch (step.kind) {
    case 'names':
      if (isObject(node)) for (const name of step.names) if (Object.hasOwn(node, name)) out.push(node[name]);
      return;
    case 'wildcard':
      if (Array.isArray(node)) out.push(...node);
      else if (isObject(node)) out.push(...Object.values(node));
      return;
    case 'indexes':
      if (!Array.isArray(node)) return;
      for (const n of step.indexes) {
        const at = n < 0 ? node.length + n : n;
        if (at >= 0 && at < node.length) out.push(node[at]);
      }
      return;
    case 'slice': {
      if (!Array.isArray(node)) return;
      out.push(...node.slice(step.start ?? 0, step.end ?? node.length));
      return;
    }
  }
}

/** The nodes and everything under them, each parent before its children. */
function descendants(nodes: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  const visit = (node: unknown) => {
    out.push(node);
    if (Array.isArray(node)) for (const v of node) visit(v);
    else if (isObject(node)) for (const v of Object.values(node)) visit(v);
  };
  for (const n of nodes) visit(n);
  return out;
}
