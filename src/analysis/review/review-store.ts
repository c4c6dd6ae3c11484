/**
 * Review queues in the store: a queue (name, the sample spec it was drawn with), its items (a
 * session once per queue, with position, reason, stratum and inclusion probability) and the
 * annotations made on them. An item's state is its latest annotation's verdict: pass / fail → done,
 * defer → deferred, none → pending. Several reviewers may annotate one item: every row is kept, the
 * item counts once.
 */
import { AnalysisNotFoundError, selectRows, type AnalysisContext } from '../analysis-context.js';

export interface Queue {
  id: string;
  name: string;
  spec: Record<string, unknown>;
  created_by: string | null;
  created_at: string;
}

export interface QueueItem {
  session_id: string;
  position: number;
  reason: string;
  stratum: string | null;
  inclusion_prob: number;
}

export interface Annotation {
  id: string;
  queue_id: string | null;
  session_id: string;
  author: string;
  verdict: 'pass' | 'fail' | 'defer' | null;
  first_event: string | null;
  body: string | null;
  evidence: unknown;
  created_at: string;
}

export type ItemState = 'pending' | 'done' | 'deferred';

export async function findQueue(ctx: AnalysisContext, name: string): Promise<Queue | null> {
  const rows = await selectRows(
    ctx,
    (p) =>
      `SELECT id, name, spec, created_by, created_at FROM review_queues WHERE name = ${p(name)} ORDER BY created_at, id LIMIT 1`,
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: String(r.id),
    name: String(r.name),
    spec: JSON.parse(String(r.spec)) as Record<string, unknown>,
    created_by: r.created_by as string | null,
    created_at: String(r.created_at),
  };
}

/** Every queue name, oldest first. */
export async function queueNames(ctx: AnalysisContext): Promise<string[]> {
  const rows = await selectRows(ctx, () => 'SELECT name FROM review_queues ORDER BY created_at, id');
  return [...new Set(rows.map((r) => String(r.name)))];
}

export async function getQueue(ctx: AnalysisContext, name: string): Promise<Queue> {
  const q = await findQueue(ctx, name);
  if (!q)
    throw new AnalysisNotFoundError(
      `no review queue "${name}"; create it with \`unsilo review sample --name ${name} …\``,
    );
  return q;
}

export async function queueItems(ctx: AnalysisContext, queueId: string): Promise<QueueItem[]> {
  const rows = await selectRows(
    ctx,
    (p) =>
      `SELECT session_id, position, reason, stratum, inclusion_prob FROM review_items WHERE queue_id = ${p(queueId)} ORDER BY position`,
  );
  return rows.map((r) => ({
    session_id: String(r.session_id),
    position: Number(r.position),
    reason: String(r.reason),
    stratum: r.stratum as string | null,
    inclusion_prob: Number(r.inclusion_prob),
  }));
}

/** The queue's annotations, oldest first. */
export async function queueAnnotations(ctx: AnalysisContext, queueId: string): Promise<Annotation[]> {
  const rows = await selectRows(
    ctx,
    (p) => `SELECT * FROM annotations WHERE queue_id = ${p(queueId)} ORDER BY seq`,
  );
  return rows.map(toAnnotation);
}

export async function annotationById(ctx: AnalysisContext, id: string): Promise<Annotation> {
  const rows = await selectRows(ctx, (p) => `SELECT * FROM annotations WHERE id = ${p(id)}`);
  if (!rows[0])
    throw new AnalysisNotFoundError(`no note "${id}"; \`unsilo review show QUEUE\` lists the notes`);
  return toAnnotation(rows[0]);
}

function toAnnotation(r: Record<string, unknown>): Annotation {
  return {
    id: String(r.id),
    queue_id: r.queue_id as string | null,
    session_id: String(r.session_id),
    author: String(r.author),
    verdict: r.verdict as Annotation['verdict'],
    first_event: r.first_event as string | null,
    body: r.body as string | null,
    evidence: r.evidence === null ? null : (JSON.parse(String(r.evidence)) as unknown),
    created_at: String(r.created_at),
  };
}

/** session → its latest verdict annotation. */
export function latestVerdicts(annotations: readonly Annotation[]): Map<string, Annotation> {
  const out = new Map<string, Annotation>();
  for (const a of annotations) if (a.verdict) out.set(a.session_id, a);
  return out;
}

export function itemState(latest: Annotation | undefined): ItemState {
  if (!latest?.verdict) return 'pending';
  return latest.verdict === 'defer' ? 'deferred' : 'done';
}
