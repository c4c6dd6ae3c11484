/**
 * A Claude Code settings file as text and as an object. Parsing never guesses: a file that is not
 * valid JSON (or not a JSON object) is a SettingsSyntaxError naming the line and column, and nothing
 * is written over it. Serializing keeps the file's indentation and final newline, so a file whose
 * content did not change comes back byte for byte.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { locateJsonError } from './json-error-locator.js';

export type JsonObject = { [key: string]: unknown };

export interface SettingsText {
  file: string;
  /** null when the file does not exist. */
  text: string | null;
  data: JsonObject;
  indent: string;
  finalNewline: boolean;
}

export class SettingsSyntaxError extends Error {
  override readonly name = 'SettingsSyntaxError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    detail: string,
  ) {
    super(
      `${file} is not valid JSON (line ${line}, column ${column}: ${detail}); nothing was changed. ` +
        'Fix that line (or move the file away), then run the command again.',
    );
  }
}

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The indentation of the first indented line; two spaces when there is none. */
function detectIndent(text: string): string {
  const m = /^[{[][^\n]*\n([ \t]+)\S/m.exec(text);
  return m?.[1] ?? '  ';
}

export function parseSettings(file: string, text: string | null): SettingsText {
  if (text === null) return { file, text, data: {}, indent: '  ', finalNewline: true };
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return { file, text, data: {}, indent: '  ', finalNewline: true };
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    const at = locateJsonError(text) ?? { line: 1, column: 1, message: 'not JSON' };
    throw new SettingsSyntaxError(file, at.line, at.column, at.message);
  }
  if (!isObject(data)) throw new SettingsSyntaxError(file, 1, 1, 'the file must hold one JSON object {…}');
  return { file, text, data, indent: detectIndent(body), finalNewline: /\n$/.test(body) };
}

export function readSettings(file: string): SettingsText {
  return parseSettings(file, existsSync(file) ? readFileSync(file, 'utf8') : null);
}

export function serializeSettings(
  data: JsonObject,
  like: Pick<SettingsText, 'indent' | 'finalNewline'>,
): string {
  return JSON.stringify(data, null, like.indent) + (like.finalNewline ? '\n' : '');
}

/**
 * Writes via a temporary file and a rename, so a crash leaves the old or the new file, never half.
 * `mode` given: the file gets it (and a new directory 0700); else an existing file keeps its mode. A
 * symlink (a dotfiles manager's) is written through, not replaced.
 */
export function writeFileAtomic(link: string, text: string, mode?: number): void {
  const file = existsSync(link) ? realpathSync(link) : link;
  mkdirSync(path.dirname(file), { recursive: true, ...(mode === undefined ? {} : { mode: 0o700 }) });
  const keep = mode ?? (existsSync(file) ? statSync(file).mode & 0o777 : undefined);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, keep === undefined ? {} : { mode: keep });
  if (keep !== undefined) chmodSync(tmp, keep);
  renameSync(tmp, file);
}
