/**
 * The rolling-window caps shared by the OTP throttle (tests/unit/otp-rules.test.ts) and the relay
 * talk (notices an hour, questions a day): server/services/shared/rolling-window.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countInWindow, rollingWait, windowStart } from '@/server/services/shared/rolling-window';

const now = new Date('2026-12-04T10:00:00Z');
const ago = (min: number) => new Date(now.getTime() - min * 60_000);
const hour = { limit: 3, windowMs: 3_600_000 };

describe('rolling window', () => {
  it('waits until the oldest send in the window leaves it', () => {
    expect(rollingWait([ago(50), ago(10)], hour, now)).toBeNull();
    expect(rollingWait([ago(10), ago(50), ago(20)], hour, now)).toBe(600);
    // Sends older than the window, or after now, do not count.
    expect(rollingWait([ago(90), ago(20), ago(10)], hour, now)).toBeNull();
    expect(rollingWait([ago(-5), ago(20), ago(10)], hour, now)).toBeNull();
    // Exactly a window ago has left it.
    expect(rollingWait([ago(60), ago(20), ago(10)], hour, now)).toBeNull();
  });

  it('with a limit of one is a minimum interval, and waits at least a second', () => {
    const minute = { limit: 1, windowMs: 60_000 };
    expect(rollingWait([new Date(now.getTime() - 15_000)], minute, now)).toBe(45);
    expect(rollingWait([new Date(now.getTime() - 59_999)], minute, now)).toBe(1);
    expect(rollingWait([new Date(now.getTime() - 60_000)], minute, now)).toBeNull();
  });

  it('counts what is in the window and starts it one window before now', () => {
    expect(countInWindow([ago(90), ago(59), ago(0), ago(-1)], hour, now)).toBe(2);
    expect(windowStart(hour, now)).toEqual(ago(60));
  });

  it('refuses exactly when the window is full (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 7200 }), { maxLength: 12 }), (minutes) => {
        const times = minutes.map(ago);
        const wait = rollingWait(times, hour, now);
        expect(wait === null).toBe(countInWindow(times, hour, now) < hour.limit);
        if (wait !== null) {
          expect(wait).toBeGreaterThan(0);
          expect(rollingWait(times, hour, new Date(now.getTime() + wait * 1000))).toBeNull();
        }
      }),
    );
  });
});
