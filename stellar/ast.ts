import type { Span } from './diagnostics.js';
import type { NumKind } from './values.js';

/** Stellar's syntax tree; every node knows its span in the source. */

export type Node =
  | { type: 'literal'; value: null | boolean | string; span: Span }
  | { type: 'number'; value: number; kind: NumKind; span: Span }
  | { type: 'variable'; name: string; span: Span }
  | { type: 'list'; items: Node[]; span: Span }
  | { type: 'map'; entries: { key: Node; value: Node }[]; span: Span }
  | { type: 'call'; name: string; nameSpan: Span; args: Node[]; span: Span }
  | { type: 'lambda'; params: string[]; body: Node; span: Span }
  | { type: 'exists'; name: string; span: Span }
  | { type: 'not'; operand: Node; span: Span }
  | { type: 'binary'; op: BinaryOp; left: Node; right: Node; span: Span; opSpan: Span }
  | { type: 'logical'; op: 'and' | 'or'; left: Node; right: Node; span: Span }
  | { type: 'in'; negated: boolean; item: Node; collection: Node; span: Span }
  | { type: 'conditional'; test: Node; then: Node; else: Node; span: Span }
  | { type: 'match'; clauses: { test: Node; value: Node }[]; fallback: Node; span: Span };

export type BinaryOp = '+' | '-' | '*' | '/' | '==' | '!=' | '<' | '<=' | '>' | '>=';

/** Calls `visit` on every node of the tree, parents first. */
export function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  switch (node.type) {
    case 'list':
      for (const n of node.items) walk(n, visit);
      break;
    case 'map':
      for (const e of node.entries) {
        walk(e.key, visit);
        walk(e.value, visit);
      }
      break;
    case 'call':
      for (const n of node.args) walk(n, visit);
      break;
    case 'lambda':
      walk(node.body, visit);
      break;
    case 'not':
      walk(node.operand, visit);
      break;
    case 'binary':
    case 'logical':
      walk(node.left, visit);
      walk(node.right, visit);
      break;
    case 'in':
      walk(node.item, visit);
      walk(node.collection, visit);
      break;
    case 'conditional':
      walk(node.test, visit);
      walk(node.then, visit);
      walk(node.else, visit);
      break;
    case 'match':
      for (const c of node.clauses) {
        walk(c.test, visit);
        walk(c.value, visit);
      }
      walk(node.fallback, visit);
      break;
    default:
      break;
  }
}
