/** A session trace as text a person reads top to bottom: per prompt, its steps and totals. */
import type { SessionTrace, TraceTotals } from '../query/session-trace.js';

const usd = (v: number): string => `$${v.toFixed(4)}`;
const time = (ts: string): string => ts.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');

function totals(t: TraceTotals): string {
  const tokens = t.input_tokens + t.output_tokens + t.cache_read_tokens + t.cache_creation_tokens;
  return [
    `${t.api_requests} API request${t.api_requests === 1 ? '' : 's'}`,
    t.api_errors ? `${t.api_errors} API error${t.api_errors === 1 ? '' : 's'}` : '',
    `${t.tool_calls} tool call${t.tool_calls === 1 ? '' : 's'}${t.tool_failures ? ` (${t.tool_failures} failed)` : ''}`,
    `${tokens.toLocaleString('en-US')} tokens`,
    usd(t.cost_usd),
  ]
    .filter(Boolean)
    .join(', ');
}

export function renderTrace(trace: SessionTrace): string {
  const head = [
    `session ${trace.session_id}`,
    `member ${trace.member ?? '?'} · ${time(trace.started)} → ${time(trace.ended)} (${trace.duration_s} s)` +
      (trace.app_version ? ` · Claude Code ${trace.app_version}` : ''),
  ];
  const ctx = [
    trace.git_branch && `branch ${trace.git_branch}`,
    trace.repo && `repo ${trace.repo}`,
    trace.feature && `feature ${trace.feature}`,
    trace.chapter && `chapter ${trace.chapter}`,
  ];
  if (ctx.some(Boolean)) head.push(ctx.filter(Boolean).join(' · '));
  const lines = [...head, `total: ${totals(trace.totals)}`, ''];
  trace.prompts.forEach((p, i) => {
    const title =
      p.prompt_id === null
        ? 'start-up (before the first prompt)'
        : `prompt ${i + (trace.prompts[0]?.prompt_id === null ? 0 : 1)}`;
    lines.push(`── ${title} · ${time(p.ts)}${p.prompt_id ? ` · ${p.prompt_id}` : ''}`);
    if (p.text !== null) lines.push(`   "${p.text.length > 300 ? `${p.text.slice(0, 300)}…` : p.text}"`);
    for (const s of p.steps)
      lines.push(`   ${time(s.ts).slice(11)}  ${s.event_name.padEnd(20)} ${s.summary}`);
    lines.push(`   = ${totals(p.totals)}`, '');
  });
  return lines.join('\n');
}
