/**
 * The rules of the talk around a relay (issue 13 item 12), pure and unit-tested: how long a
 * message may be, how often the merchant may post a notice and a household ask, and on which
 * relays people may still talk. No free chat: notices, questions and one answer per question.
 */
import type { RelayStatus } from '@/server/services/relay/rules';
import type { RollingLimit } from '@/server/services/shared/rolling-window';

export type RelayMessageKind = 'notice' | 'question' | 'answer';

/** Characters per message (a notice fits a delivery change or a substitution; a question is short). */
export const MESSAGE_MAX_CHARS: Record<RelayMessageKind, number> = {
  notice: 500,
  question: 300,
  answer: 500,
};

/** Notices the merchant may post on one relay in any rolling hour (each one reaches every household). */
export const NOTICES_PER_HOUR = 5;
/** Questions one household may ask on one relay in any rolling 24 hours. */
export const QUESTIONS_PER_DAY = 5;

/** The two caps as rolling windows (server/services/shared/rolling-window.ts). */
export const NOTICE_LIMIT: RollingLimit = { limit: NOTICES_PER_HOUR, windowMs: 3_600_000 };
export const QUESTION_LIMIT: RollingLimit = { limit: QUESTIONS_PER_DAY, windowMs: 86_400_000 };

/** A relay that has not opened has nobody to tell; a cancelled or failed one is over. */
const NOTICE_STATUSES: readonly RelayStatus[] = [
  'open',
  'closed',
  'formed',
  'dispatched',
  'arrived',
  'distributing',
  'completed',
];
/** Questions while the relay is live or on its way; after completion the bag page has problem reports. */
const QUESTION_STATUSES: readonly RelayStatus[] = [
  'open',
  'closed',
  'formed',
  'dispatched',
  'arrived',
  'distributing',
];

export function mayPostNotice(status: RelayStatus): boolean {
  return NOTICE_STATUSES.includes(status);
}

export function mayAsk(status: RelayStatus): boolean {
  return QUESTION_STATUSES.includes(status);
}

/** Length in characters as a person counts them (an emoji is one), after trimming. */
export function charCount(body: string): number {
  return Array.from(body.trim()).length;
}

/** 'empty' | 'too_long' | null (fine). */
export function bodyProblem(kind: RelayMessageKind, body: string): 'empty' | 'too_long' | null {
  const n = charCount(body);
  if (n === 0) return 'empty';
  if (n > MESSAGE_MAX_CHARS[kind]) return 'too_long';
  return null;
}

/** The start of a message for a notification or a text message: at most `max` characters. */
export function excerpt(body: string, max = 60): string {
  const chars = Array.from(body.trim().replace(/\s+/g, ' '));
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}
