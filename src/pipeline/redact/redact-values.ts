/**
 * Redaction of values: every string, recursively (arrays, nested maps, and the strings inside JSON
 * text such as Claude Code's tool_parameters and tool_input), and the field rules on attribute keys.
 * A secret becomes `[REDACTED:<kind>]`; each replacement is counted in the Tally. Maps and arrays
 * are changed in place (the decoded batch belongs to the pipeline).
 *
 * Cost: a string shorter than the shortest secret, or one the keyword prefilter rejects, is returned
 * after one scan. Only a candidate runs the detectors, and only JSON text that is a candidate is
 * parsed. JSON that does not parse (Claude Code truncates long values) is scanned as text.
 */
import { createHmac } from 'node:crypto';
import type { Attributes, AttrValue } from '../../model/otlp.js';
import type { FieldAction, KeyPlan, Redaction } from './redaction-config.js';
import { SECRET_DETECTORS, SECRET_KEY, SECRET_KEY_KIND } from './secret-detectors.js';

/** Replacements made in one record. */
export interface Tally {
  n: number;
}

export const marker = (kind: string): string => `[REDACTED:${kind}]`;

/** The kind used when a field rule redacts a whole value. */
export const FIELD_KIND = 'field';

/** JSON inside JSON (a command that prints JSON, …) is walked this many levels deep, then scanned as text. */
const MAX_JSON_DEPTH = 3;
/** Bounds the per-key cache against senders that invent keys. */
const MAX_PLANS = 4096;
const MARKER = /^\[REDACTED:[a-z0-9-]+\]$/;

/**
 * Lowercase hex and UUIDs (session.id, prompt.id, Claude Code's 64-hex user.id): no built-in detector
 * can match one (each needs a character outside [0-9a-f-]), and this test is cheaper than the
 * prefilter's. Extra patterns may match anything, so with them every string is scanned.
 */
const HEX_OR_UUID = /^[0-9a-f-]*$/;

/** Whether the string could hold a secret: long enough and a keyword or an extra pattern in it. */
function isCandidate(s: string, r: Redaction): boolean {
  if (s.length < r.minLength) return false;
  if (r.extra.length === 0) return !(s.length >= 32 && HEX_OR_UUID.test(s)) && r.prefilter.test(s);
  if (r.prefilter.test(s)) return true;
  for (const e of r.extra) if (e.probe.test(s)) return true;
  return false;
}

/** Every detector over the text, in order; a later one never sees an earlier one's secret. */
function redactText(s: string, r: Redaction, t: Tally): string {
  let out = s;
  for (const d of SECRET_DETECTORS) {
    const kept = marker(d.kind);
    out = out.replace(d.pattern, (_m: string, context: string) => {
      t.n++;
      return context + kept;
    });
  }
  for (const e of r.extra) {
    const kept = marker(e.kind);
    out = out.replace(e.pattern, (m: string) => {
      if (m === '') return m;
      t.n++;
      return kept;
    });
  }
  return out;
}

/** JSON text with its strings redacted, or the text unchanged when it is not JSON or holds nothing. */
function redactJsonText(s: string, r: Redaction, t: Tally, depth: number): string {
  let parsed: AttrValue;
  try {
    parsed = JSON.parse(s) as AttrValue;
  } catch {
    return s;
  }
  const before = t.n;
  const walked = redactValue(parsed, r, t, depth + 1);
  return t.n > before ? JSON.stringify(walked) : s;
}

export function redactString(s: string, r: Redaction, t: Tally, depth = 0): string {
  if (!isCandidate(s, r)) return s;
  const first = s.charCodeAt(0);
  const json = (first === 0x7b || first === 0x5b) && depth < MAX_JSON_DEPTH; // { or [
  return redactText(json ? redactJsonText(s, r, t, depth) : s, r, t);
}

