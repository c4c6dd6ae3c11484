/**
 * The questions unsilo answers, over any store: named templates with validated parameters, the
 * session list, a session's trace and the monthly report. The HTTP API and the CLI (when it opens the
 * store itself) both call this, so they answer alike.
 */
import type { QueryResult, Store } from '../store/store.js';
import { parseFilters, QueryParamError, type QueryFilters } from './query-filters.js';
import { buildQuery, type QueryTemplate } from './query-template.js';
import { buildTrace, type SessionTrace } from './session-trace.js';
import { templateByName, TEMPLATES } from './templates/index.js';

export interface TemplateInfo {
  name: string;
  description: string;
  filters: readonly string[];
  options: readonly {
    name: string;
    description: string;
    default: number | string;
    choices?: readonly string[];
  }[];
  source: string;
}

/** Keys a request may carry besides filters and the template's options. */
const PASSIVE_KEYS = new Set(['format']);

export class UnknownTemplateError extends QueryParamError {}
export class UnknownSessionError extends QueryParamError {}

export class QueryService {
  constructor(
    readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(): TemplateInfo[] {
    return TEMPLATES.map((t) => ({
      name: t.name,
      description: t.description,
      filters: t.filters,
      options: t.options ?? [],
      source: t.source ?? '',
    }));
  }

  template(name: string): QueryTemplate {
    const t = templateByName(name);
    if (!t) {
      throw new UnknownTemplateError(
        `no query template "${name}"; \`unsilo query --list\` shows them: ${TEMPLATES.map((x) => x.name).join(', ')}`,
      );
    }
    return t;
  }

  /** Runs template `name` with raw parameters (CLI flags or URL query values, as text). */
  async run(name: string, raw: Record<string, unknown>): Promise<QueryResult> {
    const t = this.template(name);
    const { filters, options } = this.parse(t, raw);
    await this.checkKnown(filters);
    const q = buildQuery(t, this.store.dialect, filters, options);
    return this.store.query(q.sql, q.params);
  }

  /** The session whose id is `idOrPrefix`, or the only one starting with it. */
  async resolveSession(idOrPrefix: string): Promise<string> {
    const d = this.store.dialect;
    const exact = await this.store.query(
      `SELECT 1 FROM events WHERE session_id = ${d.param(1, idOrPrefix)} LIMIT 1`,
      [idOrPrefix],
    );
    if (exact.rows.length > 0) return idOrPrefix;
    const found = await this.store.query(
      `SELECT DISTINCT session_id FROM events WHERE ${d.startsWith('session_id', d.param(1, idOrPrefix))} ORDER BY 1 LIMIT 6`,
      [idOrPrefix],
    );
    const ids = found.rows.map((r) => String(r[0]));
    if (ids.length === 1) return ids[0] as string;
    if (ids.length === 0)
      throw new UnknownSessionError(`no session "${idOrPrefix}"; \`unsilo sessions\` lists them`);
    throw new QueryParamError(
      `session prefix "${idOrPrefix}" is ambiguous: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}`,
    );
  }

  /** The complete, ordered trace of one session (an id prefix is enough when it is unique). */
  async trace(idOrPrefix: string): Promise<SessionTrace> {
    const id = await this.resolveSession(idOrPrefix);
    const d = this.store.dialect;
    const result = await this.store.query(
      `SELECT * FROM events WHERE session_id = ${d.param(1, id)} ORDER BY ts, event_sequence, key`,
      [id],
    );
    return buildTrace(id, result);
  }

  /** Parses and checks parameters against what template `t` takes. */
  parse(
    t: QueryTemplate,
    raw: Record<string, unknown>,
  ): { filters: QueryFilters; options: Record<string, number | string> } {
    const optionSpecs = t.options ?? [];
    const camel = (s: string): string => s.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
    for (const [key, value] of Object.entries(raw)) {
      if (value === undefined || value === null || value === '' || PASSIVE_KEYS.has(key)) continue;
      const known =
        (t.filters as readonly string[]).includes(key) ||
        optionSpecs.some((o) => o.name === key || camel(o.name) === key);
      if (!known) {
        const takes = [...t.filters.map((f) => `--${f}`), ...optionSpecs.map((o) => `--${o.name}`)].join(
          ', ',
        );
        throw new QueryParamError(`${t.name} does not take --${key}; it takes ${takes || 'no parameters'}`);
      }
    }
    const options: Record<string, number | string> = {};
    for (const o of optionSpecs) {
      const v = raw[o.name] ?? raw[camel(o.name)];
      if (v === undefined || v === null || v === '') {
        options[o.name] = o.default;
      } else if (o.choices) {
        if (typeof v !== 'string' || !o.choices.includes(v)) {
          throw new QueryParamError(`--${o.name} must be one of ${o.choices.join(', ')}; got "${String(v)}"`);
        }
        options[o.name] = v;
      } else {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0)
          throw new QueryParamError(`--${o.name} must be a whole number ≥ 0; got "${String(v)}"`);
        options[o.name] = n;
      }
    }
    return { filters: parseFilters(raw, this.now()), options };
  }

  /** An unknown member, session, feature or chapter is an error that names what is known. */
  private async checkKnown(f: QueryFilters): Promise<void> {
    const checks: [keyof QueryFilters, string][] = [
      ['member', 'member'],
      ['session', 'session_id'],
      ['feature', 'feature'],
      ['chapter', 'chapter'],
      ['model', 'model'],
    ];
    const d = this.store.dialect;
    for (const [key, column] of checks) {
      const value = f[key];
      if (typeof value !== 'string') continue;
      const hit = await this.store.query(
        `SELECT 1 FROM events WHERE ${column} = ${d.param(1, value)} LIMIT 1`,
        [value],
      );
      if (hit.rows.length > 0) continue;
      if (key === 'session')
        throw new QueryParamError(`unknown session "${value}"; \`unsilo sessions\` lists them`);
      const known = await this.store.query(
        `SELECT DISTINCT ${column} FROM events WHERE ${column} IS NOT NULL ORDER BY 1 LIMIT 20`,
      );
      const names = known.rows.map((r) => String(r[0]));
      throw new QueryParamError(
        `unknown ${key} "${value}"; known: ${names.length ? names.join(', ') : '(none yet)'}`,
      );
    }
  }
}
