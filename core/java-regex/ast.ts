/**
 * A Java regex parsed: the tree {@link parseJavaRegex} builds and {@link emitJavaRegex} writes
 * out as JavaScript. Flag-dependent meanings (`.`, `^`, `$`, `\s`, `\p{…}`) are resolved while
 * parsing; case-insensitivity is kept as a fold on literals and classes, because whether it
 * becomes expanded letters or JavaScript's `i` flag is known only once the whole pattern is read.
 */

/** How a literal or class ignores case: not at all, ASCII only (Java's default), or Unicode (`(?u)`). */
export type Fold = 'none' | 'ascii' | 'unicode';

/** A character class: a union per `&&` operand, intersected. */
export interface ClassNode {
  t: 'class';
  negate: boolean;
  operands: ClassMember[][];
  fold: Fold;
}

export type ClassMember = { t: 'range'; lo: number; hi: number } | { t: 'set'; js: string } | ClassNode;

export type GroupKind = 'capture' | 'plain' | 'atomic' | 'ahead' | 'nahead' | 'behind' | 'nbehind';

export type Node =
  /** A literal code point. */
  | { t: 'char'; cp: number; fold: Fold }
  /** JavaScript text for one character from a set (`\d`, `[\s\S]`, `\p{L}`, `\R`): a quantifier may follow it. */
  | { t: 'set'; js: string }
  /** JavaScript text for a zero-width assertion (`^`, Java's `$`, `\b`). */
  | { t: 'assert'; js: string }
  | ClassNode
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  /** A group; `index` is the Java group number of a capturing group. */
  | { t: 'group'; kind: GroupKind; index?: number; name?: string; body: Node }
  | { t: 'quant'; body: Node; q: string; mode: '' | 'lazy' | 'possessive' }
  /** A back-reference to a Java group opened before it. */
  | { t: 'backref'; index: number };

/** A Java regex, parsed: emit it with `emitJavaRegex`. */
export interface ParsedJavaRegex {
  readonly pattern: string;
  readonly root: Node;
  /** Java's `groupCount()`. */
  readonly groupCount: number;
  /** Named groups in order of appearance (a name repeats only under named-regexp rules). */
  readonly names: readonly string[];
  /** Each name's first group, as a Java group number. */
  readonly namedGroups: ReadonlyMap<string, number>;
  /** Java groups a back-reference reads: they capture whichever groups the caller selects. */
  readonly backrefTargets: ReadonlySet<number>;
  /** Case-insensitive throughout, so emitted with JavaScript's `i` flag instead of expanded letters. */
  readonly ignoreCase: boolean;
}
