import { and, eq, inArray, ne } from 'drizzle-orm';
import { admissions, memberships, merchantDocuments, merchantMembers } from '@/db/schema';
import { getFileStorage } from '@/server/files/storage';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';

type ReadMerchantDocumentInput = { documentId: string };

const NOT_FOUND = () => notFound('DOCUMENT_NOT_FOUND', '找不到该文件 / Document not found.');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A document's bytes, for exactly these people: the merchant's members, and the coordinators of a
 * compound the merchant has applied to (any admission past draft). Everyone else — coordinators of
 * other compounds, residents, volunteers, anonymous callers — gets NOT_FOUND, the same answer as
 * for an id that does not exist, so the endpoint tells nothing about which documents exist.
 */
export async function readMerchantDocument({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ReadMerchantDocumentInput;
}) {
  if (!ctx.user || !UUID.test(input.documentId)) throw NOT_FOUND();
  const userId = ctx.user.id;
  const [doc] = await ctx.db
    .select()
    .from(merchantDocuments)
    .where(eq(merchantDocuments.id, input.documentId));
  if (!doc) throw NOT_FOUND();
  const [member] = await ctx.db
    .select({ role: merchantMembers.role })
    .from(merchantMembers)
    .where(and(eq(merchantMembers.merchantId, doc.merchantId), eq(merchantMembers.userId, userId)));
  if (!member) {
    const [reviewer] = await ctx.db
      .select({ communityId: admissions.communityId })
      .from(admissions)
      .innerJoin(
        memberships,
        and(
          eq(memberships.communityId, admissions.communityId),
          eq(memberships.userId, userId),
          inArray(memberships.role, ['admin', 'owner']),
        ),
      )
      .where(and(eq(admissions.merchantId, doc.merchantId), ne(admissions.status, 'draft')))
      .limit(1);
    if (!reviewer) throw NOT_FOUND();
  }
  const file = await getFileStorage().get(doc.storageKey);
  if (!file) throw NOT_FOUND();
  return {
    fileName: doc.fileName,
    mimeType: doc.mimeType,
    size: file.size,
    sha256: doc.sha256,
    body: file.body,
  };
}
