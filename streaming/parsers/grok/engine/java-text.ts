/**
 * The few `java.lang.String` behaviours Metron's parsers lean on, so ported code fails where
 * the Java code threw and agrees where it did not.
 */

/** What Java throws for a bad index (`StringIndexOutOfBounds`, `ArrayIndexOutOfBounds`). */
export class JavaIndexError extends Error {}

/**
 * `String.split(regex)` with limit 0: trailing empty strings are dropped, and text the
 * separator never matches comes back whole. `separator` must not contain capturing groups.
 */
export function javaSplit(text: string, separator: string | RegExp): string[] {
  const parts = text.split(separator);
  if (parts.length === 1) return parts;
  let end = parts.length;
  while (end > 0 && parts[end - 1] === '') end--;
  return end === parts.length ? parts : parts.slice(0, end);
}

/** `array[index]`, throwing where Java would. */
export function javaAt(parts: readonly string[], index: number): string {
  const v = parts[index];
  if (v === undefined) throw new JavaIndexError(`index ${index} out of bounds for length ${parts.length}`);
  return v;
}

/** `String.substring(begin, end)`, throwing where Java would rather than clamping. */
export function javaSubstring(text: string, begin: number, end: number = text.length): string {
  if (begin < 0 || end > text.length || begin > end) {
    throw new JavaIndexError(`begin ${begin}, end ${end}, length ${text.length}`);
  }
  return text.slice(begin, end);
}

/** `String.trim()`: strips characters up to U+0020 (not Unicode spaces) from both ends. */
export function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** `Character.isWhitespace`: ASCII whitespace, the separators U+001C-U+001F, and Unicode spaces except no-break ones. */
function isJavaWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x2006) ||
    (c >= 0x2008 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Commons Lang's `StringUtils.isBlank`: empty or only whitespace. */
export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isJavaWhitespace(text.charCodeAt(i))) return false;
  return true;
}

/** Java's `\s` (ASCII whitespace), for regexes ported from Java. */
export const JAVA_WHITESPACE = '[\\t-\\r ]';
