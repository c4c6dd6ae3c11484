/**
 * docs/troubleshooting.md cannot drift from doctor: its doctor section is generated from the catalogue
 * (UNSILO_WRITE_DOCS=1 on this test rewrites it), and every failure doctor can report has a section
 * under its id, the anchor doctor prints, with its symptom, cause and fix.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOCS_FILE, FAILURES, docsLink, type FailureId } from './doctor-catalog.js';
import { withDoctorDocs } from './doctor-docs.js';

const file = fileURLToPath(new URL(`../../${DOCS_FILE}`, import.meta.url));
if (process.env.UNSILO_WRITE_DOCS === '1') writeFileSync(file, withDoctorDocs(readFileSync(file, 'utf8')));
const doc = readFileSync(file, 'utf8');

/** The text of the `### id` section, up to the next heading. */
function section(id: string): string {
  const start = doc.indexOf(`\n### ${id}\n`);
  if (start < 0) return '';
  const rest = doc.slice(start + 1);
  const next = rest.slice(4).search(/\n#{1,3} /);
  return next < 0 ? rest : rest.slice(0, next + 4);
}

describe(DOCS_FILE, () => {
  it('holds the doctor section exactly as generated from the catalogue (UNSILO_WRITE_DOCS=1 regenerates it)', () => {
    expect(doc).toBe(withDoctorDocs(doc));
  });

  it.each(FAILURES.map((f) => [f.id, f] as const))(
    'documents %s: symptom, cause and fix under its anchor',
    (id, f) => {
      const text = section(id);
      expect(text, `no "### ${id}" in ${DOCS_FILE}`).not.toBe('');
      expect(text).toContain(f.symptom);
      expect(text).toContain(`Cause: ${f.cause}`);
      expect(text).toContain(`Fix: ${f.fix}`);
      expect(docsLink(id)).toBe(`docs/troubleshooting.md#${id}`);
    },
  );

  it('covers the failures a member meets most', () => {
    const named: Record<string, FailureId> = {
      'wrong URL': 'collector-unreachable',
      'wrong port': 'endpoint-closed',
      'wrong protocol': 'wrong-protocol',
      'missing variable': 'variable-missing',
      '401 (no token)': 'token-missing',
      '401 (bad token)': 'token-invalid',
      '401 (revoked)': 'token-revoked',
      'collector down': 'collector-down',
      'hooks not firing': 'hooks-not-firing',
      'telemetry silently off after an upgrade': 'claude-upgraded',
    };
    for (const [what, id] of Object.entries(named)) expect(section(id), what).toMatch(/Fix: /);
    expect(new Set(FAILURES.map((f) => f.id)).size).toBe(FAILURES.length);
  });
});
