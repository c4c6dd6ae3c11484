/** ISO 8601 weeks in UTC, as the weekly rates (`changes weekly`, `signals weekly`, `patterns watch`) bin sessions. */
export const DAY = 86_400_000;
export const WEEK = 7 * DAY;

/** Monday 00:00 UTC of the ISO week holding `t` (ms). */
export function isoWeekStart(t: number): number {
  const day = Math.floor(t / DAY) * DAY;
  const dow = (new Date(day).getUTCDay() + 6) % 7;
  return day - dow * DAY;
}

/** The ISO week label (2026-W09) of the week starting on Monday `monday` (ms): the week of its Thursday. */
export function isoWeekLabel(monday: number): string {
  const thursday = new Date(monday + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / WEEK);
  return `${year}-W${String(week).padStart(2, '0')}`;
}
