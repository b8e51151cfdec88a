import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { bags, merchantMembers, orderLines, problemReports, relays } from '@/db/schema';
import { Id, SafeString } from '@/server/services/shared/zod';
import { requireRole } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import type { Tx } from '@/db/client';
import { badRequest, preconditionFailed } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import { publishDistribution } from './events';
import { text } from './fields';
import { requirePhoto } from './upload-photo';
import { BAG_NOT_FOUND } from './internal';
import { inTransaction } from '@/server/services/shared/tx';

export const ReportProblemInput = z.object({
  communityId: Id,
  bagId: Id,
  kind: z.enum(['missing_item', 'damaged_item', 'other']),
  relayItemId: Id.nullish(),
  qty: z.number().int().positive().max(1000).nullish(),
  description: text(500).nullish(),
  photoKey: text(200).nullish(),
  /** Made by the phone per report: a retried submit files one report. */
  idempotencyKey: SafeString.min(8).max(100),
});
export type ReportProblemInput = z.infer<typeof ReportProblemInput>;

/**
 * A resident reports a problem with a bag that reached them (an item missing or damaged), for the
 * merchant to accept (refund) or reject. The merchant's people are told.
 */
export async function reportProblem({ ctx, input }: { ctx: ServiceContext; input: ReportProblemInput }) {
  const mine = await requireRole(ctx, input.communityId, ['resident']);
  const user = ctx.user!;
  const householdIds = new Set(mine.flatMap((m) => (m.householdId ? [m.householdId] : [])));
  const { communityId } = input;
  const description = requireProblemDetail(input);
  await requirePhoto(input.communityId, input.photoKey);
  const now = ctx.now();

  const result = await inTransaction(ctx.db, async (tx) => {
    const bag = await reportedBag(tx, communityId, input.bagId, householdIds);
    const already = await reportByKey(tx, communityId, user.id, input.idempotencyKey);
    if (already) return { report: already, created: false, bag };
    if (bag.status !== 'delivered' && bag.status !== 'exception') {
      throw preconditionFailed(
        'BAG_NOT_DELIVERED',
        '袋子送到后才能报告问题 / You can report a problem once the bag has reached you.',
      );
    }
    const qty = await problemQty(tx, communityId, bag.orderId, input);
    const [report] = await tx
      .insert(problemReports)
      .values({
        communityId,
        bagId: bag.id,
        orderId: bag.orderId,
        householdId: bag.householdId,
        reportedBy: user.id,
        kind: input.kind,
        relayItemId: input.relayItemId ?? null,
        qty,
        description,
        photoKey: input.photoKey ?? null,
        idempotencyKey: input.idempotencyKey,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!report) {
      const raced = await reportByKey(tx, communityId, user.id, input.idempotencyKey);
      return { report: raced!, created: false, bag };
    }
    await tellMerchant(tx, communityId, bag, report.id, input.kind);
    await writeAudit(tx, {
      communityId,
      actorUserId: user.id,
      action: 'problem.reported',
      entityType: 'problem_report',
      entityId: report.id,
      after: { bagId: bag.id, kind: input.kind, relayItemId: input.relayItemId ?? null, qty },
    });
    return { report, created: true, bag };
  });
  if (result.created) {
    await publishDistribution(ctx, communityId, [
      {
        kind: 'problem',
        bagId: result.bag.id,
        relayId: result.bag.relayId,
        householdId: result.bag.householdId,
        stairwellId: result.bag.stairwellId,
      },
    ]);
  }
  return { reportId: result.report.id, status: result.report.status, created: result.created };
}

/** An item for an item's problem, words for any other; returns the trimmed description. */
function requireProblemDetail(input: ReportProblemInput): string {
  const description = input.description?.trim() ?? '';
  if (input.kind !== 'other' && !input.relayItemId) {
    throw badRequest('PROBLEM_ITEM_REQUIRED', '请选择是哪件商品 / Choose which item.', {
      field: 'relayItemId',
    });
  }
  if (input.kind === 'other' && !description) {
    throw badRequest('PROBLEM_DESCRIPTION_REQUIRED', '请说明遇到了什么问题 / Describe the problem.', {
      field: 'description',
    });
  }
  return description;
}

/** The bag, when it belongs to one of the resident's households. */
async function reportedBag(tx: Tx, communityId: string, bagId: string, householdIds: Set<string>) {
  const [bag] = await tx
    .select({
      id: bags.id,
      orderId: bags.orderId,
      householdId: bags.householdId,
      status: bags.status,
      relayId: bags.relayId,
      stairwellId: bags.stairwellId,
      batchId: bags.batchId,
    })
    .from(bags)
    .where(and(eq(bags.communityId, communityId), eq(bags.id, bagId)));
  if (!bag || !householdIds.has(bag.householdId)) throw BAG_NOT_FOUND();
  return bag;
}
type ReportedBag = Awaited<ReturnType<typeof reportedBag>>;

/** The report this resident already filed with this key (a retried submit). */
async function reportByKey(tx: Tx, communityId: string, userId: string, idempotencyKey: string) {
  const [report] = await tx
    .select()
    .from(problemReports)
    .where(
      and(
        eq(problemReports.communityId, communityId),
        eq(problemReports.reportedBy, userId),
        eq(problemReports.idempotencyKey, idempotencyKey),
      ),
    );
  return report;
}

/** The quantity of an item's problem (1 by default), at most what the bag held; null otherwise. */
async function problemQty(
  tx: Tx,
  communityId: string,
  orderId: string,
  input: ReportProblemInput,
): Promise<number | null> {
  if (!input.relayItemId) return null;
  const [line] = await tx
    .select({ qty: orderLines.qty, fulfilledQty: orderLines.fulfilledQty })
    .from(orderLines)
    .where(
      and(
        eq(orderLines.communityId, communityId),
        eq(orderLines.orderId, orderId),
        eq(orderLines.relayItemId, input.relayItemId),
      ),
    );
  if (!line)
    throw badRequest('ITEM_NOT_IN_ORDER', '您的订单里没有这件商品 / This item is not in your order.', {
      field: 'relayItemId',
    });
  const max = line.fulfilledQty ?? line.qty;
  const qty = input.qty ?? 1;
  if (!Number.isInteger(qty) || qty < 1 || qty > max) {
    throw badRequest(
      'PROBLEM_QTY_INVALID',
      `数量应在 1 到 ${max} 之间 / The quantity must be between 1 and ${max}.`,
      {
        field: 'qty',
        details: { max },
      },
    );
  }
  return qty;
}

/** Notifies the merchant's people of the new report. */
async function tellMerchant(
  tx: Tx,
  communityId: string,
  bag: ReportedBag,
  reportId: string,
  kind: ReportProblemInput['kind'],
) {
  const [relay] = await tx
    .select({ merchantId: relays.merchantId, title: relays.title })
    .from(relays)
    .where(and(eq(relays.communityId, communityId), eq(relays.id, bag.relayId)));
  const staff = relay
    ? await tx
        .select({ userId: merchantMembers.userId })
        .from(merchantMembers)
        .where(eq(merchantMembers.merchantId, relay.merchantId))
    : [];
  await notifyUsers(
    tx,
    staff.map((s) => ({
      communityId,
      userId: s.userId,
      kind: 'distribution.problem_reported',
      payload: {
        reportId,
        relayId: bag.relayId,
        relayTitle: relay?.title ?? '',
        kind,
        href: relay ? `/m/${relay.merchantId}/relays/${bag.relayId}/delivery` : '',
      },
    })),
  );
}
