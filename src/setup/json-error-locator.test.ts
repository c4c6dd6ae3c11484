/** The JSON error locator: the first syntax error's line and column, and agreement with JSON.parse. */
import { describe, expect, it } from 'vitest';
import { locateJsonError } from './json-error-locator.js';

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('locateJsonError', () => {
  it.each([
    ['{\n  "a": 1,\n}', 3, 1, /expected a double-quoted string, found "}"/],
    ['{\n  "env": {\n    "A": "1"\n    "B": "2"\n  }\n}', 4, 5, /expected "," or "}"/],
    ['{"a": tru}', 1, 10, /expected "true"/],
    ['{"a": 1', 1, 8, /found the end of the file/],
    ['{"a": 1} x', 1, 10, /nothing after the value/],
    ["{'a': 1}", 1, 2, /double-quoted/],
    ['{"a": "x\ty"}', 1, 9, /control character/],
    ['{"a": 01}', 1, 8, /"," or "}"/],
    ['', 1, 1, /expected a value/],
  ])('%j: line %i, column %i', (text, line, column, message) => {
    expect(parses(text)).toBe(false);
    const at = locateJsonError(text);
    expect(at).toMatchObject({ line, column });
    expect(at?.message).toMatch(message);
  });

  it('finds nothing wrong in valid JSON, whatever its shape', () => {
    for (const text of [
      '{}',
      '[]',
      ' {"a": [1, -2.5e3, true, false, null, "\\u00e9\\n\\"x\\""], "b": {"c": {}}} ',
      '"just a string"',
      '0',
    ]) {
      expect(parses(text)).toBe(true);
      expect(locateJsonError(text), text).toBeNull();
    }
  });
});
