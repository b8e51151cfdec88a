import { z } from 'zod';
import type { ServiceContext } from '@/server/services/shared/context';
import { gateCode, gateQrText } from './gate-code';
import { id, parseInput, rolesIn } from './internal';
import { GATE_RETENTION_DAYS } from './rules';

export const GetMyGateCodeInput = z.object({ communityId: id });
export type GetMyGateCodeInput = z.infer<typeof GetMyGateCodeInput>;

/** A resident's household code for the gate (shown as a QR and as 6 characters to read out). */
export async function getMyGateCode({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(GetMyGateCodeInput, raw);
  const me = await rolesIn(ctx, input.communityId, ['resident']);
  const code = gateCode(input.communityId, me.householdIds[0]!);
  return { code, qrText: gateQrText(code), retentionDays: GATE_RETENTION_DAYS };
}
