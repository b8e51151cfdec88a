import type { GrandTotal, ProductTotal, StairwellCount, Viewer } from './rules';

export type PickListRelay = {
  id: string;
  title: string;
  status: string;
  deliveryDate: string;
};

/** One line of a bag. Prices are null for volunteers. */
export type BagLine = {
  productId: string;
  name: string;
  spec: string;
  unit: string;
  qty: number;
  /** Recorded delivered quantity after a shortfall; null until one is recorded. */
  fulfilledQty: number | null;
  deliverQty: number;
  unitPriceFen: number | null;
  refundedFen: number | null;
};

/** One bag = one paid order (the bag code names the order). */
export type Bag = {
  orderId: string;
  relayId: string;
  /** 短码 printed large on the label (distribution/short-code.ts); null until dispatch or labels. */
  shortCode: string | null;
  /** 接龙号 */
  seq: number;
  status: 'paid' | 'fulfilled' | 'short';
  householdId: string;
  stairwellId: string;
  buildingNumber: string;
  buildingRoute: number;
  stairwellNumber: string;
  stairwellRoute: number;
  floor: number;
  room: string;
  /** Surname only: `张*`. */
  maskedName: string;
  /** Merchant and coordinators; null for volunteers and for households without a phone. */
  phoneLast4: string | null;
  /** The full number, for coordinators only (to call the household); null for everyone else. */
  phone: string | null;
  /** Care household: deliver to the door (代送上门). */
  doorDelivery: boolean;
  /** Ordered by a volunteer on the household's behalf (代下单). */
  onBehalf: boolean;
  /** 货到付款: the volunteer collects cash at the door. */
  cashOnDelivery: boolean;
  /** Coordinators only: who paid, when it was not someone of the household (代付); else null. */
  paidBy: string | null;
  note: string;
  lines: BagLine[];
  /** Units to deliver. */
  items: number;
  /** Null for volunteers. */
  totalFen: number | null;
};

export type PickList = {
  /** `relay`: one relay; `delivery`: all formed relays of a merchant delivered on one day in one compound. */
  kind: 'relay' | 'delivery';
  communityId: string;
  communityName: string;
  merchantId: string;
  merchantName: string;
  deliveryDate: string;
  relays: PickListRelay[];
  /** Relays on that day not yet formed (delivery view): not included, and the page says so. */
  pendingRelays: number;
  viewer: Viewer;
  /** Volunteers: the stairwells the list is limited to. */
  stairwellIds: string[] | null;
  generatedAt: Date;
  /** Null for volunteers (no prices). */
  totals: ProductTotal[] | null;
  stairwells: StairwellCount[];
  bags: Bag[];
  grand: GrandTotal;
};
