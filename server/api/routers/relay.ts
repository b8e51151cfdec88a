/**
 * Group-buy relays (接龙). Merchants are not compound members, so their procedures are
 * `merchantProcedure`s (any merchant's team; the service then scopes to their own merchant and
 * relay). Everything a resident or volunteer does runs inside one compound (`communityProcedure`);
 * the services check the household / stairwell scope on top.
 */
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { cancelOrder } from '@/server/services/relay/cancel-order';
import { cancelRelay } from '@/server/services/relay/cancel-relay';
import { changeOrder } from '@/server/services/relay/change-order';
import { closeRelay } from '@/server/services/relay/close-relay';
import { createRelay } from '@/server/services/relay/create-relay';
import { getMerchantRelay } from '@/server/services/relay/get-merchant-relay';
import { getRelay } from '@/server/services/relay/get-relay';
import { getRelayCatalog } from '@/server/services/relay/get-relay-catalog';
import { joinRelay } from '@/server/services/relay/join-relay';
import { listMerchantRelays } from '@/server/services/relay/list-merchant-relays';
import { listMyOrders } from '@/server/services/relay/list-my-orders';
import { listOrderForHouseholds } from '@/server/services/relay/list-order-for-households';
import { listOnBehalfOrders } from '@/server/services/relay/list-on-behalf-orders';
import { listRelays } from '@/server/services/relay/list-relays';
import { openRelay } from '@/server/services/relay/open-relay';
import { requireMerchantStaff } from '@/server/services/relay/require-merchant-staff';
import { MAX_QTY } from '@/server/services/relay/rules';
import { watchMerchantRelayChain, watchRelayChain } from '@/server/services/relay/watch-relay-chain';
import { communityProcedure, protectedProcedure, router, volunteerProcedure } from '../trpc';

const id = (what: string) => z.uuid({ error: `${what}编号无效 / Invalid ${what} id` });

/** A positive whole number of units: 0, negative and fractional quantities are refused here. */
export const Quantity = z
  .number({ error: '数量必须是数字 / The quantity must be a number.' })
  .int({ error: '数量必须是整数 / The quantity must be a whole number.' })
  .min(1, { error: '数量至少为 1 / The quantity must be at least 1.' })
  .max(MAX_QTY, { error: `数量不能超过 ${MAX_QTY} / At most ${MAX_QTY}.` });
export type Quantity = z.infer<typeof Quantity>;

/** For changes: 0 removes the line. */
export const NewQuantity = z
  .number({ error: '数量必须是数字 / The quantity must be a number.' })
  .int({ error: '数量必须是整数 / The quantity must be a whole number.' })
  .min(0, { error: '数量不能为负数 / The quantity cannot be negative.' })
  .max(MAX_QTY, { error: `数量不能超过 ${MAX_QTY} / At most ${MAX_QTY}.` });
export type NewQuantity = z.infer<typeof NewQuantity>;

export const IdempotencyKey = z
  .string()
  .min(8, { error: '请求编号无效 / Invalid request id' })
  .max(100, { error: '请求编号无效 / Invalid request id' });
export type IdempotencyKey = z.infer<typeof IdempotencyKey>;

const PositiveOrNull = (what: string) =>
  z
    .number()
    .int({ error: `${what}必须是整数 / ${what}: a whole number` })
    .min(1, { error: `${what}至少为 1 / ${what}: at least 1` })
    .max(1_000_000)
    .nullable();

const MerchantProcedureInput = z.object({ merchantId: id('商家') });

/** Signed in and on some merchant's team (FORBIDDEN otherwise); the verb scopes to the merchant. */
const merchantProcedure = protectedProcedure.use(async function requireMerchantTeam({ ctx, next }) {
  await requireMerchantStaff({ ctx });
  return next();
});

export const MerchantRelayRef = MerchantProcedureInput.extend({
  communityId: id('小区'),
  relayId: id('接龙'),
});
export type MerchantRelayRef = z.infer<typeof MerchantRelayRef>;

/** A merchant's page names only the relay; the compound is found from it. */
export const MerchantRelayLookup = MerchantProcedureInput.extend({
  communityId: id('小区').optional(),
  relayId: id('接龙'),
});
export type MerchantRelayLookup = z.infer<typeof MerchantRelayLookup>;

export const CreateRelayInput = MerchantProcedureInput.extend({
  communityId: id('小区'),
  title: z
    .string()
    .trim()
    .min(1, { error: '请填写标题 / Give the relay a title.' })
    .max(100, { error: '标题太长 / Title too long' }),
  description: z.string().max(2000, { error: '说明太长 / Description too long' }).optional(),
  items: z
    .array(
      z
        .object({
          productId: id('商品'),
          stockCap: PositiveOrNull('库存上限'),
          perHouseholdLimit: PositiveOrNull('每户限购'),
        })
        .strict(),
    )
    .min(1, { error: '请至少选择一件商品 / Choose at least one item.' })
    .max(50, { error: '一次最多 50 件商品 / At most 50 items.' }),
  threshold: z.object({
    kind: z.enum(['none', 'households', 'units']),
    value: z
      .number()
      .int({ error: '成团门槛必须是整数 / The threshold must be a whole number.' })
      .min(0)
      .max(1_000_000),
  }),
  opensAt: z.date({ error: '请填写开始时间 / Give an opening time.' }),
  closesAt: z.date({ error: '请填写截单时间 / Give a cutoff time.' }),
  deliveryDate: z.iso.date({ error: '请填写配送日期 / Give a delivery date.' }),
  openNow: z.boolean().optional(),
  /** 货到付款 for households without a smartphone. */
  cashOnDelivery: z.boolean().optional(),
});
export type CreateRelayInput = z.infer<typeof CreateRelayInput>;

