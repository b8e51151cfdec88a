import type { Database } from '@/db/client';
import { seedCareDemo } from './care';
import { seedDistributionDemo } from './distribution';
import { seedHealthDemo } from './health';
import { seedMerchantDocuments } from './merchant-documents';
import { seedDemoRelays } from './relays';
import type { ProductKey } from './merchants';

/** The ids of the demo data, for the seeds other domains add on top of it. Stable on every machine. */
export type DemoRefs = {
  /** 钟楼新村, the compound of the article. */
  communityId: string;
  /** 东苑新村, a small second compound (for refusals across compounds). */
  otherCommunityId: string;
  /** The demo accounts (db/seed/demo-accounts.ts) and a few more people. */
  users: {
    owner: string;
    admin: string;
    /** Leader (楼组长) of stairwell 3-2, volunteer of 3-1; also lives in 3-2-502. */
    volunteer: string;
    /** Lives in 3号楼 2单元 201. */
    resident: string;
    /** Owner of the admitted merchant. */
    merchant: string;
    /** Staff (driver) of the admitted merchant. */
    merchantStaff: string;
    /** The owner (群主) of the other compound. */
    otherOwner: string;
  };
  stairwells: {
    /** 3-2: the demo volunteer leads it; the demo resident lives there. */
    s3_2: string;
    /** 3-1: the demo volunteer is its second volunteer. */
    s3_1: string;
  };
  households: {
    /** 3-2-201, the demo resident's household. */
    demoResident: string;
    /** 3-2-502, the demo volunteer's household. */
    demoVolunteer: string;
    /** 3-2-101: an elderly person living alone without a smartphone (代下单, 代送上门). */
    careNoSmartphone: string;
  };
  merchants: {
    /** Approved in 钟楼新村, papers valid. */
    admitted: string;
    /** Submitted, awaiting review in 钟楼新村. */
    pending: string;
    /** Food permit expired; admission expired in 钟楼新村. */
    expired: string;
  };
  products: {
    admitted: Record<ProductKey, string>;
    pending: string[];
    expired: string[];
  };
};

export type ExtraSeed = (database: Database, demo: DemoRefs) => Promise<void>;

/**
 * Seeds other domains add on top of the demo compound (a demo relay, a batch, …). They run in this
 * order, once, right after the compound is committed, on the first start of an empty database and
 * on `npm run db:seed`. Append yours with one line. Each should be deterministic (fixed content;
 * times relative to the moment it runs are fine where the feature needs them) and run its writes
 * in one transaction.
 */
export const EXTRA_SEEDS: ExtraSeed[] = [
  seedDistributionDemo,
  seedMerchantDocuments,
  seedDemoRelays,
  seedHealthDemo,
  seedCareDemo,
];
