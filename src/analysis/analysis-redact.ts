/**
 * Free text the analysis stores (notes, definitions, recommendations, evidence excerpts) goes through
 * the same compiled secret redaction as ingest, with the configured extra patterns, so a note outlives
 * raw-event retention without carrying a secret.
 */
import { compileRedaction, type RedactionSettings } from '../pipeline/redact/redaction-config.js';
import { redactString } from '../pipeline/redact/redact-values.js';

export function textRedactor(settings: RedactionSettings): (text: string) => string {
  const compiled = compileRedaction(settings);
  return (text) => redactString(text, compiled, { n: 0 });
}
