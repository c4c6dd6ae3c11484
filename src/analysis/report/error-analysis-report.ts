/**
 * The findings of one review queue, written up: progress and saturation, the patterns with their
 * counts (raw and reweighted, with Wilson intervals), recommendations and status, and the changes that
 * address them with their latest verdict. Data as JSON; Markdown and self-contained HTML renderings.
 */
import type { AnalysisContext } from '../analysis-context.js';
import { changeMeasurements, loadChanges } from '../changes/change-store.js';
import { countPatterns } from '../patterns/pattern-counts.js';
import { queueStatus } from '../review/review-status.js';

export async function errorAnalysisReport(ctx: AnalysisContext, a: { queue: string }) {
  const status = await queueStatus(ctx, a.queue);
  const patterns = await countPatterns(ctx, a);
  const slugs = new Set(patterns.map((p) => p.pattern));
  const changes = await Promise.all(
    (await loadChanges(ctx))
      .filter((c) => c.patterns.some((p) => slugs.has(p)))
      .map(async (c) => {
        const last = (await changeMeasurements(ctx, c.id)).at(-1) as
          | {
              verdict: string;
              computed_at: string;
              result: { relative: { rel: number; relLo: number; relHi: number } | null } | null;
            }
          | undefined;
        return {
          id: c.id,
          kind: c.kind,
          ref: c.ref,
          effective: c.effective,
          patterns: c.patterns,
          metric: c.metric,
          target: c.target,
          verdict: last?.verdict ?? 'not measured',
          measured_at: last?.computed_at ?? null,
          relative: last?.result?.relative ?? null,
        };
      }),
  );
  return { queue: a.queue, generated_at: ctx.now().toISOString(), status, patterns, changes };
}

export type ErrorAnalysisReport = Awaited<ReturnType<typeof errorAnalysisReport>>;

const pct = (p: number): string => `${(p * 100).toFixed(1)} %`;
const ci = (lo: number, hi: number): string => `${pct(lo)} – ${pct(hi)}`;

function tables(r: ErrorAnalysisReport): { head: string[]; rows: string[][] }[] {
  return [
    {
      head: [
        'pattern',
        'status',
        'sessions',
        'of reviewed',
        'rate (95 % CI)',
        'reweighted (95 % CI)',
        'recommendation',
      ],
      rows: r.patterns.map((p) => [
        p.pattern,
        p.status,
        String(p.sessions),
        String(p.reviewed),
        `${pct(p.rate)} (${ci(p.lo, p.hi)})`,
        `${pct(p.weighted_rate)} (${ci(p.weighted_lo, p.weighted_hi)})`,
        p.recommendation ?? '',
      ]),
    },
    {
      head: ['change', 'kind', 'effective', 'patterns', 'target', 'verdict', 'relative change (95 % CI)'],
      rows: r.changes.map((c) => [
        c.id,
        c.kind,
        c.effective.slice(0, 10),
        c.patterns.join(', '),
        c.target === null ? '' : `${Math.round(c.target * 100)} %`,
        c.verdict,
        c.relative
          ? `${Math.round(c.relative.rel * 100)} % (${Math.round(c.relative.relLo * 100)} % – ${Math.round(c.relative.relHi * 100)} %)`
          : '',
      ]),
    },
  ];
}

const summary = (r: ErrorAnalysisReport): string =>
  `${r.status.done} of ${r.status.total} sessions reviewed (${r.status.failed} failed, ${r.status.deferred} deferred, ${r.status.pending} pending); ` +
  `${r.status.codes} failure modes, ${r.status.new_codes_last_20} new in the last 20 reviewed${r.status.saturated ? ' (saturated)' : ''}.`;

const mdCell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function renderErrorAnalysisMarkdown(r: ErrorAnalysisReport): string {
  const [patterns, changes] = tables(r);
  const table = (t: { head: string[]; rows: string[][] }): string =>
    [
      `| ${t.head.join(' | ')} |`,
      `| ${t.head.map(() => '---').join(' | ')} |`,
      ...t.rows.map((row) => `| ${row.map(mdCell).join(' | ')} |`),
    ].join('\n');
  return [
    `# Error analysis: queue ${r.queue}`,
    '',
    summary(r),
    '',
    '## Failure modes',
    '',
    patterns!.rows.length ? table(patterns!) : 'No patterns yet.',
    '',
    '## Changes and verdicts',
    '',
    changes!.rows.length ? table(changes!) : 'No change addresses these patterns yet.',
    '',
  ].join('\n');
}

const esc = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export function renderErrorAnalysisHtml(r: ErrorAnalysisReport): string {
  const table = (t: { head: string[]; rows: string[][] }): string =>
    `<table><thead><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${t.rows
      .map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const [patterns, changes] = tables(r);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error analysis: ${esc(r.queue)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}th{background:#f3f3f3}</style></head><body>
<h1>Error analysis: queue ${esc(r.queue)}</h1><p>${esc(summary(r))}</p>
<h2>Failure modes</h2>${patterns!.rows.length ? table(patterns!) : '<p>No patterns yet.</p>'}
<h2>Changes and verdicts</h2>${changes!.rows.length ? table(changes!) : '<p>No change addresses these patterns yet.</p>'}
<p><small>Generated ${esc(r.generated_at)}</small></p></body></html>
`;
}
