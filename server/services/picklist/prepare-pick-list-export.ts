import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, forbidden } from '@/server/services/shared/errors';
import { assignBagCodes, shortCodesOf } from '@/server/services/distribution/bag-short-codes';
import { getDeliveryPickList, type GetDeliveryPickListInput } from './get-delivery-pick-list';
import { getRelayPickList, type GetRelayPickListInput } from './get-relay-pick-list';
import {
  EXPORT_FORMATS,
  EXPORT_KINDS,
  formatSupports,
  viewerMayExport,
  type ExportFormat,
  type ExportKind,
} from './rules';
import type { PickList } from './types';
import { inTransaction } from '@/server/services/shared/tx';

export type PreparePickListExportInput = {
  target: ({ kind: 'relay' } & GetRelayPickListInput) | ({ kind: 'delivery' } & GetDeliveryPickListInput);
  /** Raw from the URL: checked here. */
  view: string;
  /** Raw from the URL; absent means the view's natural format (PDF for labels, else CSV). */
  format: string | null;
};

type PreparedExport = { pickList: PickList; view: ExportKind; format: ExportFormat };

/**
 * Everything an export needs, checked: the caller (UNAUTHORIZED), the view and format
 * (BAD_REQUEST), the relay and the caller's scope (NOT_FOUND / FORBIDDEN), its state
 * (PRECONDITION_FAILED), and whether this viewer may have this view (volunteers: bags only).
 * Rendering happens after, so an error is always a clean status, never a half-written file.
 */
export async function preparePickListExport({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: PreparePickListExportInput;
}): Promise<PreparedExport> {
  requireUser(ctx);
  const view = input.view as ExportKind;
  if (!EXPORT_KINDS.includes(view)) {
    throw badRequest(
      'UNKNOWN_EXPORT_VIEW',
      `未知的导出内容 / Unknown export: use ${EXPORT_KINDS.join(', ')}.`,
      {
        field: 'kind',
      },
    );
  }
  const format = (input.format ?? (view === 'labels' ? 'pdf' : 'csv')) as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) {
    throw badRequest(
      'UNKNOWN_EXPORT_FORMAT',
      `未知的导出格式 / Unknown format: use ${EXPORT_FORMATS.join(', ')}.`,
      {
        field: 'format',
      },
    );
  }
  if (!formatSupports(view, format)) {
    throw badRequest(
      'EXPORT_FORMAT_UNSUPPORTED',
      `${view} 不能导出为 ${format} / ${view} cannot be exported as ${format}.`,
      {
        field: 'format',
      },
    );
  }
  const { target } = input;
  const pickList =
    target.kind === 'relay'
      ? await getRelayPickList({ ctx, input: target })
      : await getDeliveryPickList({ ctx, input: target });
  if (!viewerMayExport(pickList.viewer, view)) {
    throw forbidden(
      'EXPORT_FORBIDDEN',
      '志愿者只能导出自己楼道的袋子清单 / Volunteers can export their own stairwells’ bag list only.',
    );
  }
  if (view === 'labels') await withShortCodes(ctx, pickList);
  return { pickList, view, format };
}

/** Labels printed before dispatch: the bags get their 短码 now (dispatch then finds them in place). */
async function withShortCodes(ctx: ServiceContext, pickList: PickList): Promise<void> {
  if (pickList.bags.every((b) => b.shortCode)) return;
  const relayIds = pickList.relays.map((r) => r.id);
  await inTransaction(ctx.db, (tx) => assignBagCodes(tx, pickList.communityId, relayIds));
  const codes = await shortCodesOf(
    ctx.db,
    pickList.communityId,
    pickList.bags.map((b) => b.orderId),
  );
  for (const b of pickList.bags) b.shortCode = codes.get(b.orderId) ?? null;
}
