import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '@/db/schema';
import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';

export const SetBigTextInput = z.object({ bigText: z.boolean() });
type SetBigTextInput = z.infer<typeof SetBigTextInput>;

/**
 * Remembers a person's 大字 choice on their account, so every phone they sign in on shows large
 * type. The browser also keeps it in the linli-big cookie, so the first server render uses it.
 */
export async function setBigText({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: SetBigTextInput;
}): Promise<{ bigText: boolean }> {
  requireUser(ctx);
  await ctx.db.update(users).set({ bigText: input.bigText }).where(eq(users.id, ctx.user.id));
  return { bigText: input.bigText };
}
