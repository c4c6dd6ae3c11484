/**
 * The part of docs/troubleshooting.md generated from the doctor's catalogue: one section per failure
 * (symptom, cause, fix) under a heading equal to the failure id, which is the anchor doctor prints.
 * The docs test keeps the file equal to this; `UNSILO_WRITE_DOCS=1` on that test rewrites it.
 */
import { CHECKS, FAILURES } from './doctor-catalog.js';

export const BEGIN =
  '<!-- BEGIN doctor: generated from src/doctor/doctor-catalog.ts, do not edit by hand -->';
export const END = '<!-- END doctor -->';

export function doctorDocs(): string {
  const lines = [
    BEGIN,
    '',
    '## What `unsilo doctor` reports',
    '',
    `\`unsilo doctor\` runs these checks in order: ${CHECKS.map((c) => c.title).join(' · ')}. ` +
      'It prints one line per check; a check that needs an earlier one to pass is skipped. Each failure ' +
      'names one of the sections below (`docs: docs/troubleshooting.md#<id>`). The exit code is 0 only ' +
      'when every check passes; `--json` gives the same result for scripts.',
  ];
  for (const check of CHECKS) {
    for (const f of FAILURES.filter((x) => x.check === check.id)) {
      lines.push(
        '',
        `### ${f.id}`,
        '',
        `**${f.symptom}** (check: ${check.title})`,
        '',
        `- Cause: ${f.cause}`,
        `- Fix: ${f.fix}`,
      );
    }
  }
  lines.push('', END);
  return lines.join('\n');
}

/** `doc` with its generated block replaced (or appended when it has none). */
export function withDoctorDocs(doc: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) return `${doc.trimEnd()}\n\n${doctorDocs()}\n`;
  return doc.slice(0, start) + doctorDocs() + doc.slice(end + END.length);
}
