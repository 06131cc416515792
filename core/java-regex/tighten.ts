import type { Node, ParsedJavaRegex } from './ast.js';
import { charText, NOT_LINE_TERMINATOR } from './classes.js';

/**
 * A stricter twin of a pattern for a quick first test: each "anything" run (`.*`, `.+`, lazy or
 * greedy) that a literal character follows may no longer contain that character — grok's
 * `%{DATA:x}\|` becomes `[^|]*?\|`. Whatever the twin matches the pattern matches too (it only
 * ever refuses more), and the twin cannot try the combinations of delimiter positions that make
 * a pattern with many such runs backtrack for seconds on a line that does not match.
 * Undefined when the pattern has no such run.
 */
export function tightenWildcards(parsed: ParsedJavaRegex): ParsedJavaRegex | undefined {
  let changed = false;
  const root = tighten(parsed.root, undefined);
  return changed ? { ...parsed, root } : undefined;

  /** `follow`: the literal code point that comes right after `node`, when one does. */
  function tighten(node: Node, follow: number | undefined): Node {
    switch (node.t) {
      case 'seq': {
        const items = node.items.map((item, i) => {
          const next = node.items[i + 1];
          const after =
            next === undefined ? follow : next.t === 'char' && next.fold === 'none' ? next.cp : undefined;
          return tighten(item, after);
        });
        return { ...node, items };
      }
      case 'alt':
        return { ...node, options: node.options.map((o) => tighten(o, follow)) };
      case 'group':
        // What follows a lookaround is not what follows its body.
        if (node.kind !== 'capture' && node.kind !== 'plain' && node.kind !== 'atomic') return node;
        return { ...node, body: tighten(node.body, follow) };
      case 'quant': {
        const without = follow === undefined ? undefined : anyBut(node.body, follow);
        if (without === undefined || (node.q !== '*' && node.q !== '+')) return node;
        changed = true;
        return { ...node, body: without };
      }
      default:
        return node;
    }
  }
}

/** `.` (in any of its flag forms) without `cp`, or undefined when `body` is not a `.`. */
function anyBut(body: Node, cp: number): Node | undefined {
  if (body.t !== 'set') return undefined;
  const excluded = charText(cp);
  if (body.js === '[\\s\\S]') return { t: 'set', js: `[^${excluded}]` };
  if (body.js === '[^\\n]' || body.js === NOT_LINE_TERMINATOR)
    return { t: 'set', js: `[^${excluded}${body.js.slice(2)}` };
  return undefined;
}
