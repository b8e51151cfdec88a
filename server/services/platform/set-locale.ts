import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '@/db/schema';
import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';

export const SetLocaleInput = z.object({ locale: z.enum(['zh-CN', 'en']) });
export type SetLocaleInput = z.infer<typeof SetLocaleInput>;
type Locale = SetLocaleInput['locale'];

/**
 * Remembers the language a person chose, so messages sent outside the browser (codes, later SMS)
 * use it too. The browser keeps its own choice in the NEXT_LOCALE cookie.
 */
export async function setLocale({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: SetLocaleInput;
}): Promise<{ locale: Locale }> {
  requireUser(ctx);
  await ctx.db.update(users).set({ locale: input.locale }).where(eq(users.id, ctx.user.id));
  return { locale: input.locale };
}
