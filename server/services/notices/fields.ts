/**
 * Field schemas of the notices, needs and tasks verbs: the shared ones of
 * server/services/shared/zod.ts (text PostgreSQL accepts: no NUL, no lone surrogate).
 */
import { safeText } from '@/server/services/shared/zod';

export { CommunityId, Id } from '@/server/services/shared/zod';

/** Text a person typed: trimmed, `min` to `max` characters. */
export const PlainText = (min: number, max: number) => safeText({ min, max });
