/**
 * The flags of `unsilo signals sessions` and `unsilo sessions --where …`, both the action
 * `signals.sessions` (find-sessions.ts), and its table.
 */
import type { FoundSession } from '../analysis/signals/find-sessions.js';
import { renderTable } from './analysis-cli.js';

export interface FindFlags {
  where: string[];
  since?: string;
  until?: string;
  member?: string;
  chapter?: string;
  sort?: string;
  limit?: number;
}

export const collect = (v: string, all: string[]): string[] => [...all, v];

/** The `signals.sessions` arguments of `signals sessions` (and `sessions --where`). */
export const findArgs = (o: FindFlags): Record<string, unknown> => ({
  where: o.where,
  since: o.since,
  until: o.until,
  member: o.member,
  chapter: o.chapter,
  sort: o.sort,
  limit: o.limit,
});

export const renderFound = (r: unknown): string => {
  const rows = (r as FoundSession[]).map(({ values, flagged, ...s }) => ({
    ...s,
    ...values,
    flagged: flagged.join(' '),
  }));
  return rows.length ? renderTable(rows) : 'no session meets the conditions';
};
