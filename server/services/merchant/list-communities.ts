import { asc } from 'drizzle-orm';
import { communities } from '@/db/schema';
import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';

/** The compounds a merchant can apply to (name and district are public; nothing else is shown). */
export async function listCommunities({ ctx }: { ctx: ServiceContext; input?: undefined }) {
  requireUser(ctx);
  return ctx.db
    .select({ id: communities.id, name: communities.name, district: communities.district })
    .from(communities)
    .orderBy(asc(communities.district), asc(communities.name));
}
