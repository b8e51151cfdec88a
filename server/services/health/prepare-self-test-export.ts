import { z } from 'zod';
import { communities } from '@/db/schema';
import { eq } from 'drizzle-orm';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest } from '@/server/services/shared/errors';
import { SafeString } from '@/server/services/shared/zod';
import { getSelfTestBoard } from './get-self-test-board';
import { id, parseInput } from './internal';
import { DEFAULT_TIME_ZONE } from '@/server/services/shared/time';

const PrepareSelfTestExportInput = z.object({
  communityId: id,
  roundId: id,
  format: SafeString,
});
type PrepareSelfTestExportInput = z.infer<typeof PrepareSelfTestExportInput>;

type SelfTestExportRow = {
  label: string;
  actual: number | null;
  negative: number | null;
  abnormal: number | null;
  invalid: number | null;
  submittedBy: string | null;
  submittedAt: string | null;
};

/**
 * The round as the form's own table (楼道号, 实际人数, 阴性人数, 异常人数, 无效人数, 填报人, 填报时间),
 * every stairwell in route order (missing ones blank), with the totals. Coordinators only.
 */
export async function prepareSelfTestExport({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(PrepareSelfTestExportInput, raw);
  if (input.format !== 'csv' && input.format !== 'xlsx')
    throw badRequest('EXPORT_FORMAT_INVALID', '格式只能是 csv 或 xlsx / Format must be csv or xlsx.', {
      field: 'format',
    });
  const board = await getSelfTestBoard({ ctx, input });
  const [c] = await ctx.db
    .select({ timezone: communities.timezone })
    .from(communities)
    .where(eq(communities.id, input.communityId));
  const order = new Map(board.stairwells.map((s) => [s.stairwellId, s]));
  const rows: SelfTestExportRow[] = [...order.values()]
    .sort((a, b) => a.label.localeCompare(b.label, 'zh-CN', { numeric: true }))
    .map((s) => ({
      label: s.label,
      actual: s.actual,
      negative: s.negative,
      abnormal: s.abnormal,
      invalid: s.invalid,
      submittedBy: s.submittedBy,
      submittedAt: s.submittedAt,
    }));
  return {
    format: input.format,
    title: board.round.title,
    timezone: c?.timezone ?? DEFAULT_TIME_ZONE,
    rows,
    totals: board.totals,
  };
}
