import { describe, expect, it } from 'vitest';
import { SECRET_DETECTORS } from './secret-detectors.js';
import { RedactionConfig } from './redaction-config.js';
import { canaryCases } from './canary-corpus.js';
import { canaryRequest, runCanary } from './run-canary.js';

describe('the canary self-test', () => {
  it('passes every detector with the defaults, in every context', () => {
    const report = runCanary({ redaction: RedactionConfig.parse({}) });
    expect(report.results.map((r) => r.kind)).toEqual(SECRET_DETECTORS.map((d) => d.kind));
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('passes with field rules that hash, drop or keep the fields that hold the secrets', () => {
    const redaction = RedactionConfig.parse({
      mode: 'allow',
      fields: [
        { key: 'prompt*', action: 'hash' },
        { key: 'error', action: 'drop' },
        { key: 'tool_input', action: 'keep' },
      ],
    });
    expect(runCanary({ redaction }).ok).toBe(true);
  });

  it('really carries the secrets into the pipeline (so a pass means something)', () => {
    const body = canaryRequest(canaryCases()).toString('utf8');
    for (const c of canaryCases()) for (const s of c.secrets) expect(body).toContain(s);
  });
});
