/**
 * Where a JSON text stops being valid: line, column and what was expected. JSON.parse's messages
 * differ between Node versions and some carry no position, so this walks the text itself (a small
 * recursive-descent validator; only called once JSON.parse has failed).
 */
export interface JsonErrorLocation {
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

function validate(text: string): void {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const fail = (what: string): never => {
    const got = i < text.length ? `"${text[i]}"` : 'the end of the file';
    throw new Stop(i, `expected ${what}, found ${got}`);
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) fail(`"${word}"`);
      i++;
    }
  };
  const string = (): void => {
    if (text[i] !== '"') fail('a double-quoted string');
    i++;
    for (;;) {
      const ch = text[i];
      if (ch === undefined) fail('a closing "');
      if (ch === '"') break;
      if (ch === '\\') {
        i++;
        const esc = text[i] ?? '';
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('four hex digits after \\u');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(esc) || esc === '') fail('a valid escape');
      } else if ((ch as string).charCodeAt(0) < 0x20) fail('no control character inside a string');
      i++;
    }
    i++;
  };
  const number = (): void => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail('a value');
    i += (m as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        string();
        ws();
        if (text[i] !== ':') fail('":" after a property name');
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('"," or "}"');
      }
    } else if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('"," or "]"');
      }
    } else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else number();
  };
  value();
  ws();
  if (i < text.length) fail('nothing after the value');
}

/** The first syntax error of `text`, or null when it is valid JSON. */
export function locateJsonError(text: string): JsonErrorLocation | null {
  try {
    validate(text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text);
    return null;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    const before = text.slice(0, err.offset).split('\n');
    return {
      offset: err.offset,
      line: before.length,
      column: (before.at(-1)?.length ?? 0) + 1,
      message: err.message,
    };
  }
}
