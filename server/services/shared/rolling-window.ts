/**
 * Caps of the form "at most `limit` in any rolling `windowMs`", counted from the times of past
 * events the caller read (rows written under a lock, so two at once cannot both slip in): the OTP
 * resend throttle and hourly cap (services/auth), the relay notice and question caps
 * (services/relay-talk). Pure; callers pass `now`.
 */

export interface RollingLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** The window ending at `now` holds the events strictly after this (read them with `gt`). */
export function windowStart(rule: RollingLimit, now: Date): Date {
  return new Date(now.getTime() - rule.windowMs);
}

/** How many of `times` (any order) fall in the window ending at `now` (not after it). */
export function countInWindow(times: readonly Date[], rule: RollingLimit, now: Date): number {
  return inWindow(times, rule, now).length;
}

/**
 * Whether one more may happen now, given the times of past events (any order; those outside the
 * window, or after `now`, do not count): null when it may, else the whole seconds (at least 1)
 * until enough of them have left the window.
 */
export function rollingWait(times: readonly Date[], rule: RollingLimit, now: Date): number | null {
  const within = inWindow(times, rule, now);
  if (within.length < rule.limit) return null;
  const oldest = within[within.length - rule.limit]!;
  return Math.max(1, Math.ceil((oldest + rule.windowMs - now.getTime()) / 1000));
}

/** The times in the window, oldest first, in ms. */
function inWindow(times: readonly Date[], rule: RollingLimit, now: Date): number[] {
  const t = now.getTime();
  return times
    .map((d) => d.getTime())
    .filter((x) => x <= t && t - x < rule.windowMs)
    .sort((a, b) => a - b);
}
