export const VOLUNTEER_ROLES = ['stairwell', 'gate', 'disinfection', 'testing', 'delivery'] as const;
export type VolunteerRole = (typeof VOLUNTEER_ROLES)[number];

/** A compound's day (the default zone, UTC+8 with no daylight saving): [start, end) of `YYYY-MM-DD` as instants. */
export function shanghaiDayRange(date: string): { start: Date; end: Date } {
  const start = new Date(`${date}T00:00:00+08:00`);
  return { start, end: new Date(start.getTime() + 24 * 3_600_000) };
}

/** Today's date in Shanghai, `YYYY-MM-DD`. */
export function shanghaiToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
