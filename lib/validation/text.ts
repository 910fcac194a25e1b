/**
 * Control characters (newlines, escapes) and invisible format characters (bidi overrides,
 * zero-width joiners, soft hyphens): they can hide or reorder what a reviewer reads.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * Why a free-text value (a reason, a display name) cannot be shown safely, or undefined
 * when it can. `max` counts characters as people see them (code points).
 */
export function freeTextProblem(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.trim() === '') return 'must not be empty';
  const hidden = HIDDEN.exec(value);
  if (hidden) {
    const code = hidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `contains the invisible or control character U+${code}; write plain text on one line`;
  }
  const length = [...value].length;
  if (length > max) return `is ${length} characters long; the limit is ${max}`;
  return undefined;
}
