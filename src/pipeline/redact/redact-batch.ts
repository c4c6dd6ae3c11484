/**
 * redact: the decoded batch with every secret replaced by `[REDACTED:<kind>]` and the field rules
 * applied, before normalize derives typed columns (command, error, …) and before anything reaches
 * the write-ahead log. Covers log records (attributes, body, event name), spans (attributes, name,
 * status message, events, links), metric points (attributes) and each resource (after its records:
 * the member a field rule names is read from the record and resource as sent).
 *
 * A record with replacements gets `unsilo.redacted` = how many (a resource the same for its own), so
 * the count survives in the stored `attributes` JSON. Changes the batch in place and returns it.
 * In allow mode a log body that is not an event name (Claude Code sends `claude_code.<event>`) is
 * dropped too, as an unlisted attribute would be.
 */
import type {
  AttrValue,
  Attributes,
  DecodedBatch,
  DecodedLogs,
  DecodedMetrics,
  DecodedTraces,
} from '../../model/otlp.js';
import { memberOf } from '../normalize/identity.js';
import { compileRedaction, DEFAULT_REDACTION_SETTINGS, type Redaction } from './redaction-config.js';
import { redactAttributes, redactString, redactValue, type Tally } from './redact-values.js';

export const REDACTED_COUNT_KEY = 'unsilo.redacted';

const EVENT_NAME = /^[\w.:-]{1,200}$/;

let defaults: Redaction | null = null;
/** The built-in detectors with no field rules: what runs when a caller gives no configuration. */
export const defaultRedaction = (): Redaction => (defaults ??= compileRedaction(DEFAULT_REDACTION_SETTINGS));

function noteCount(attrs: Attributes, t: Tally): void {
  if (t.n > 0) attrs[REDACTED_COUNT_KEY] = t.n;
}

/** The member a record's field rules see, read before anything in it is changed. */
const memberFor = (r: Redaction, tokenMember: string | null, resource: Attributes, attrs: Attributes) =>
  r.hasMemberRules ? memberOf(tokenMember, resource, attrs) : null;

function redactBody(body: AttrValue, r: Redaction, t: Tally): AttrValue {
  if (r.mode === 'allow' && !(typeof body === 'string' && EVENT_NAME.test(body))) return null;
  return redactValue(body, r, t);
}

function redactLogs(batch: DecodedLogs, r: Redaction, tokenMember: string | null): void {
  for (const res of batch.resources) {
    for (const { records } of res.scopes) {
      for (const rec of records) {
        const t: Tally = { n: 0 };
        const member = memberFor(r, tokenMember, res.resource, rec.attributes);
        rec.attributes = redactAttributes(rec.attributes, r, t, member);
        rec.body = redactBody(rec.body, r, t);
        if (rec.eventName !== '') rec.eventName = redactString(rec.eventName, r, t);
        noteCount(rec.attributes, t);
      }
    }
    res.resource = redactResource(res.resource, r, tokenMember);
  }
}

function redactTraces(batch: DecodedTraces, r: Redaction, tokenMember: string | null): void {
  for (const res of batch.resources) {
    for (const { spans } of res.scopes) {
      for (const span of spans) {
        const t: Tally = { n: 0 };
        const member = memberFor(r, tokenMember, res.resource, span.attributes);
        span.attributes = redactAttributes(span.attributes, r, t, member);
        span.name = redactString(span.name, r, t);
        if (span.statusMessage !== '') span.statusMessage = redactString(span.statusMessage, r, t);
        for (const e of span.events) {
          e.name = redactString(e.name, r, t);
          e.attributes = redactAttributes(e.attributes, r, t, member);
        }
        for (const l of span.links) l.attributes = redactAttributes(l.attributes, r, t, member);
        noteCount(span.attributes, t);
      }
    }
    res.resource = redactResource(res.resource, r, tokenMember);
  }
}

function redactMetrics(batch: DecodedMetrics, r: Redaction, tokenMember: string | null): void {
  for (const res of batch.resources) {
    for (const { metrics } of res.scopes) {
      for (const m of metrics) {
        for (const p of m.points) {
          const t: Tally = { n: 0 };
          p.attributes = redactAttributes(
            p.attributes,
            r,
            t,
            memberFor(r, tokenMember, res.resource, p.attributes),
          );
          noteCount(p.attributes, t);
        }
      }
    }
    res.resource = redactResource(res.resource, r, tokenMember);
  }
}

function redactResource(resource: Attributes, r: Redaction, tokenMember: string | null): Attributes {
  const t: Tally = { n: 0 };
  const out = redactAttributes(resource, r, t, memberFor(r, tokenMember, resource, {}));
  noteCount(out, t);
  return out;
}

export function redactBatch<B extends DecodedBatch>(
  batch: B,
  redaction: Redaction = defaultRedaction(),
  tokenMember: string | null = null,
): B {
  const b: DecodedBatch = batch;
  switch (b.signal) {
    case 'logs':
      redactLogs(b, redaction, tokenMember);
      break;
    case 'traces':
      redactTraces(b, redaction, tokenMember);
      break;
    case 'metrics':
      redactMetrics(b, redaction, tokenMember);
      break;
    default:
      b satisfies never;
  }
  return batch;
}
