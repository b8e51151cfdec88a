/** Small helpers shared by the roster's write verbs. */
import {
  isServiceError,
  pgErrorCode,
  PG_CHECK_VIOLATION,
  PG_UNIQUE_VIOLATION,
  type ServiceError,
} from '@/server/services/shared/errors';

/**
 * Runs a write; a unique violation (a race the pre-check did not see) becomes the given conflict,
 * a check violation the given bad request, so the caller gets a sentence and never a 500.
 */
export async function guardWrite<T>(
  write: () => Promise<T>,
  onUnique: () => ServiceError,
  onCheck?: () => ServiceError,
): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (isServiceError(e)) throw e;
    const code = pgErrorCode(e);
    if (code === PG_UNIQUE_VIOLATION) throw onUnique();
    if (code === PG_CHECK_VIOLATION && onCheck) throw onCheck();
    throw e;
  }
}
