import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { orders, problemReports, refunds } from '@/db/schema';
import { executeRefunds, reserveRefund, type RefundRow } from '@/server/services/payment/refunds';
import { Id } from '@/server/services/shared/zod';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import type { Tx } from '@/db/client';
import { badRequest, notFound, preconditionFailed } from '@/server/services/shared/errors';
import { publishDistribution } from './events';
import { transitionProblem } from './lifecycle';
import { text } from './fields';
import { notifyHouseholds, requireMerchantRelay } from './internal';
import { fenToYuan } from '@/server/services/shared/money';
import { inTransaction } from '@/server/services/shared/tx';

export const DecideProblemInput = z.object({
  merchantId: Id,
  communityId: Id,
  relayId: Id,
  reportId: Id,
  decision: z.enum(['accept', 'reject']),
  /** For an accepted report: what to refund, in fen. */
  refundFen: z.number().int().positive().nullish(),
  note: text(500).nullish(),
});
export type DecideProblemInput = z.infer<typeof DecideProblemInput>;

export function problemRefundKey(reportId: string): string {
  return `problem:${reportId}`;
}

/**
 * The merchant decides a resident's report: accepted → one refund of the agreed amount (never more
 * than paid minus already refunded), rejected → the household is told why. Deciding again the same
 * way is a replay (it only re-sends a refund still pending); deciding differently is refused.
 */
export async function decideProblem({ ctx, input }: { ctx: ServiceContext; input: DecideProblemInput }) {
  const relay = await requireMerchantRelay(ctx, input.merchantId, input.relayId, input.communityId);
  const user = ctx.user!;
  const { communityId } = relay;
  const accept = input.decision === 'accept';
  if (accept && (input.refundFen == null || !Number.isInteger(input.refundFen) || input.refundFen <= 0)) {
    throw badRequest('REFUND_AMOUNT_INVALID', '请填写退款金额 / Enter the amount to refund.', {
      field: 'refundFen',
    });
  }
  const note = input.note?.trim() || null;
  if (!accept && !note) {
    throw badRequest('REJECT_REASON_REQUIRED', '请说明不予退款的原因 / Say why the report is rejected.', {
      field: 'note',
    });
  }
  const now = ctx.now();

  const outcome = await inTransaction(ctx.db, async (tx) => {
    const report = await lockReport(tx, communityId, input.reportId, relay.id);
    const r = report.r;
    const target = accept ? 'accepted' : 'rejected';
    if (r.status !== 'open') return replayDecision(tx, communityId, r, target, input.refundFen);
    const [decided] = await transitionProblem(tx, { communityId, id: r.id }, target, {
      from: ['open'],
      set: {
        refundFen: accept ? input.refundFen! : null,
        decidedBy: user.id,
        decidedAt: now,
        decisionNote: note,
        updatedAt: now,
      },
    }).returning();
    let refund: RefundRow | null = null;
    if (accept) {
      ({ refund } = await reserveRefund(tx, {
        communityId,
        orderId: r.orderId,
        amountFen: input.refundFen!,
        reason: 'problem_accepted',
        idempotencyKey: problemRefundKey(r.id),
        requestedBy: user.id,
      }));
    }
    await tellHousehold(tx, {
      communityId,
      relayTitle: relay.title,
      seq: report.seq,
      r,
      accept,
      input,
      note,
    });
    await writeAudit(tx, {
      communityId,
      actorUserId: user.id,
      action: accept ? 'problem.accepted' : 'problem.rejected',
      entityType: 'problem_report',
      entityId: r.id,
      before: { status: 'open' },
      after: { status: target, refundFen: accept ? input.refundFen : null, note },
    });
    return { replayed: false, report: decided!, refund };
  });

  let refund = outcome.refund;
  if (refund && refund.status === 'pending')
    refund = (await executeRefunds(ctx.database, [refund]))[0] ?? refund;
  if (!outcome.replayed) {
    await publishDistribution(ctx, communityId, [
      {
        kind: 'problem',
        relayId: relay.id,
        bagId: outcome.report.bagId,
        householdId: outcome.report.householdId,
      },
    ]);
  }
  return {
    reportId: outcome.report.id,
    status: outcome.report.status,
    refundFen: outcome.report.refundFen,
    refundStatus: refund?.status ?? null,
    replayed: outcome.replayed,
  };
}

/** The report, locked, when it is about this relay's orders. */
async function lockReport(tx: Tx, communityId: string, reportId: string, relayId: string) {
  const [report] = await tx
    .select({ r: problemReports, relayId: orders.relayId, seq: orders.seq })
    .from(problemReports)
    .innerJoin(
      orders,
      and(eq(orders.communityId, problemReports.communityId), eq(orders.id, problemReports.orderId)),
    )
    .where(and(eq(problemReports.communityId, communityId), eq(problemReports.id, reportId)))
    .for('update', { of: problemReports });
  if (!report || report.relayId !== relayId)
    throw notFound('PROBLEM_NOT_FOUND', '找不到这条问题报告 / Report not found.');
  return report;
}
type LockedReport = Awaited<ReturnType<typeof lockReport>>;

/** A report decided already: the same decision again is a replay (with its refund), another is refused. */
async function replayDecision(
  tx: Tx,
  communityId: string,
  r: LockedReport['r'],
  target: 'accepted' | 'rejected',
  refundFen: number | null | undefined,
) {
  const accept = target === 'accepted';
  if (r.status === target && (!accept || r.refundFen === refundFen)) {
    const rows = accept
      ? await tx
          .select()
          .from(refunds)
          .where(
            and(eq(refunds.communityId, communityId), eq(refunds.idempotencyKey, problemRefundKey(r.id))),
          )
      : [];
    return { replayed: true, report: r, refund: rows[0] ?? null };
  }
  throw preconditionFailed(
    'PROBLEM_ALREADY_DECIDED',
    '这条报告已经处理过了 / This report has already been decided.',
  );
}

/** Tells the reporting household what was decided (and what will be refunded). */
async function tellHousehold(
  tx: Tx,
  d: {
    communityId: string;
    relayTitle: string;
    seq: number;
    r: LockedReport['r'];
    accept: boolean;
    input: DecideProblemInput;
    note: string | null;
  },
) {
  const { communityId, r, accept, input } = d;
  await notifyHouseholds(tx, communityId, [
    {
      householdId: r.householdId,
      orderId: r.orderId,
      kind: accept ? 'distribution.problem_accepted' : 'distribution.problem_rejected',
      payload: {
        reportId: r.id,
        relayTitle: d.relayTitle,
        seq: d.seq,
        refundFen: accept ? input.refundFen! : 0,
        refundYuan: accept ? fenToYuan(input.refundFen!) : '0.00',
        note: d.note ?? '',
        href: `/r/${communityId}/bag`,
      },
    },
  ]);
}
