/**
 * Photos for the care team's records: a notice's poster, a need's medicine box, the delivery at
 * the door. Stored under `care/<community>/<yyyy>/<mm>/<uuid>`, so a record can only point at a
 * photo taken for its own compound; read back only by the people the record concerns.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, or } from 'drizzle-orm';
import { z } from 'zod';
import { needs, noticeReceipts, notices } from '@/db/schema';
import { sha256Hex } from '@/server/files/upload';
import { IMAGE_TYPES, MIME, sniff, type AcceptedType } from '@/server/files/sniff';
import { getFileStorage } from '@/server/files/storage';
import { CommunityId } from '@/server/services/shared/zod';
import { ANY_ROLE, requireActor } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, notFound } from '@/server/services/shared/errors';

const KEY = /^care\/[0-9a-f-]{36}\/\d{4}\/\d{2}\/[0-9a-f-]{36}$/;
const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

/** A stored care photo's key, as a record carries it. */
export const CarePhotoKey = z.string().max(120).regex(KEY, { message: '照片编号无效 / Invalid photo key' });

export const UploadCarePhotoInput = z.object({
  communityId: CommunityId,
  /** The image, base64 (the phone shrinks it to ~1280 px JPEG first); 5 MB of image at most. */
  base64: z.string().min(1).max(7_000_000),
});
export type UploadCarePhotoInput = z.infer<typeof UploadCarePhotoInput>;

/** Any member of the compound may attach a photo to what they record (residents to their own needs). */
export async function uploadCarePhoto({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: UploadCarePhotoInput;
}) {
  const input = UploadCarePhotoInput.parse(raw);
  await requireActor(ctx, input.communityId, ANY_ROLE);
  const bytes = new Uint8Array(Buffer.from(input.base64, 'base64'));
  if (bytes.length === 0)
    throw badRequest('PHOTO_EMPTY', '照片是空的 / The photo is empty.', { field: 'photo' });
  if (bytes.length > MAX_PHOTO_BYTES)
    throw badRequest('PHOTO_TOO_LARGE', '照片太大了（最大 5 MB） / The photo is too large (5 MB at most).', {
      field: 'photo',
    });
  const type = sniff(bytes);
  if (!(IMAGE_TYPES as readonly string[]).includes(type))
    throw badRequest('PHOTO_NOT_IMAGE', '只能上传 JPEG、PNG 或 WebP 照片 / Only JPEG, PNG or WebP photos.', {
      field: 'photo',
    });
  const now = ctx.now();
  const key = `care/${input.communityId}/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${randomUUID()}`;
  await getFileStorage().put(key, bytes, {
    contentType: MIME[type as AcceptedType],
    sha256: sha256Hex(bytes),
    size: bytes.length,
  });
  return { photoKey: key };
}

/** A photo key given with a record: taken for this compound and actually stored. */
export async function requireCarePhoto(communityId: string, key: string | null | undefined): Promise<void> {
  if (!key) return;
  if (!key.startsWith(`care/${communityId}/`) || !(await getFileStorage().stat(key)))
    throw badRequest(
      'PHOTO_INVALID',
      '照片没有上传成功，请重新拍一张 / The photo did not upload; take it again.',
      { field: 'photoKey' },
    );
}

export const GetCarePhotoInput = z.object({ communityId: CommunityId, photoKey: CarePhotoKey });
export type GetCarePhotoInput = z.infer<typeof GetCarePhotoInput>;

const photoNotFound = () => notFound('PHOTO_NOT_FOUND', '找不到这张照片 / Photo not found.');

/**
 * A care photo, for the compound's staff, or for a resident whose household the notice reached or
 * the need belongs to. Anyone else reads it as not found. Returned as a data URL (photos are small).
 */
export async function getCarePhoto({ ctx, input: raw }: { ctx: ServiceContext; input: GetCarePhotoInput }) {
  const input = GetCarePhotoInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, ANY_ROLE);
  const c = input.communityId;
  if (!input.photoKey.startsWith(`care/${c}/`)) throw photoNotFound();
  const db = actor.ctx.db;
  const staff = actor.coordinator || actor.volunteer;
  const [notice] = await db
    .select({ id: notices.id })
    .from(notices)
    .where(and(eq(notices.communityId, c), eq(notices.photoKey, input.photoKey)));
  const [need] = await db
    .select({ householdId: needs.householdId })
    .from(needs)
    .where(
      and(
        eq(needs.communityId, c),
        or(eq(needs.photoKey, input.photoKey), eq(needs.deliveryPhotoKey, input.photoKey)),
      ),
    );
  let allowed = false;
  if (notice || need) allowed = staff;
  if (!allowed && need) allowed = actor.householdIds.includes(need.householdId);
  if (!allowed && notice && actor.householdIds.length > 0) {
    const reached = await db.$count(
      noticeReceipts,
      and(
        eq(noticeReceipts.communityId, c),
        eq(noticeReceipts.noticeId, notice.id),
        inArray(noticeReceipts.householdId, actor.householdIds),
      ),
    );
    allowed = reached > 0;
  }
  if (!allowed) throw photoNotFound();
  const file = await getFileStorage().get(input.photoKey);
  if (!file) throw photoNotFound();
  const bytes = new Uint8Array(await new Response(file.body).arrayBuffer());
  return { dataUrl: `data:${file.contentType};base64,${Buffer.from(bytes).toString('base64')}` };
}
