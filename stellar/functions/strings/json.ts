import { double, type Value } from '../../values.js';
import { castString } from '../coerce.js';
import { fail } from '../types.js';

/**
 * The JSON reader behind TO_JSON_OBJECT, TO_JSON_MAP and TO_JSON_LIST. `JSON.parse` would lose
 * what Metron's Jackson keeps: an integer is an int or a long and anything with a fraction or
 * exponent a double (so `2` and `2.0` stay apart), objects are insertion-ordered maps. The reader
 * is strict like Jackson's defaults and bounds nesting instead of overflowing the stack.
 */

class JsonSyntaxError extends Error {}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** Jackson's default nesting limit; deeper input is rejected rather than overflowing the stack. */
const JSON_MAX_DEPTH = 1000;

class JsonReader {
  private pos = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  read(): Value {
    this.skipSpace();
    if (this.pos >= this.text.length) this.error('No content to map due to end-of-input');
    const v = this.value();
    this.skipSpace();
    if (this.pos < this.text.length) this.error('trailing content after the JSON value');
    return v;
  }

  private error(message: string): never {
    throw new JsonSyntaxError(`${message} at offset ${this.pos}`);
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  private value(): Value {
    const c = this.text[this.pos];
    switch (c) {
      case '{':
      case '[': {
        if (++this.depth > JSON_MAX_DEPTH) this.error(`nesting deeper than ${JSON_MAX_DEPTH}`);
        const v = c === '{' ? this.object() : this.array();
        this.depth--;
        return v;
      }
      case '"':
        return this.string();
      case 't':
        return this.word('true', true);
      case 'f':
        return this.word('false', false);
      case 'n':
        return this.word('null', null);
    }
    JSON_NUMBER.lastIndex = this.pos;
    const m = JSON_NUMBER.exec(this.text);
    if (!m) this.error(c === undefined ? 'unexpected end of input' : `unexpected character '${c}'`);
    this.pos += m[0].length;
    const n = Number(m[0]);
    // Jackson: integers are Integer or Long, anything with a fraction or exponent is a Double.
    return m[1] === undefined && m[2] === undefined ? n + 0 : double(n);
  }

  private word(w: string, v: Value): Value {
    if (!this.text.startsWith(w, this.pos)) this.error('unrecognized token');
    this.pos += w.length;
    return v;
  }

  private string(): string {
    this.pos++;
    let out = '';
    let start = this.pos;
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.error('unexpected end of input in a string');
      if (c === 0x22) {
        out += this.text.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.error('illegal unquoted control character in a string');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += this.text.slice(start, this.pos);
      const e = this.text[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = this.text.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.error('illegal unicode escape');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.error('unrecognized character escape');
      }
      start = this.pos;
    }
  }

  private array(): Value[] {
    this.pos++;
    const out: Value[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      out.push(this.value());
      this.skipSpace();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.error("expected ',' or ']'");
    }
  }

  private object(): Map<Value, Value> {
    this.pos++;
    const out = new Map<Value, Value>();
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.error('expected a field name');
      const key = this.string();
      this.skipSpace();
      if (this.text[this.pos++] !== ':') this.error("expected ':'");
      this.skipSpace();
      out.set(key, this.value());
      this.skipSpace();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.error("expected ',' or '}'");
    }
  }
}

/** TO_JSON_OBJECT / TO_JSON_MAP / TO_JSON_LIST: null stays null, '' stays '', else parse strictly. */
export function parseJsonArg(fn: string, v: Value | undefined, shape: 'any' | 'map' | 'list'): Value {
  const text = castString(fn, v);
  if (text === null || text === '') return text;
  let parsed: Value;
  try {
    parsed = new JsonReader(text).read();
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return shape === 'any'
      ? fail(`${fn}: Valid JSON string not supplied (${e.message})`)
      : fail(`${fn}: ${text} is not a valid JSON string (${e.message})`);
  }
  if (parsed === null) return null;
  if (shape === 'map' && !(parsed instanceof Map))
    return fail(`${fn}: ${text} is not a valid JSON string (not an object)`);
  if (shape === 'list' && !Array.isArray(parsed))
    return fail(`${fn}: ${text} is not a valid JSON string (not an array)`);
  return parsed;
}
