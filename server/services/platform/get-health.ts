import { countMigrations } from '@/db/client';
import type { ServiceContext } from '@/server/services/shared/context';

type Health = { ok: boolean; db: 'pglite' | 'postgres'; migrations: number };

export async function getHealth({
  ctx,
}: {
  ctx: ServiceContext;
  input: Record<string, never>;
}): Promise<Health> {
  const migrations = await countMigrations(ctx.db);
  return { ok: migrations > 0, db: ctx.database.driver, migrations };
}
