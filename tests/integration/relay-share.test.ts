/**
 * Sharing a relay into the group chat (issue 13 items 9 and 10): the share card PNG carries a QR
 * code that decodes to the relay page and the items' catalog photos; it is served only to the
 * relay page's audience. The relay view carries each item's photo URL.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import jsQR from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { handleShareCard } from '@/app/r/[communityId]/relays/[relayId]/share-card/handler';
import { uploadProductPhoto } from '@/server/services/merchant/upload-product-photo';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { useTempFileStorage } from '@/tests/helpers/merchant-fixtures';
import { decodePng, solidPng } from '@/tests/helpers/png';
import { makeRelayWorld, newKey, openTestRelay, type RelayWorld } from '@/tests/helpers/relay-world';

let database: Database;
let files: ReturnType<typeof useTempFileStorage>;
let w: RelayWorld;
let relayId: string;
const BASE = 'http://linli.test';
const ARTIFACTS = path.resolve(process.env.ARTIFACTS_DIR ?? 'artifacts', 'screenshots');

beforeAll(async () => {
  database = await createTestDatabase();
  files = useTempFileStorage();
  w = await makeRelayWorld(database, { buildings: 1 });
  await uploadProductPhoto({
    ctx: w.ctx(w.merchant.owner),
    input: {
      merchantId: w.merchant.id,
      productId: w.products.rice,
      fileName: 'rice.png',
      bytes: solidPng(64, [220, 30, 30]),
    },
  });
  relayId = await openTestRelay(w, { title: '大米鸡蛋团', threshold: { kind: 'households', value: 5 } });
  const h = w.community.households[1]!;
  const view = await callerFor(database, w.residents.get(h.id)!).relay.get({
    communityId: w.community.id,
    relayId,
  });
  await callerFor(database, w.residents.get(h.id)!).relay.join({
    communityId: w.community.id,
    relayId,
    householdId: h.id,
    lines: [{ relayItemId: view.items[0]!.id, qty: 1 }],
    idempotencyKey: newKey(),
  });
}, 120_000);

afterAll(async () => {
  files?.cleanup();
  await database?.close();
});

const card = (user: SessionUser | null, rid = relayId) =>
  handleShareCard(
    new Request(`${BASE}/r/${w.community.id}/relays/${rid}/share-card`),
    { communityId: w.community.id, relayId: rid },
    { user, database, locale: 'zh-CN' },
  );

describe('relay share card', () => {
  it('is a PNG whose QR code opens the relay page, with the photo of the first item', async () => {
    const res = await card(w.roles.resident);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await res.arrayBuffer());
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'share-card.png'), bytes);
    const png = decodePng(bytes);
    expect(png.width).toBe(750);
    const qr = jsQR(png.rgba, png.width, png.height);
    expect(qr?.data).toBe(`${BASE}/r/${w.community.id}/relays/${relayId}`);
    // The rice photo (solid red) is drawn in the first item row: some pixels are that red.
    let red = 0;
    for (let i = 0; i < png.rgba.length; i += 4) {
      if (png.rgba[i]! > 200 && png.rgba[i + 1]! < 50 && png.rgba[i + 2]! < 50) red++;
    }
    expect(red).toBeGreaterThan(80 * 80);
  }, 60_000);

  it('is refused to the signed-out, to outsiders and for a relay that does not exist', async () => {
    expect((await card(null)).status).toBe(401);
    expect((await card(w.roles.outsider)).status).toBe(404);
    expect((await card(w.roles.resident, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await card(w.roles.resident, 'not-a-uuid')).status).toBe(404);
  });

  it('the relay page shows the catalog photo of each item that has one', async () => {
    const view = await callerFor(database, w.roles.resident).relay.get({
      communityId: w.community.id,
      relayId,
    });
    const rice = view.items.find((i) => i.productId === w.products.rice)!;
    const eggs = view.items.find((i) => i.productId === w.products.eggs)!;
    expect(rice.photoUrl).toMatch(new RegExp(`^/api/files/products/${w.products.rice}\\?v=`));
    expect(eggs.photoUrl).toBeNull();
  });
});