export const CancelRelayInput = MerchantRelayRef.extend({
  reason: z.string().trim().min(1, { error: '请写明取消原因 / Say why.' }).max(500),
});
export type CancelRelayInput = z.infer<typeof CancelRelayInput>;

export const RelayRef = z.object({ communityId: id('小区'), relayId: id('接龙') });
export type RelayRef = z.infer<typeof RelayRef>;

export const JoinRelayInput = RelayRef.extend({
  householdId: id('住户'),
  lines: z
    .array(z.object({ relayItemId: id('商品'), qty: Quantity }).strict())
    .min(1, { error: '请至少选择一件商品 / Choose at least one item.' })
    .max(50),
  idempotencyKey: IdempotencyKey,
  note: z.string().max(200).optional(),
  /** What the page showed; compared, never charged. */
  expectedTotalFen: z.number().int().min(0).optional(),
});
export type JoinRelayInput = z.infer<typeof JoinRelayInput>;

export const OrderRef = z.object({ communityId: id('小区'), orderId: id('订单') });
export type OrderRef = z.infer<typeof OrderRef>;

export const ChangeOrderInput = OrderRef.extend({
  lines: z
    .array(z.object({ relayItemId: id('商品'), qty: NewQuantity }).strict())
    .min(1)
    .max(50),
});
export type ChangeOrderInput = z.infer<typeof ChangeOrderInput>;

export const MyOrdersInput = z.object({ communityId: id('小区'), relayId: id('接龙').optional() });
export type MyOrdersInput = z.infer<typeof MyOrdersInput>;

export const OnChangeInput = RelayRef.extend({ lastEventId: z.string().max(20).nullish() });
export type OnChangeInput = z.infer<typeof OnChangeInput>;

export const MerchantOnChangeInput = MerchantProcedureInput.extend({
  relayId: id('接龙'),
  lastEventId: z.string().max(20).nullish(),
});
export type MerchantOnChangeInput = z.infer<typeof MerchantOnChangeInput>;

export const OrderForInput = z.object({ communityId: id('小区'), relayId: id('接龙').optional() });
export type OrderForInput = z.infer<typeof OrderForInput>;

const OnBehalfOrdersInput = z.object({ communityId: id('小区') });

export const relayRouter = router({
  // ── the merchant's side ──
  catalog: merchantProcedure
    .input(MerchantProcedureInput)
    .query(({ ctx, input }) => getRelayCatalog({ ctx, input })),
  listMine: merchantProcedure
    .input(MerchantProcedureInput)
    .query(({ ctx, input }) => listMerchantRelays({ ctx, input })),
  getForMerchant: merchantProcedure
    .input(MerchantRelayLookup)
    .query(({ ctx, input }) => getMerchantRelay({ ctx, input })),
  create: merchantProcedure.input(CreateRelayInput).mutation(({ ctx, input }) => createRelay({ ctx, input })),
  open: merchantProcedure.input(MerchantRelayRef).mutation(({ ctx, input }) => openRelay({ ctx, input })),
  close: merchantProcedure.input(MerchantRelayRef).mutation(({ ctx, input }) => closeRelay({ ctx, input })),
  cancel: merchantProcedure.input(CancelRelayInput).mutation(({ ctx, input }) => cancelRelay({ ctx, input })),
  /** The live chain on the merchant's management page. */
  onChangeForMerchant: merchantProcedure.input(MerchantOnChangeInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    for await (const update of watchMerchantRelayChain({ ctx, input, signal })) {
      yield tracked(String(update.version), update);
    }
  }),

  // ── the compound's side ──
  list: communityProcedure().query(({ ctx, input }) => listRelays({ ctx, input })),
  get: communityProcedure()
    .input(RelayRef)
    .query(({ ctx, input }) => getRelay({ ctx, input })),
  join: communityProcedure()
    .input(JoinRelayInput)
    .mutation(({ ctx, input }) => joinRelay({ ctx, input })),
  changeOrder: communityProcedure()
    .input(ChangeOrderInput)
    .mutation(({ ctx, input }) => changeOrder({ ctx, input })),
  cancelOrder: communityProcedure()
    .input(OrderRef)
    .mutation(({ ctx, input }) => cancelOrder({ ctx, input })),
  myOrders: communityProcedure()
    .input(MyOrdersInput)
    .query(({ ctx, input }) => listMyOrders({ ctx, input })),
  /** 我代下的单: orders the caller placed for other households, unpaid first, each with its pay page. */
  onBehalfOrders: volunteerProcedure
    .input(OnBehalfOrdersInput)
    .query(({ ctx, input }) => listOnBehalfOrders({ ctx, input })),
  orderForHouseholds: volunteerProcedure
    .input(OrderForInput)
    .query(({ ctx, input }) => listOrderForHouseholds({ ctx, input })),

  /** The live chain over SSE; the phone resumes from the last version it saw. */
  onChange: communityProcedure()
    .input(OnChangeInput)
    .subscription(async function* ({ ctx, input, signal }) {
      for await (const update of watchRelayChain({ ctx, input, signal })) {
        yield tracked(String(update.version), update);
      }
    }),
});
