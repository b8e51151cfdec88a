import { tracked } from '@trpc/server';
import { z } from 'zod';
import { checkOffBag } from '@/server/services/distribution/check-off-bag';
import { confirmBag } from '@/server/services/distribution/confirm-bag';
import { decideProblem } from '@/server/services/distribution/decide-problem';
import { dispatchDelivery } from '@/server/services/distribution/dispatch-delivery';
import { watchDistribution } from '@/server/services/distribution/events';
import { getBoard } from '@/server/services/distribution/get-board';
import { getGate } from '@/server/services/distribution/get-gate';
import { getPhoto } from '@/server/services/distribution/get-photo';
import { getHouseholdBags } from '@/server/services/distribution/get-household-bags';
import { getRelayDelivery } from '@/server/services/distribution/get-relay-delivery';
import { listCheckoffBags } from '@/server/services/distribution/list-checkoff-bags';
import { previewShortfall } from '@/server/services/distribution/preview-shortfall';
import { recordArrival } from '@/server/services/distribution/record-arrival';
import { recordDisinfection } from '@/server/services/distribution/record-disinfection';
import { refundBag } from '@/server/services/distribution/refund-bag';
import { releaseBatch } from '@/server/services/distribution/release-batch';
import { reportProblem } from '@/server/services/distribution/report-problem';
import { settleShortfall } from '@/server/services/distribution/settle-shortfall';
import { uploadPhoto } from '@/server/services/distribution/upload-photo';
import {
  communityProcedure,
  coordinatorProcedure,
  protectedProcedure,
  residentProcedure,
  router,
  volunteerProcedure,
} from '../trpc';

const id = z.uuid();
const text = (max: number) => z.string().max(max);
const qty = z.number().int({ error: '数量必须是整数 / Must be a whole number' });

// ── Merchant ─────────────────────────────────────────────────────────────────────────────────
export const DispatchDeliveryInput = z.object({
  merchantId: id,
  relayIds: z.array(id).min(1).max(50),
  eta: z.coerce.date(),
  vehiclePlate: text(20).default(''),
  driverName: text(40).default(''),
  driverPhone: text(30).default(''),
});
export type DispatchDeliveryInput = z.infer<typeof DispatchDeliveryInput>;

export const RelayDeliveryInput = z.object({ merchantId: id, relayId: id });
export type RelayDeliveryInput = z.infer<typeof RelayDeliveryInput>;

export const ShortfallInput = z.object({
  merchantId: id,
  relayId: id,
  items: z.array(z.object({ relayItemId: id, deliveredQty: qty })).max(200),
});
export type ShortfallInput = z.infer<typeof ShortfallInput>;

export const DecideProblemInput = z.object({
  merchantId: id,
  relayId: id,
  reportId: id,
  decision: z.enum(['accept', 'reject']),
  refundFen: z.number().int().positive().nullish(),
  note: text(500).nullish(),
});
export type DecideProblemInput = z.infer<typeof DecideProblemInput>;

export const RefundBagInput = z.object({ merchantId: id, relayId: id, bagId: id });
export type RefundBagInput = z.infer<typeof RefundBagInput>;

// ── Gate ─────────────────────────────────────────────────────────────────────────────────────
export const RecordArrivalInput = z.object({
  communityId: id,
  deliveryId: id,
  packageCount: z.number().int().min(0).max(100_000),
  receivedByName: text(40).nullish(),
  remarks: text(500).nullish(),
});
export type RecordArrivalInput = z.infer<typeof RecordArrivalInput>;

export const RecordDisinfectionInput = z.object({
  communityId: id,
  batchId: id,
  agent: z.string().trim().min(1).max(60),
  concentration: text(40).default(''),
  method: z.enum(['spray', 'wipe', 'uv']),
  dwellMinutes: z.number().int().positive().max(1440).nullish(),
  operatorName: text(40).nullish(),
  photoKey: text(200).nullish(),
});
export type RecordDisinfectionInput = z.infer<typeof RecordDisinfectionInput>;

export const BatchInput = z.object({ communityId: id, batchId: id });
export type BatchInput = z.infer<typeof BatchInput>;

// ── Check-off ────────────────────────────────────────────────────────────────────────────────
export const CheckoffBagsInput = z.object({ communityId: id, stairwellId: id.nullish() });
export type CheckoffBagsInput = z.infer<typeof CheckoffBagsInput>;

export const CheckOffInput = z
  .object({
    communityId: id,
    checkoffId: id,
    bagId: id.nullish(),
    code: text(200).nullish(),
    outcome: z.enum(['delivered', 'exception']),
    exceptionKind: z.enum(['nobody_home', 'damaged', 'item_missing', 'wrong_bag']).nullish(),
    note: text(300).nullish(),
    clientAt: z.coerce.date(),
    via: z.enum(['scan', 'tap', 'manual']).optional(),
    photoKey: text(200).nullish(),
    /** 货到付款: cash collected at the door, in fen. */
    cashCollectedFen: z
      .number({ error: '现金金额要填数字（分） / The cash amount must be a number (fen).' })
      .int()
      .min(0)
      .max(100_000_000)
      .nullish(),
  })
  .refine((v) => !!v.bagId || !!v.code, {
    message: '请扫码或选择袋子 / Scan a label or pick a bag.',
    path: ['code'],
  });
