import { getFileStorage } from '@/server/files/storage';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { getRelay, GetRelayInput, type RelayView } from './get-relay';
import { productPhotos } from './item-photos';

/** Items drawn on the card; more are summed up as "等 N 件". */
export const SHARE_CARD_ITEMS = 6;
/** Photos larger than this are left off the card (decoding them would hold up the render). */
const MAX_CARD_PHOTO_BYTES = 4 * 1024 * 1024;
/** The image renderer decodes PNG and JPEG only; a WebP photo shows as the plain placeholder. */
const CARD_PHOTO_TYPES = new Set(['image/png', 'image/jpeg']);

export type ShareCardData = {
  relay: RelayView;
  /** relay item id → the photo as a data URL. */
  photos: Map<string, string>;
};

async function readAll(body: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const c of body as unknown as AsyncIterable<Uint8Array>) chunks.push(c);
  return Buffer.concat(chunks);
}

/**
 * What the share card shows: the relay as the relay page shows it (same verb, so the same scope:
 * a signed-in member of the compound; anyone else gets RELAY_NOT_FOUND), and the first items'
 * catalog photos. The card carries no other household's name or room.
 */
export async function getRelayShareCard({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: GetRelayInput;
}): Promise<ShareCardData> {
  const ref = GetRelayInput.safeParse(input);
  if (!ref.success) throw notFound('RELAY_NOT_FOUND', '找不到该接龙 / Relay not found.');
  const relay = await getRelay({ ctx, input: ref.data });
  const shown = relay.items.slice(0, SHARE_CARD_ITEMS);
  const byProduct = await productPhotos(
    ctx.db,
    shown.map((i) => i.productId),
  );
  const storage = getFileStorage();
  const photos = new Map<string, string>();
  await Promise.all(
    shown.map(async (i) => {
      const p = byProduct.get(i.productId);
      if (!p || !CARD_PHOTO_TYPES.has(p.mimeType)) return;
      const file = await storage.get(p.key);
      if (!file || file.size > MAX_CARD_PHOTO_BYTES) {
        await file?.body.cancel();
        return;
      }
      photos.set(i.id, `data:${p.mimeType};base64,${(await readAll(file.body)).toString('base64')}`);
    }),
  );
  return { relay, photos };
}
