/** `unsilo review show` as text: the item, its session in one line, its flags and notes, and what to run next. */

interface Shown {
  queue: string;
  total?: number;
  message?: string;
  item: {
    session_id: string;
    position: number;
    reason: string;
    stratum: string | null;
    inclusion_prob: number;
    state: string;
  } | null;
  session?: {
    member: string | null;
    chapter: string | null;
    cc_version: string | null;
    model: string | null;
    prompts: number;
    cost_usd: number;
    flagged: string[];
  } | null;
  notes?: {
    id: string;
    author: string;
    verdict: string | null;
    first_event: string | null;
    body: string | null;
    created_at: string;
  }[];
  reservation?: { reviewer: string; reserved_until: string };
}

export function renderReviewItem(raw: unknown): string {
  const r = raw as Shown;
  if (!r.item) return `${r.queue}: ${r.message ?? 'nothing to show'}`;
  const it = r.item;
  const s = r.session;
  const lines = [
    `${r.queue} · item ${it.position} of ${r.total} (${it.state}) · ${it.reason}${it.stratum ? ` · stratum ${it.stratum}` : ''} · inclusion probability ${it.inclusion_prob.toFixed(3)}`,
    s
      ? `session ${it.session_id} · ${s.member ?? '?'} · chapter ${s.chapter ?? '—'} · Claude Code ${s.cc_version ?? '—'} · ${s.model ?? '—'} · ${s.prompts} prompts · $${s.cost_usd.toFixed(2)}`
      : `session ${it.session_id} (no events stored any more)`,
    `flagged: ${s?.flagged.length ? s.flagged.join(', ') : 'none'}`,
  ];
  if (r.reservation)
    lines.push(
      `reserved for ${r.reservation.reviewer} until ${r.reservation.reserved_until} (a verdict or \`unsilo review release ${r.queue} ${it.session_id}\` ends it)`,
    );
  for (const n of r.notes ?? [])
    lines.push(
      `note ${n.id} · ${n.author} · ${n.verdict ?? 'note'} · ${n.created_at}${n.first_event ? ` · first failure ${n.first_event}` : ''}${n.body ? `\n  ${n.body}` : ''}`,
    );
  lines.push(
    `read it: unsilo trace ${it.session_id}`,
    `judge it: unsilo review verdict ${r.queue} ${it.session_id} pass|fail|defer [--first-event KEY] --note "…"`,
  );
  return lines.join('\n');
}
