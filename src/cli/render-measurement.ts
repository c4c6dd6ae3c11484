/** A measurement snapshot as text: the verdict first, then the numbers that make it, then the warnings. */
import type { BeforeAfter } from '../analysis/stats/before-after.js';

interface Snapshot {
  id: string;
  change_id: string;
  metric: string;
  detector: string;
  verdict: string;
  sessions: { before: number; after: number; excluded_spanning: number };
  result: BeforeAfter | null;
  strata: { key: string; before: { x: number; n: number }; after: { x: number; n: number } }[];
  warnings: { code: string; message: string }[];
}

const pct = (p: number): string => `${(p * 100).toFixed(1)} %`;
const pts = (d: number): string => `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)} pts`;
const rel = (r: number): string => `${r >= 0 ? '+' : ''}${(r * 100).toFixed(0)} %`;

export function renderMeasurement(raw: unknown): string {
  const s = raw as Snapshot;
  const lines = [
    `${s.change_id} · ${s.metric} (${s.detector}) · snapshot ${s.id}`,
    `verdict: ${s.verdict.toUpperCase()}`,
  ];
  const r = s.result;
  lines.push(
    `sessions: ${s.sessions.before} before, ${s.sessions.after} after (${s.sessions.excluded_spanning} spanning the change, excluded)`,
  );
  if (r) {
    lines.push(
      `before: ${r.before.x}/${r.before.n} = ${pct(r.before.p)} [${pct(r.before.lo)}, ${pct(r.before.hi)}]`,
      `after:  ${r.after.x}/${r.after.n} = ${pct(r.after.p)} [${pct(r.after.lo)}, ${pct(r.after.hi)}]`,
      `difference: ${pts(r.difference.diff)} [${pts(r.difference.lo)}, ${pts(r.difference.hi)}] (Newcombe, 95 %)`,
    );
    if (r.relative)
      lines.push(
        `relative change: ${rel(r.relative.rel)} [${rel(r.relative.relLo)}, ${rel(r.relative.relHi)}] (Katz, 95 %)`,
      );
    if (r.adjusted)
      lines.push(
        `stratified (Mantel–Haenszel): ${pts(r.adjusted.diff)} [${pts(r.adjusted.lo)}, ${pts(r.adjusted.hi)}] vs crude ${pts(r.adjusted.crudeDiff)}` +
          (r.adjusted.strataDropped
            ? ` (${r.adjusted.strataDropped} strata with an empty window dropped, ${r.adjusted.sessionsDropped} sessions)`
            : ''),
      );
    lines.push(
      `smallest detectable change at this size: ${pts(-r.mde)}${r.mdeRelative === null ? '' : ` (${rel(-r.mdeRelative)})`}`,
    );
    if (r.target)
      lines.push(
        `target ${rel(r.target.rel)}: ${r.target.confirmed ? 'confirmed' : r.target.met ? 'met by the estimate, not confirmed by the interval' : 'not met'}; ` +
          `≈${r.target.perArm} sessions per arm to detect it` +
          (r.target.morePerArm > 0 ? ` (≈${r.target.morePerArm} more per arm needed)` : ''),
      );
    if (s.verdict === 'inconclusive' && Number.isFinite(r.observed.perArm))
      lines.push(
        `to decide on the observed change: ≈${r.observed.perArm} per arm (≈${r.observed.morePerArm} more sessions per arm needed)`,
      );
  }
  for (const st of s.strata)
    lines.push(`  ${st.key}: before ${st.before.x}/${st.before.n}, after ${st.after.x}/${st.after.n}`);
  for (const w of s.warnings) lines.push(`warning (${w.code}): ${w.message}`);
  return lines.join('\n');
}
