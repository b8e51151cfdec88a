/** Field schemas the relay verbs' `Input`s share (each verb owns its own `Input`). */
import { z } from 'zod';
import { idOf, SafeString } from '@/server/services/shared/zod';
import { MAX_QTY } from './rules';

/** A positive whole number of units: 0, negative and fractional quantities are refused here. */
export const Quantity = z
  .number({ error: '数量必须是数字 / The quantity must be a number.' })
  .int({ error: '数量必须是整数 / The quantity must be a whole number.' })
  .min(1, { error: '数量至少为 1 / The quantity must be at least 1.' })
  .max(MAX_QTY, { error: `数量不能超过 ${MAX_QTY} / At most ${MAX_QTY}.` });

/** For changes: 0 removes the line. */
export const NewQuantity = z
  .number({ error: '数量必须是数字 / The quantity must be a number.' })
  .int({ error: '数量必须是整数 / The quantity must be a whole number.' })
  .min(0, { error: '数量不能为负数 / The quantity cannot be negative.' })
  .max(MAX_QTY, { error: `数量不能超过 ${MAX_QTY} / At most ${MAX_QTY}.` });

export const IdempotencyKey = SafeString.min(8, { error: '请求编号无效 / Invalid request id' }).max(100, {
  error: '请求编号无效 / Invalid request id',
});

export const PositiveOrNull = (what: string) =>
  z
    .number()
    .int({ error: `${what}必须是整数 / ${what}: a whole number` })
    .min(1, { error: `${what}至少为 1 / ${what}: at least 1` })
    .max(1_000_000)
    .nullable();

export const MerchantRef = z.object({ merchantId: idOf('商家') });

export const MerchantRelayRef = MerchantRef.extend({ communityId: idOf('小区'), relayId: idOf('接龙') });

export const RelayRef = z.object({ communityId: idOf('小区'), relayId: idOf('接龙') });

export const OrderRef = z.object({ communityId: idOf('小区'), orderId: idOf('订单') });

/** The last chain version the phone saw, to resume from. */
export const LastEventId = SafeString.max(20).nullish();
