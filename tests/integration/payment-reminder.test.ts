/**
 * 催付 (issue 13 item 13): the merchant and the stairwell's volunteers remind unpaid orders, once
 * per order per cooldown, audited; other merchants, other stairwells and residents are refused.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { auditLog, notifications, relayItems } from '@/db/schema';
import { useOrderSmsSender } from '@/server/messaging/order-sms';
import { joinRelay } from '@/server/services/relay/join-relay';
import {
  listUnpaidOrders,
  PAYMENT_REMINDER_COOLDOWN_MINUTES,
  remindPayment,
} from '@/server/services/relay/remind-payment';
import { isServiceError } from '@/server/services/shared/errors';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeMerchant } from '@/tests/helpers/relay-fixtures';
import {
  makeRelayWorld,
  markCareHousehold,
  newKey,
  openTestRelay,
  type RelayWorld,
} from '@/tests/helpers/relay-world';

let database: Database;
let w: RelayWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  w = await makeRelayWorld(database);
}, 120_000);

const sms: { phone: string; template: string; params: Record<string, string> }[] = [];
beforeAll(() => {
  useOrderSmsSender({
    name: 'capture',
    sendTemplate: async (phone, template, params) => {
      sms.push({ phone, template, params });
    },
  });
});

afterAll(async () => {
  useOrderSmsSender(null);
  await database?.close();
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (isServiceError(e)) return `${e.kind}:${e.code}`;
    throw e;
  }
}

describe('催付', () => {
  it('reminds once per cooldown, in scope only, and audits each reminder', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'eggs' }] });
    const [item] = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
    const sw = w.community.stairwells[0]!.id;
    const inSw = w.community.households.find((h) => h.stairwellId === sw)!;
    const other = w.community.households.find((h) => h.stairwellId !== sw)!;
    const place = async (h: typeof inSw) =>
      (
        await joinRelay({
          ctx: w.ctx(w.residents.get(h.id)!),
          input: {
            communityId: w.community.id,
            relayId,
            householdId: h.id,
            lines: [{ relayItemId: item!.id, qty: 1 }],
            idempotencyKey: newKey(),
          },
        })
      ).order.orderId;
    const mine = await place(inSw);
    const theirs = await place(other);
    const c = w.community.id;
    const merchant = w.ctx(w.merchant.owner);
    const volunteer = w.ctx(w.roles.volunteer);

    const forMerchant = await listUnpaidOrders({
      ctx: merchant,
      input: { communityId: c, relayId, merchantId: w.merchant.id },
    });
    expect(forMerchant.map((o) => o.orderId).sort()).toEqual([mine, theirs].sort());
    expect(forMerchant[0]!.place).toMatch(/\*/);
    const forVolunteer = await listUnpaidOrders({ ctx: volunteer, input: { communityId: c, relayId } });
    expect(forVolunteer.map((o) => o.orderId)).toEqual([mine]);

    // Refusals: a resident, another merchant, another stairwell's order.
    const resident = w.ctx(w.residents.get(inSw.id)!);
    expect(await code(remindPayment({ ctx: resident, input: { communityId: c, orderId: mine } }))).toBe(
      'FORBIDDEN:PAYMENT_REMINDER_ROLE_REQUIRED',
    );
    const stranger = await makeMerchant(database.db);
    expect(
      await code(
        remindPayment({
          ctx: w.ctx(stranger.owner),
          input: { communityId: c, orderId: mine, merchantId: stranger.id },
        }),
      ),
    ).toBe('NOT_FOUND:RELAY_NOT_FOUND');
    expect(await code(remindPayment({ ctx: volunteer, input: { communityId: c, orderId: theirs } }))).toBe(
      'NOT_FOUND:ORDER_NOT_FOUND',
    );

    // The volunteer reminds; the merchant is inside the cooldown for that order; later it may.
    await remindPayment({ ctx: volunteer, input: { communityId: c, orderId: mine } });
    const told = await database.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, w.residents.get(inSw.id)!.id),
          eq(notifications.kind, 'order.payment_reminder'),
        ),
      );
    expect(told).toHaveLength(1);
    expect(told[0]!.payload).toMatchObject({ href: `/pay/${mine}?c=${c}` });
    expect(
      await code(
        remindPayment({ ctx: merchant, input: { communityId: c, orderId: mine, merchantId: w.merchant.id } }),
      ),
    ).toBe('TOO_MANY_REQUESTS:PAYMENT_REMINDER_COOLDOWN');
    const listed = await listUnpaidOrders({ ctx: volunteer, input: { communityId: c, relayId } });
    expect(listed[0]!.nextReminderAt).not.toBeNull();
    w.clock.now = new Date(w.clock.now.getTime() + PAYMENT_REMINDER_COOLDOWN_MINUTES * 60_000 + 1000);
    await remindPayment({
      ctx: merchant,
      input: { communityId: c, orderId: mine, merchantId: w.merchant.id },
    });
    const audited = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'order.payment_reminded'), eq(auditLog.entityId, mine)));
    expect(audited).toHaveLength(2);
  });

  it('a household without a smartphone: its registered contact gets one text per reminder', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'eggs' }], title: '短信催付' });
    const [item] = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
    const sw = w.community.stairwells[0]!.id;
    const [careHh, otherHh] = w.community.households.filter((h) => h.stairwellId === sw).slice(1, 3);
    await markCareHousehold(w, careHh!.id);
    const place = async (h: typeof careHh) =>
      (
        await joinRelay({
          ctx: w.ctx(w.residents.get(h!.id)!),
          input: {
            communityId: w.community.id,
            relayId,
            householdId: h!.id,
            lines: [{ relayItemId: item!.id, qty: 2 }],
            idempotencyKey: newKey(),
          },
        })
      ).order;
    const careOrder = await place(careHh);
    const otherOrder = await place(otherHh);
    const merchant = w.ctx(w.merchant.owner);
    const c = w.community.id;
    const texts = () => sms.filter((m) => m.template === 'TPL_PAYMENT_REMINDER');
    const before = texts().length;
    await remindPayment({
      ctx: merchant,
      input: { communityId: c, orderId: careOrder.orderId, merchantId: w.merchant.id },
    });
    const sent = texts().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.phone).toBe(w.residents.get(careHh!.id)!.phone);
    expect(sent[0]!.params).toMatchObject({ seq: String(careOrder.seq), relay: '短信催付' });
    // A household with a smartphone is reminded in the app only.
    await remindPayment({
      ctx: merchant,
      input: { communityId: c, orderId: otherOrder.orderId, merchantId: w.merchant.id },
    });
    expect(texts().length).toBe(before + 1);
    // After the cooldown, the next reminder is texted again.
    w.clock.now = new Date(w.clock.now.getTime() + PAYMENT_REMINDER_COOLDOWN_MINUTES * 60_000 + 1000);
    await remindPayment({
      ctx: merchant,
      input: { communityId: c, orderId: careOrder.orderId, merchantId: w.merchant.id },
    });
    expect(texts().length).toBe(before + 2);
  });
});
