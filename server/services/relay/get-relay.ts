import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { myMemberships, requireUser } from '@/server/services/shared/access';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { RelayRef } from './fields';
import { productPhotos } from './item-photos';
import {
  chainRows,
  householdLabels,
  merchantName,
  relayItemsOf,
  requireRelay,
  tallyRelay,
  toChainEntry,
  type ChainEntry,
  type RelayRow,
  type Tally,
} from './load';
import { evaluateThreshold, remaining, type RelayStatus } from './rules';

export type RelayItemView = {
  id: string;
  name: string;
  spec: string;
  unit: string;
  unitPriceFen: number;
  stockCap: number | null;
  sold: number;
  remaining: number | null;
  perHouseholdLimit: number | null;
  /** Units the caller's household already holds in live orders (for the limit). */
  mine: number;
  productId: string;
  /** The product's catalog photo (public URL), or null. */
  photoUrl: string | null;
};

export type RelayProgress = {
  kind: 'none' | 'households' | 'units';
  target: number;
  /** Households / units in live orders (paid or still paying). */
  current: number;
  paid: number;
  ratio: number;
  met: boolean;
};

export type RelayView = {
  id: string;
  communityId: string;
  merchantId: string;
  merchantName: string;
  title: string;
  description: string;
  status: RelayStatus;
  opensAt: Date;
  closesAt: Date;
  closedAt: Date | null;
  deliveryDate: string;
  outcomeReason: string | null;
  items: RelayItemView[];
  progress: RelayProgress;
  tally: Tally;
  chain: ChainEntry[];
  version: number;
  serverNow: Date;
  /** The caller's own households (unmasked: they are theirs), to order for. */
  myHouseholds: { id: string; building: string; stairwell: string; room: string }[];
};

export function progressOf(
  relay: Pick<RelayRow, 'thresholdKind' | 'thresholdValue'>,
  tally: Tally,
): RelayProgress {
  const t = { kind: relay.thresholdKind, value: relay.thresholdValue };
  const live = evaluateThreshold(t, { households: tally.activeHouseholds, units: tally.activeUnits });
  const paid = evaluateThreshold(t, { households: tally.paidHouseholds, units: tally.paidUnits });
  return {
    kind: t.kind,
    target: live.target,
    current: live.current,
    paid: paid.current,
    ratio: live.ratio,
    met: paid.met,
  };
}

/** The whole relay as one person sees it: items with stock left, progress, the masked chain. */
export async function buildRelayView(
  db: DbOrTx,
  relay: RelayRow,
  myHouseholdIds: string[],
  now: Date,
): Promise<RelayView> {
  const [items, tally, rows, merchant] = await Promise.all([
    relayItemsOf(db, relay.communityId, relay.id),
    tallyRelay(db, relay.communityId, relay.id),
    chainRows(db, relay.communityId, relay.id, 0),
    merchantName(db, relay.merchantId),
  ]);
  const photos = await productPhotos(
    db,
    items.map((i) => i.productId),
  );
  const mine = new Set(myHouseholdIds);
  const myUnits = new Map<string, number>();
  for (const r of rows) {
    if (!mine.has(r.householdId) || (r.status !== 'pending_payment' && r.status !== 'paid')) continue;
    for (const l of r.lines) myUnits.set(l.relayItemId, (myUnits.get(l.relayItemId) ?? 0) + l.qty);
  }
  return {
    id: relay.id,
    communityId: relay.communityId,
    merchantId: relay.merchantId,
    merchantName: merchant,
    title: relay.title,
    description: relay.description,
    status: relay.status,
    opensAt: relay.opensAt,
    closesAt: relay.closesAt,
    closedAt: relay.closedAt,
    deliveryDate: relay.deliveryDate,
    outcomeReason: relay.outcomeReason,
    items: items.map((i) => ({
      id: i.id,
      name: i.name,
      spec: i.spec,
      unit: i.unit,
      unitPriceFen: i.unitPriceFen,
      stockCap: i.stockCap,
      sold: i.sold,
      remaining: remaining(i),
      perHouseholdLimit: i.perHouseholdLimit,
      mine: myUnits.get(i.id) ?? 0,
      productId: i.productId,
      photoUrl: photos.get(i.productId)?.url ?? null,
    })),
    progress: progressOf(relay, tally),
    tally,
    chain: rows.map((r) => toChainEntry(r, mine)),
    version: relay.chainVersion,
    serverNow: now,
    myHouseholds: await householdLabels(db, relay.communityId, myHouseholdIds),
  };
}

export const GetRelayInput = RelayRef;
export type GetRelayInput = z.infer<typeof GetRelayInput>;

/** The relay page for anyone of the compound (residents, volunteers, coordinators). */
export async function getRelay({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: GetRelayInput;
}): Promise<RelayView> {
  requireUser(ctx);
  const mine = await myMemberships(ctx, input.communityId);
  if (mine.length === 0) throw notFound('RELAY_NOT_FOUND', '找不到该接龙 / Relay not found.');
  const relay = await requireRelay(ctx.db, input.communityId, input.relayId);
  return buildRelayView(ctx.db, relay, householdIdsOf(mine), ctx.now());
}

export function householdIdsOf(
  memberships: readonly { role: string; householdId: string | null }[],
): string[] {
  return [
    ...new Set(memberships.filter((m) => m.role === 'resident' && m.householdId).map((m) => m.householdId!)),
  ];
}

export async function myHouseholdIds(ctx: AuthedContext, communityId: string): Promise<string[]> {
  return householdIdsOf(await myMemberships(ctx, communityId));
}
