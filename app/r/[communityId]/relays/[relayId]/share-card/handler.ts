import type { Database } from '@/db/client';
import type { Locale } from '@/app/i18n/config';
import { errorResponse } from '@/server/files/http';
import { getRelayShareCard } from '@/server/services/relay/get-relay-share-card';
import type { SessionUser } from '@/server/services/shared/context';
import { shareCardImage } from './card';

/**
 * GET /r/<communityId>/relays/<relayId>/share-card: the relay's share card as a PNG. Same scope as
 * the relay page (a signed-in member of the compound), not public: the card is shared into the
 * group chat as an image file, so nobody in the chat needs to fetch this URL, and the relay's
 * title, prices and progress stay inside the compound. The QR code leads to the relay page.
 */
export async function handleShareCard(
  req: Request,
  ref: { communityId: string; relayId: string },
  deps: { user: SessionUser | null; database: Database; locale: Locale },
): Promise<Response> {
  try {
    const data = await getRelayShareCard({
      ctx: { database: deps.database, db: deps.database.db, user: deps.user, now: () => new Date() },
      input: ref,
    });
    const url = new URL(`/r/${ref.communityId}/relays/${ref.relayId}`, req.url).toString();
    const image = shareCardImage(data, url, deps.locale);
    // Rendered now, so a font or image failure is this request's error, not a broken stream.
    const png = await image.arrayBuffer();
    return new Response(png, { headers: image.headers });
  } catch (e) {
    return errorResponse(e);
  }
}