/** The value of a secret-named key: what the detectors find, else the whole value. */
function redactSecretValue(v: string, r: Redaction, t: Tally, depth: number): string {
  if (v === '' || v === '<REDACTED>' || MARKER.test(v)) return v;
  const before = t.n;
  const out = redactString(v, r, t, depth);
  if (t.n > before) return out;
  t.n++;
  return marker(SECRET_KEY_KIND);
}

/** Any attribute value, recursively; maps and arrays in place. */
export function redactValue(v: AttrValue, r: Redaction, t: Tally, depth = 0): AttrValue {
  if (typeof v === 'string') return redactString(v, r, t, depth);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = redactValue(v[i] as AttrValue, r, t, depth);
    return v;
  }
  for (const key in v) {
    const inner = v[key] as AttrValue;
    v[key] =
      typeof inner === 'string' && SECRET_KEY.test(key)
        ? redactSecretValue(inner, r, t, depth)
        : redactValue(inner, r, t, depth);
  }
  return v;
}

function planFor(r: Redaction, key: string): KeyPlan {
  let plan = r.plans.get(key);
  if (plan) return plan;
  const listed = r.mode === 'redact' || r.allow.some((a) => a.test(key));
  plan = {
    secretKey: SECRET_KEY.test(key),
    rules: r.rules.filter((rule) => rule.key.test(key)),
    fallback: listed ? 'keep' : 'drop',
  };
  if (r.plans.size >= MAX_PLANS) r.plans.clear();
  r.plans.set(key, plan);
  return plan;
}

function actionFor(plan: KeyPlan, member: string | null): FieldAction {
  for (const rule of plan.rules) {
    if (rule.members === null || (member !== null && rule.members.has(member))) return rule.action;
  }
  return plan.fallback;
}

const hashOf = (v: AttrValue, key: string): string =>
  createHmac('sha256', key)
    .update(typeof v === 'string' ? v : JSON.stringify(v))
    .digest('hex');

/** Every value of the map through the detectors: no field rules, nothing dropped (the default). */
function redactAll(attrs: Attributes, r: Redaction, t: Tally): Attributes {
  for (const key in attrs) {
    const v = attrs[key] as AttrValue;
    if (typeof v === 'string') {
      const out = planFor(r, key).secretKey ? redactSecretValue(v, r, t, 0) : redactString(v, r, t);
      if (out !== v) attrs[key] = out;
    } else if (v !== null && typeof v === 'object') {
      redactValue(v, r, t);
    }
  }
  return attrs;
}

/**
 * One attribute map: each key's field rule (the first that matches the key and `member`), else
 * keep (or drop, in allow mode, when the key is not listed). Kept values go through the detectors.
 * In place, except that a map that loses keys is rebuilt without them.
 */
export function redactAttributes(
  attrs: Attributes,
  r: Redaction,
  t: Tally,
  member: string | null,
): Attributes {
  if (r.rules.length === 0 && r.mode === 'redact') return redactAll(attrs, r, t);
  let dropped: string[] | null = null;
  for (const key in attrs) {
    const v = attrs[key] as AttrValue;
    const plan = planFor(r, key);
    const action = plan.rules.length === 0 ? plan.fallback : actionFor(plan, member);
    switch (action) {
      case 'keep':
        if (typeof v === 'string') {
          const out = plan.secretKey ? redactSecretValue(v, r, t, 0) : redactString(v, r, t);
          if (out !== v) attrs[key] = out;
        } else if (v !== null && typeof v === 'object') {
          redactValue(v, r, t);
        }
        break;
      case 'redact':
        attrs[key] = marker(FIELD_KIND);
        t.n++;
        break;
      case 'hash':
        // compileRedaction refuses hash rules without a key.
        if (v !== null) attrs[key] = hashOf(v, r.hashKey ?? '');
        break;
      case 'drop':
        (dropped ??= []).push(key);
        break;
      default:
        action satisfies never;
    }
  }
  if (dropped === null) return attrs;
  const kept: Attributes = {};
  for (const key in attrs) if (!dropped.includes(key)) kept[key] = attrs[key] as AttrValue;
  return kept;
}
