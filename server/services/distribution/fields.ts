/** Field schemas the distribution verbs' `Input`s share (each verb owns its own `Input`). */
import { z } from 'zod';
import { SafeString } from '@/server/services/shared/zod';

/** Optional free text as typed (the verbs trim it). */
export const text = (max: number) => SafeString.max(max);

/** What the merchant says arrived, per relay item: the shortfall is the rest. */
export const DeliveredItems = z
  .array(
    z.object({
      relayItemId: z.uuid(),
      deliveredQty: z.number().int({ error: '数量必须是整数 / Must be a whole number' }),
    }),
  )
  .max(200);
