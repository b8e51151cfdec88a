import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { merchantDocuments } from '@/db/schema';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { idOf, MerchantRef } from './fields';
import { recordApplicationChange, requireMerchantRole } from './scope';
import { inTransaction } from '@/server/services/shared/tx';

export const RemoveMerchantDocumentInput = MerchantRef.extend({ documentId: idOf('文件') });
export type RemoveMerchantDocumentInput = z.infer<typeof RemoveMerchantDocumentInput>;

/**
 * Takes a document off the application. The file and its row are kept (marked superseded): a
 * compound that reviewed it must still be able to see what it approved.
 */
export async function removeMerchantDocument({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: RemoveMerchantDocumentInput;
}) {
  await requireMerchantRole(ctx, input.merchantId, ['owner']);
  const user = ctx.user!;
  return inTransaction(ctx.db, async (tx) => {
    const [doc] = await tx
      .update(merchantDocuments)
      .set({ supersededAt: ctx.now() })
      .where(
        and(
          eq(merchantDocuments.merchantId, input.merchantId),
          eq(merchantDocuments.id, input.documentId),
          isNull(merchantDocuments.supersededAt),
        ),
      )
      .returning();
    if (!doc) throw notFound('DOCUMENT_NOT_FOUND', '找不到该文件 / Document not found.');
    await writeGlobalAudit(tx, {
      actorUserId: user.id,
      action: 'merchant.document_removed',
      entityType: 'merchant',
      entityId: input.merchantId,
      before: { documentId: doc.id, kind: doc.kind, sha256: doc.sha256 },
    });
    await recordApplicationChange(tx, { ...ctx, user }, input.merchantId, [`documents.${doc.kind}`]);
    return { removed: doc.id };
  });
}
