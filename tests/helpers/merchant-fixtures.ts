/**
 * Merchant applications built through the real service verbs (so every test starts from data the
 * app itself could have produced), on a throw-away file store.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from '@/db/client';
import { LocalDiskStorage, setFileStorage } from '@/server/files/storage';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor, serviceCtx } from './context';
import { SAMPLES } from './file-samples';
import { makeUser } from './fixtures';
import { uploadMerchantDocument } from '@/server/services/merchant/upload-merchant-document';
import { creditCodeCheckChar, type DocumentKind } from '@/server/services/merchant/rules';

/** A settable clock: services read `clock.now()` through the context. */
export class TestClock {
  constructor(public at: Date) {}
  now = () => this.at;
  set(iso: string) {
    this.at = new Date(iso);
  }
  addDays(days: number) {
    this.at = new Date(this.at.getTime() + days * 86_400_000);
  }
}

/** Files go to a temp directory for the test file; call the returned function in afterAll. */
export function useTempFileStorage(): { storage: LocalDiskStorage; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-files-'));
  const storage = new LocalDiskStorage(dir);
  setFileStorage(storage);
  return {
    storage,
    cleanup: () => {
      setFileStorage(undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let codeCounter = 0;
/** A fresh valid unified social credit code. */
export function nextCreditCode(): string {
  codeCounter += 1;
  const body = `91310116${String((process.pid * 1000 + codeCounter) % 1e9).padStart(9, '0')}`;
  return body + creditCodeCheckChar(body)!;
}

export const COMPLETE_FIELDS = (permit = '2026-06-30', pass = '2026-05-31') => ({
  legalName: '上海金山鲜丰超市有限公司',
  displayName: '鲜丰超市',
  kind: 'supermarket' as const,
  creditCode: nextCreditCode(),
  contactName: '陈老板',
  contactPhone: '13800000005',
  foodPermitNo: 'JY13101160037215',
  foodPermitExpiresOn: permit,
  vehiclePlate: '沪AD12345',
  driverName: '刘建军',
  driverPhone: '13900001234',
  vehiclePassExpiresOn: pass,
});

export async function uploadDoc(
  database: Database,
  user: SessionUser,
  merchantId: string,
  kind: DocumentKind,
  clock: TestClock,
) {
  const sample = kind === 'food_permit' ? SAMPLES.pdf : SAMPLES.jpeg;
  const name = kind === 'food_permit' ? `${kind}.pdf` : `${kind}.jpg`;
  return uploadMerchantDocument({
    ctx: serviceCtx(database, user, clock.now),
    input: { merchantId, kind, fileName: name, bytes: sample },
  });
}

export type TestApplication = { merchantId: string; owner: SessionUser; staff?: SessionUser };

/**
 * A merchant with a complete application (fields, the three required documents, one attestation),
 * applied to `communityIds` and submitted when `submit` is set.
 */
export async function makeApplication(
  database: Database,
  clock: TestClock,
  opts: {
    owner?: SessionUser;
    communityIds?: string[];
    submit?: boolean;
    permit?: string;
    pass?: string;
    testedOn?: string;
  } = {},
): Promise<TestApplication> {
  const owner = opts.owner ?? (await makeUser(database.db, { name: '陈老板' }));
  const api = callerFor(database, owner, clock.now);
  const { merchantId } = await api.merchant.start({ requestId: randomUUID() });
  await api.merchant.update({ merchantId, patch: COMPLETE_FIELDS(opts.permit, opts.pass) });
  for (const kind of ['business_licence', 'food_permit', 'vehicle_pass'] as const) {
    await uploadDoc(database, owner, merchantId, kind, clock);
  }
  await api.merchant.addAttestation({
    merchantId,
    personName: '刘建军',
    lastNegativeTestOn: opts.testedOn ?? clock.now().toISOString().slice(0, 10),
  });
  if (opts.communityIds?.length) {
    await api.merchant.applyTo({ merchantId, communityIds: opts.communityIds });
    if (opts.submit) await api.merchant.submit({ merchantId });
  }
  return { merchantId, owner };
}
