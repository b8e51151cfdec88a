import { eq } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { merchants } from '@/db/schema';
import { ONLINE_METHODS, type OnlineMethod } from './intents';

/** The Stripe methods a merchant accepts, in the pay page's order (WeChat Pay, Alipay, card). */
export async function acceptedMethods(db: Db | Tx, merchantId: string): Promise<OnlineMethod[]> {
  const [m] = await db
    .select({ methods: merchants.paymentMethods })
    .from(merchants)
    .where(eq(merchants.id, merchantId));
  const accepted = new Set(m?.methods ?? []);
  return ONLINE_METHODS.filter((x) => accepted.has(x));
}
