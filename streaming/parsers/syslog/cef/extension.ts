import type { Event } from '#core';

/**
 * The parts of the CEF format LEEF 0 reuses: `|`-separated header fields and the `key=value`
 * extension. Escapes are read as the CEF specification writes them (`\|` and `\\` in the
 * header, `\=` and `\\` in the extension, `\|` tolerated there too); Metron 0.7.2 left them in
 * the values, a bug Palisade fixes on purpose. A backslash before anything else is kept.
 */

const BACKSLASH = 92;
const PIPE = 124;
const EQUALS = 61;
const SPACE = 32;

function isEscapable(code: number): boolean {
  return code === BACKSLASH || code === PIPE || code === EQUALS;
}

/** Text with the CEF escapes `\\`, `\|` and `\=` resolved. */
export function unescapeCef(text: string): string {
  let i = text.indexOf('\\');
  if (i < 0) return text;
  let out = '';
  let from = 0;
  while (i >= 0 && i + 1 < text.length) {
    if (isEscapable(text.charCodeAt(i + 1))) {
      // Drop the backslash; the escaped character starts the next kept run.
      out += text.slice(from, i);
      from = i + 1;
      i = text.indexOf('\\', i + 2);
    } else {
      i = text.indexOf('\\', i + 1);
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

/** Where the header field starting at `at` ends (its closing unescaped `|`), or -1. */
export function headerFieldEnd(text: string, at: number): number {
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < text.length && isEscapable(text.charCodeAt(i + 1))) i++;
    else if (c === PIPE) return i;
  }
  return -1;
}

/**
 * Read a CEF extension into `event`. A key is a space-delimited word directly followed by an
 * unescaped `=`; its value runs to the space before the next key (trimmed, as Metron trims
 * all but the last value). An `=` inside a word that already holds one belongs to the value, so
 * an unescaped URL query survives. `csNLabel=Name` renames `csN` to `Name` at the end; a label
 * whose field is absent is dropped, as in Metron. Text before the first key is ignored.
 */
export function parseExtension(ext: string, event: Event): void {
  const keyStarts: number[] = [];
  const equalsAt: number[] = [];
  let wordStart = 0;
  let wordIsKey = true;
  for (let i = 0; i < ext.length; i++) {
    const c = ext.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < ext.length && isEscapable(ext.charCodeAt(i + 1))) {
      i++;
      wordIsKey = false;
    } else if (c === SPACE) {
      wordStart = i + 1;
      wordIsKey = true;
    } else if (c === EQUALS) {
      if (wordIsKey && i > wordStart) {
        keyStarts.push(wordStart);
        equalsAt.push(i);
      }
      wordIsKey = false;
    }
  }
  let labels: Map<string, string> | undefined;
  for (let k = 0; k < keyStarts.length; k++) {
    const key = ext.slice(keyStarts[k], equalsAt[k]);
    const next = keyStarts[k + 1];
    const rawValue = ext.slice((equalsAt[k] as number) + 1, next);
    const value = unescapeCef(next === undefined ? rawValue : rawValue.trim());
    if (key.length > 5 && key.endsWith('Label')) {
      labels ??= new Map();
      labels.set(key.slice(0, -5), value);
    } else {
      event[key] = value;
    }
  }
  if (!labels) return;
  for (const [field, label] of labels) {
    if (label === '' || !(field in event)) continue;
    event[label] = event[field];
    delete event[field];
  }
}
