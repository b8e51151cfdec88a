import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import { requireUser } from '../shared/access';
import type { ServiceContext } from '../shared/context';

export type Locale = 'zh-CN' | 'en';

/**
 * Remembers the language a person chose, so messages sent outside the browser (codes, later SMS)
 * use it too. The browser keeps its own choice in the NEXT_LOCALE cookie.
 */
export async function setLocale({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { locale: Locale };
}): Promise<{ locale: Locale }> {
  requireUser(ctx);
  await ctx.db.update(users).set({ locale: input.locale }).where(eq(users.id, ctx.user.id));
  return { locale: input.locale };
}
