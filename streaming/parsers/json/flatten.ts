import { DOUBLE_FIELDS, type Event } from '#core';
import { holdsDouble, type Lexemes } from '../json-lexemes.js';
import { COMPILE_AFTER, COMPILED_MAX, compileShape, literalKey, readKey } from '../shape-code.js';
import { dottedName, isJsonObject, setField } from './read-object.js';

/**
 * A JSON object as one flat event: nested objects become dotted names (`alert.signature_id`),
 * lists and scalars are kept as they are, top-level keys may be renamed or skipped. Each shape
 * (the key lists of the object and of every object inside it) is walked through a trie of keys;
 * a shape seen often enough gets a compiled function that builds the event as one object literal.
 */

type JsonObject = Record<string, unknown>;
type Build = (object: JsonObject) => Event;

/** A trie node: after a key, or after going into (`enter`) or out of (`leave`) a nested object. */
interface ShapeNode {
  next: Map<string, ShapeNode> | undefined;
  enter: ShapeNode | undefined;
  leave: ShapeNode | undefined;
  seen: number;
  build: Build | undefined;
}

const newNode = (): ShapeNode => ({
  next: undefined,
  enter: undefined,
  leave: undefined,
  seen: 0,
  build: undefined,
});
const NODES_MAX = 65_536;

export class Flattener {
  private root: ShapeNode = newNode();
  private nodes = 0;
  private compiled = 0;

  /**
   * @param nameOf the event name of a top-level key (its rename), or undefined to skip the key
   */
  constructor(private readonly nameOf: (key: string) => string | undefined) {}

  /**
   * The flat event of `object`. With number texts (`lexemes`), fields written as integral
   * doubles are listed under DOUBLE_FIELDS, by the general walk.
   */
  flatten(object: JsonObject, lexemes?: Lexemes): Event {
    if (lexemes !== undefined) return this.general(object, lexemes);
    const shape = this.walk(object, this.root);
    if (shape !== undefined) {
      if (shape.build !== undefined) return shape.build(object);
      if (++shape.seen >= COMPILE_AFTER && this.compiled < COMPILED_MAX) {
        this.compiled++;
        shape.build = this.compile(object);
        return shape.build(object);
      }
    }
    return this.general(object, undefined);
  }

  /** Key by key, nested objects recursively. */
  private general(object: JsonObject, lexemes: Lexemes | undefined): Event {
    const event: Event = {};
    const doubles = new Set<string>();
    for (const key of Object.keys(object)) {
      const name = this.nameOf(key);
      if (name !== undefined) copyFlat(name, object, key, event, doubles, lexemes);
    }
    if (doubles.size > 0) event[DOUBLE_FIELDS] = doubles;
    return event;
  }

  /** The trie node of this object's shape; undefined when the trie is full (it is then reset). */
  private walk(object: JsonObject, from: ShapeNode): ShapeNode | undefined {
    let node: ShapeNode | undefined = from;
    for (const key of Object.keys(object)) {
      node = this.step(node, key);
      if (node === undefined) return undefined;
      const value = object[key];
      if (isJsonObject(value)) {
        node = this.into(node);
        node = node && this.walk(value, node);
        node = node && this.outOf(node);
        if (node === undefined) return undefined;
      }
    }
    return node;
  }

  /** The child after a key, made when new. */
  private step(node: ShapeNode, key: string): ShapeNode | undefined {
    const next = node.next?.get(key);
    if (next !== undefined) return next;
    const made = this.make();
    if (made !== undefined) {
      node.next ??= new Map();
      node.next.set(key, made);
    }
    return made;
  }

  /** The child after going into a nested object. */
  private into(node: ShapeNode): ShapeNode | undefined {
    node.enter ??= this.make();
    return node.enter;
  }

  /** The child after coming out of a nested object. */
  private outOf(node: ShapeNode): ShapeNode | undefined {
    node.leave ??= this.make();
    return node.leave;
  }

  /** A new node; undefined when the trie is full, which is then dropped (hostile key lists). */
  private make(): ShapeNode | undefined {
    if (this.nodes >= NODES_MAX) {
      this.root = newNode();
      this.nodes = 0;
      return undefined;
    }
    this.nodes++;
    return newNode();
  }

  /** The builder for the shape of `object`: each leaf read by its path, the event one literal. */
  private compile(object: JsonObject): Build {
    const fields: string[] = [];
    const visit = (holder: JsonObject, path: string, name: string | undefined) => {
      for (const key of Object.keys(holder)) {
        const field = name === undefined ? this.nameOf(key) : dottedName(name, key);
        if (field === undefined) continue;
        const read = readKey(path, key);
        const value = holder[key];
        if (isJsonObject(value)) visit(value, read, field);
        else fields.push(`${literalKey(field)}: ${read}`);
      }
    };
    visit(object, 'o', undefined);
    return compileShape<Build>(['o'], `return {\n${fields.join(',\n')}\n};`);
  }
}

/** Copy `holder[key]` under `name`, nested objects as dotted names below it. */
function copyFlat(
  name: string,
  holder: JsonObject,
  key: string,
  event: Event,
  doubles: Set<string>,
  lexemes: Lexemes | undefined,
): void {
  const value = holder[key];
  if (isJsonObject(value)) {
    for (const inner of Object.keys(value))
      copyFlat(dottedName(name, inner), value, inner, event, doubles, lexemes);
    return;
  }
  setField(event, name, value);
  if (lexemes !== undefined && holdsDouble(lexemes, holder, key)) doubles.add(name);
}
