import { and, count, eq, isNull } from 'drizzle-orm';
import { merchantDocuments } from '@/db/schema';
import { checkUpload, DOCUMENT_TYPES } from '@/server/files/sniff';
import { getFileStorage, newFileKey } from '@/server/files/storage';
import { MAX_FILE_BYTES, sha256Hex } from '@/server/files/upload';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, preconditionFailed } from '@/server/services/shared/errors';
import type { DocumentKind } from './rules';
import { recordApplicationChange, requireMerchantRole } from './scope';
import { resubmitRenewedAdmissions } from './transition';
import { inTransaction } from '@/server/services/shared/tx';

type UploadMerchantDocumentInput = {
  merchantId: string;
  kind: DocumentKind;
  /** The name the phone gave the file; only shown back, never trusted for the type. */
  fileName: string;
  bytes: Uint8Array;
};

/** Current documents a merchant may keep on file (each kind may have several pages or photos). */
const MAX_DOCUMENTS = 30;

/**
 * Stores an application document: its type decided by its bytes (JPEG, PNG, WebP or PDF), at most
 * 10 MB, with its sha256 and size recorded. Errors name the form field `documents.<kind>`.
 * The file is written before the row; if the row cannot be written the file is removed again, so
 * there is never a row without a file (and an orphan file is only ever left by a crash).
 */
export async function uploadMerchantDocument({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: UploadMerchantDocumentInput;
}) {
  await requireMerchantRole(ctx, input.merchantId, ['owner']);
  const user = ctx.user!;
  const field = `documents.${input.kind}`;
  if (input.bytes.byteLength > MAX_FILE_BYTES) {
    throw badRequest(
      'FILE_TOO_LARGE',
      '文件超过 10 MB，请压缩或拍一张较小的照片 / The file is over 10 MB; compress it or take a smaller photo.',
      {
        field,
        details: { limit: MAX_FILE_BYTES, size: input.bytes.byteLength },
      },
    );
  }
  const verdict = checkUpload(input.bytes, input.fileName, DOCUMENT_TYPES);
  if (!verdict.ok) {
    throw badRequest(verdict.code, verdict.message, {
      field,
      details: { detected: verdict.detected, claimed: verdict.claimed },
    });
  }
  const now = ctx.now();
  const storage = getFileStorage();
  const key = newFileKey('merchant-documents', now);
  const sha256 = sha256Hex(input.bytes);
  await storage.put(key, input.bytes, {
    contentType: verdict.mimeType,
    sha256,
    size: input.bytes.byteLength,
  });
  try {
    return await inTransaction(ctx.db, async (tx) => {
      const [{ n }] = (await tx
        .select({ n: count() })
        .from(merchantDocuments)
        .where(
          and(eq(merchantDocuments.merchantId, input.merchantId), isNull(merchantDocuments.supersededAt)),
        )) as [{ n: number }];
      if (n >= MAX_DOCUMENTS) {
        throw preconditionFailed(
          'TOO_MANY_DOCUMENTS',
          `最多保留 ${MAX_DOCUMENTS} 份证件，请先删除旧的 / At most ${MAX_DOCUMENTS} documents; remove old ones first.`,
          {
            field,
          },
        );
      }
      const [doc] = await tx
        .insert(merchantDocuments)
        .values({
          merchantId: input.merchantId,
          kind: input.kind,
          storageKey: key,
          fileName: verdict.fileName,
          mimeType: verdict.mimeType,
          sizeBytes: input.bytes.byteLength,
          sha256,
          uploadedBy: user.id,
          createdAt: now,
        })
        .returning();
      await writeGlobalAudit(tx, {
        actorUserId: user.id,
        action: 'merchant.document_uploaded',
        entityType: 'merchant',
        entityId: input.merchantId,
        after: {
          documentId: doc!.id,
          kind: input.kind,
          sha256,
          size: input.bytes.byteLength,
          mimeType: verdict.mimeType,
        },
      });
      await recordApplicationChange(tx, { ...ctx, user }, input.merchantId, [`documents.${input.kind}`]);
      const renewed =
        input.kind === 'food_permit' || input.kind === 'vehicle_pass'
          ? await resubmitRenewedAdmissions(tx, input.merchantId, user.id, now)
          : [];
      return { document: publicDocument(doc!), renewed: renewed.length };
    });
  } catch (e) {
    await storage.delete(key).catch(() => undefined);
    throw e;
  }
}

/** What clients see of a document: never the storage key. */
export function publicDocument(d: typeof merchantDocuments.$inferSelect) {
  return {
    id: d.id,
    kind: d.kind,
    fileName: d.fileName,
    mimeType: d.mimeType,
    sizeBytes: d.sizeBytes,
    sha256: d.sha256,
    createdAt: d.createdAt,
    url: `/api/files/${d.id}`,
  };
}
