import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sha256Hex } from '@/server/files/upload';
import { IMAGE_TYPES, MIME, sniff, type AcceptedType } from '@/server/files/sniff';
import { getFileStorage } from '@/server/files/storage';
import { Id } from '@/server/services/shared/zod';
import { requireRole } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest } from '@/server/services/shared/errors';

export const UploadPhotoInput = z.object({
  communityId: Id,
  purpose: z.enum(['disinfection', 'exception', 'problem']),
  /** The image, base64 (the phone shrinks it to ~1280 px JPEG first); 5 MB of image at most. */
  base64: z.string().min(1).max(7_000_000),
});
export type UploadPhotoInput = z.infer<typeof UploadPhotoInput>;

/** Small enough for a stairwell's weak signal, large enough for a phone photo the client did not shrink. */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

/** Keys carry the compound, so a record can only point at a photo taken for its own compound. */
export function photoKeyPrefix(communityId: string): string {
  return `distribution/${communityId}/`;
}

export function isPhotoKeyOf(communityId: string, key: string | null | undefined): boolean {
  return !key || key.startsWith(photoKeyPrefix(communityId));
}

/**
 * Stores a photo for a disinfection record (gate volunteers), a check-off exception (stairwell
 * volunteers) or a problem report (residents). The bytes must really be an image (magic bytes, not
 * the name a phone gives); returns the key to attach to the record.
 */
export async function uploadPhoto({ ctx, input }: { ctx: ServiceContext; input: UploadPhotoInput }) {
  await requireRole(
    ctx,
    input.communityId,
    input.purpose === 'problem' ? ['resident'] : ['volunteer', 'admin', 'owner'],
  );
  const bytes = new Uint8Array(Buffer.from(input.base64, 'base64'));
  if (bytes.length === 0)
    throw badRequest('PHOTO_EMPTY', '照片是空的 / The photo is empty.', { field: 'photo' });
  if (bytes.length > MAX_PHOTO_BYTES) {
    throw badRequest('PHOTO_TOO_LARGE', '照片太大了（最大 5 MB） / The photo is too large (5 MB at most).', {
      field: 'photo',
    });
  }
  const type = sniff(bytes);
  if (!(IMAGE_TYPES as readonly string[]).includes(type)) {
    throw badRequest('PHOTO_NOT_IMAGE', '只能上传 JPEG、PNG 或 WebP 照片 / Only JPEG, PNG or WebP photos.', {
      field: 'photo',
    });
  }
  const now = ctx.now();
  const key = `${photoKeyPrefix(input.communityId)}${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${randomUUID()}`;
  await getFileStorage().put(key, bytes, {
    contentType: MIME[type as AcceptedType],
    sha256: sha256Hex(bytes),
    size: bytes.length,
  });
  return { photoKey: key };
}

/** A photo key given with a record: taken for this compound and actually stored. */
export async function requirePhoto(communityId: string, key: string | null | undefined): Promise<void> {
  if (!key) return;
  if (!isPhotoKeyOf(communityId, key) || !(await getFileStorage().stat(key))) {
    throw badRequest(
      'PHOTO_INVALID',
      '照片没有上传成功，请重新拍一张 / The photo did not upload; take it again.',
      { field: 'photoKey' },
    );
  }
}
