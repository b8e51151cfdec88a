/**
 * The demo merchants' papers: after the seed, the merchant awaiting review in the demo compound can
 * be reviewed (documents readable, checklist green) and admitted, as a coordinator would in the demo.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleDocumentDownload } from '@/app/api/files/[documentId]/handler';
import type { Database } from '@/db/client';
import { admissions, merchantDocuments } from '@/db/schema';
import type { DemoRefs } from '@/db/seed/extras';
import { seedMerchantDocuments } from '@/db/seed/merchant-documents';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeCommunity, makeRoleUsers } from '@/tests/helpers/fixtures';
import { COMPLETE_FIELDS, TestClock, useTempFileStorage } from '@/tests/helpers/merchant-fixtures';
import { randomUUID } from 'node:crypto';

let database: Database;
let files: ReturnType<typeof useTempFileStorage>;
const clock = new TestClock(new Date());

beforeAll(async () => {
  database = await createTestDatabase();
  files = useTempFileStorage();
});
afterAll(async () => {
  files.cleanup();
  await database.close();
});

describe('demo merchant documents', () => {
  it('gives each demo merchant its papers, so the pending one can be reviewed and admitted', async () => {
    const c = await makeCommunity(database.db, {
      buildings: 1,
      stairwellsPerBuilding: 1,
      householdsPerStairwell: 1,
    });
    const roles = await makeRoleUsers(database.db, c);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const api = callerFor(database, roles.outsider, clock.now);
      const { merchantId } = await api.merchant.start({ requestId: randomUUID() });
      await api.merchant.update({ merchantId, patch: COMPLETE_FIELDS('2029-06-30', '2028-12-31') });
      ids.push(merchantId);
    }
    const [admitted, pending, expired] = ids as [string, string, string];
    await database.db
      .insert(admissions)
      .values({ communityId: c.id, merchantId: pending, status: 'submitted', submittedAt: new Date() });
    await seedMerchantDocuments(database, {
      merchants: { admitted, pending, expired },
    } as unknown as DemoRefs);

    expect(await database.db.$count(merchantDocuments)).toBe(9);
    const [row] = await database.db
      .select()
      .from(admissions)
      .where(and(eq(admissions.merchantId, pending)));
    const review = await callerFor(database, roles.admin, clock.now).admission.get({
      communityId: c.id,
      admissionId: row!.id,
    });
    expect(review.checklist.every((i) => i.ok)).toBe(true);
    const permit = review.documents.find((d) => d.kind === 'food_permit')!;
    const res = await handleDocumentDownload(new Request(`http://x${permit.url}`), permit.id, {
      user: roles.admin,
      database,
    });
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(new TextDecoder().decode((await res.arrayBuffer()).slice(0, 5))).toBe('%PDF-');
    await callerFor(database, roles.admin, clock.now).admission.approve({
      communityId: c.id,
      admissionId: row!.id,
    });

    // Running it again changes nothing.
    await seedMerchantDocuments(database, {
      merchants: { admitted, pending, expired },
    } as unknown as DemoRefs);
    expect(await database.db.$count(merchantDocuments)).toBe(9);
  });
});