export type CheckOffInput = z.infer<typeof CheckOffInput>;

// ── Residents ────────────────────────────────────────────────────────────────────────────────
export const BagInput = z.object({ communityId: id, bagId: id });
export type BagInput = z.infer<typeof BagInput>;

export const ReportProblemInput = z.object({
  communityId: id,
  bagId: id,
  kind: z.enum(['missing_item', 'damaged_item', 'other']),
  relayItemId: id.nullish(),
  qty: z.number().int().positive().max(1000).nullish(),
  description: text(500).nullish(),
  photoKey: text(200).nullish(),
  idempotencyKey: z.string().min(8).max(100),
});
export type ReportProblemInput = z.infer<typeof ReportProblemInput>;

// ── Photos ───────────────────────────────────────────────────────────────────────────────────
export const UploadPhotoInput = z.object({
  communityId: id,
  purpose: z.enum(['disinfection', 'exception', 'problem']),
  /** The image, base64 (the phone shrinks it first); 5 MB of image at most. */
  base64: z.string().min(1).max(7_000_000),
});
export type UploadPhotoInput = z.infer<typeof UploadPhotoInput>;

export const PhotoInput = z.object({ photoKey: text(200) });
export type PhotoInput = z.infer<typeof PhotoInput>;

export const ChangesInput = z.object({ communityId: id, lastEventId: z.string().nullish() });
export type ChangesInput = z.infer<typeof ChangesInput>;

/**
 * From the truck to the door. Merchants are not community members, so their procedures are
 * `protectedProcedure`s and the service checks merchant membership (others read NOT_FOUND).
 */
export const distributionRouter = router({
  // Merchant
  relayDelivery: protectedProcedure
    .input(RelayDeliveryInput)
    .query(({ ctx, input }) => getRelayDelivery({ ctx, input })),
  dispatch: protectedProcedure
    .input(DispatchDeliveryInput)
    .mutation(({ ctx, input }) => dispatchDelivery({ ctx, input })),
  previewShortfall: protectedProcedure
    .input(ShortfallInput)
    .query(({ ctx, input }) => previewShortfall({ ctx, input })),
  settleShortfall: protectedProcedure
    .input(ShortfallInput)
    .mutation(({ ctx, input }) => settleShortfall({ ctx, input })),
  decideProblem: protectedProcedure
    .input(DecideProblemInput)
    .mutation(({ ctx, input }) => decideProblem({ ctx, input })),
  refundBag: protectedProcedure.input(RefundBagInput).mutation(({ ctx, input }) => refundBag({ ctx, input })),

  // Gate
  gate: volunteerProcedure.query(({ ctx, input }) => getGate({ ctx, input })),
  recordArrival: volunteerProcedure
    .input(RecordArrivalInput)
    .mutation(({ ctx, input }) => recordArrival({ ctx, input })),
  recordDisinfection: volunteerProcedure
    .input(RecordDisinfectionInput)
    .mutation(({ ctx, input }) => recordDisinfection({ ctx, input })),
  release: volunteerProcedure.input(BatchInput).mutation(({ ctx, input }) => releaseBatch({ ctx, input })),

  // Stairwells
  checkoffBags: volunteerProcedure
    .input(CheckoffBagsInput)
    .query(({ ctx, input }) => listCheckoffBags({ ctx, input })),
  checkOff: volunteerProcedure.input(CheckOffInput).mutation(({ ctx, input }) => checkOffBag({ ctx, input })),

  // Residents
  myBags: residentProcedure.query(({ ctx, input }) => getHouseholdBags({ ctx, input })),
  confirm: residentProcedure.input(BagInput).mutation(({ ctx, input }) => confirmBag({ ctx, input })),
  reportProblem: residentProcedure
    .input(ReportProblemInput)
    .mutation(({ ctx, input }) => reportProblem({ ctx, input })),

  // Photos (disinfection record, check-off exception, problem report)
  uploadPhoto: communityProcedure()
    .input(UploadPhotoInput)
    .mutation(({ ctx, input }) =>
      uploadPhoto({
        ctx,
        input: {
          communityId: input.communityId,
          purpose: input.purpose,
          bytes: new Uint8Array(Buffer.from(input.base64, 'base64')),
        },
      }),
    ),
  photo: protectedProcedure.input(PhotoInput).query(({ ctx, input }) => getPhoto({ ctx, input })),

  // Coordinators
  board: coordinatorProcedure.query(({ ctx, input }) => getBoard({ ctx, input })),

  /** Live changes (SSE): the client refetches what it shows when one arrives. */
  changes: communityProcedure()
    .input(ChangesInput)
    .subscription(async function* ({ ctx, input, signal }) {
      for await (const event of watchDistribution({
        ctx,
        input: { communityId: input.communityId, householdIds: ctx.community.householdIds },
        signal,
      })) {
        yield tracked(event.id, event);
      }
    }),
});
