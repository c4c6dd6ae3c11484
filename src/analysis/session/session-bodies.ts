/**
 * The long texts of an event ("bodies"), from its attributes: the prompt, the system prompt, a tool
 * call's parameters and input, an error, a response, a raw API body. The session page shows a short
 * body inline and loads a long one (or any system prompt) only when it is expanded. Content was
 * redacted at ingest; a prompt Claude Code sent as <REDACTED> is no body.
 */
import { AnalysisNotFoundError, selectRows, type AnalysisContext } from '../analysis-context.js';

/** Bodies up to this many characters are shown inline. */
export const INLINE_MAX = 300;

const PARTS = [
  { part: 'prompt', attr: 'prompt', label: 'prompt' },
  { part: 'system_prompt', attr: 'system_prompt', label: 'system prompt' },
  { part: 'parameters', attr: 'tool_parameters', label: 'parameters' },
  { part: 'input', attr: 'tool_input', label: 'input' },
  { part: 'error', attr: 'error', label: 'error' },
  { part: 'response', attr: 'response', label: 'response' },
  { part: 'body', attr: 'body', label: 'API body' },
] as const;

export type BodyPart = (typeof PARTS)[number]['part'];

export const isBodyPart = (p: string): p is BodyPart => PARTS.some((x) => x.part === p);

export interface BodyRef {
  part: BodyPart;
  label: string;
  /** Length in characters. */
  length: number;
  /** The text when it is shown inline, else null (loaded on expand). */
  text: string | null;
}

const textOf = (v: unknown): string | null => {
  if (v === null || v === undefined || v === '' || v === '<REDACTED>') return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
};

export function parseAttributes(v: unknown): Record<string, unknown> {
  if (typeof v !== 'string') return {};
  try {
    const o = JSON.parse(v) as unknown;
    return o && typeof o === 'object' ? (o as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The bodies an event's attributes hold, short ones with their text. */
export function bodiesOf(attrs: Record<string, unknown>): BodyRef[] {
  const out: BodyRef[] = [];
  for (const { part, attr, label } of PARTS) {
    const text = textOf(attrs[attr]);
    if (text === null) continue;
    const inline = text.length <= INLINE_MAX && part !== 'system_prompt';
    out.push({ part, label, length: text.length, text: inline ? text : null });
  }
  return out;
}

/** The whole text of one body of one event of a session. */
export async function eventBody(
  ctx: AnalysisContext,
  session: string,
  key: string,
  part: string,
): Promise<{ label: string; text: string }> {
  const [row] = await selectRows(
    ctx,
    (p) => `SELECT attributes FROM events WHERE session_id = ${p(session)} AND key = ${p(key)} LIMIT 1`,
  );
  if (!row) throw new AnalysisNotFoundError(`session ${session} has no event "${key}"`);
  const spec = PARTS.find((x) => x.part === part);
  const text = spec ? textOf(parseAttributes(row.attributes)[spec.attr]) : null;
  if (!spec || text === null) throw new AnalysisNotFoundError(`event "${key}" has no ${part}`);
  return { label: spec.label, text };
}
