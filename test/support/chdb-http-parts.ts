/** Pieces of the ClickHouse HTTP interface for the test endpoint: multipart bodies and parameter text. */

/** multipart/form-data → name → value (the client sends `query` and `param_*` parts this way). */
export function parseMultipart(body: Buffer, contentType: string): Record<string, string> {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  if (!boundary) return {};
  const parts: Record<string, string> = {};
  for (const chunk of body.toString('utf8').split(`--${boundary}`)) {
    const head = chunk.indexOf('\r\n\r\n');
    if (head < 0) continue;
    const name = /name="([^"]+)"/.exec(chunk.slice(0, head))?.[1];
    if (name) parts[name] = chunk.slice(head + 4).replace(/\r\n$/, '');
  }
  return parts;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f' };

/**
 * A `param_*` value as sent (ClickHouse's escaped text form; `\N` is NULL) → the value chDB binds
 * (it escapes strings again itself).
 */
export function decodeParam(text: string): string | null {
  if (text === '\\N') return null;
  return text.replace(/\\(.)/gs, (_m, c: string) => ESCAPES[c] ?? c);
}
