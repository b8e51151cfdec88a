import type { SessionUser } from '@/server/services/shared/context';

/**
 * The signed-in user of the current request, or null.
 * PLACEHOLDER until the next-auth wiring lands (issue #2, sign-in).
 */
export async function getSessionUser(): Promise<SessionUser | null> {
  return null;
}
