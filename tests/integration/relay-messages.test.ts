/**
 * 接龙留言 (issue 13 item 12): the merchant's notices reach every household standing in the relay
 * (in the app, and by SMS for phone-less households), residents ask and the merchant answers once,
 * coordinators hide a message. Scope refusals, masking and the limits.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { auditLog, notifications, relayItems } from '@/db/schema';
import { useOrderSmsSender } from '@/server/messaging/order-sms';
import { answerQuestion } from '@/server/services/relay-talk/answer-question';
import { askQuestion } from '@/server/services/relay-talk/ask-question';
import { hideMessage } from '@/server/services/relay-talk/hide-message';
import { listRelayMessages } from '@/server/services/relay-talk/list-relay-messages';
import { postRelayNotice } from '@/server/services/relay-talk/post-relay-notice';
import { NOTICES_PER_HOUR, QUESTIONS_PER_DAY } from '@/server/services/relay-talk/rules';
import { cancelOrder } from '@/server/services/relay/cancel-order';
import { joinRelay } from '@/server/services/relay/join-relay';
import { isServiceError } from '@/server/services/shared/errors';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeCommunity, makeRoleUsers } from '@/tests/helpers/fixtures';
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
const sms: { phone: string; template: string; params: Record<string, string> }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  w = await makeRelayWorld(database);
  useOrderSmsSender({
    name: 'capture',
    sendTemplate: async (phone, template, params) => {
      sms.push({ phone, template, params });
    },
  });
}, 120_000);

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

const c = () => w.community.id;
const H = (i: number) => w.community.households[i]!;
const resident = (i: number) => w.ctx(w.residents.get(H(i).id)!);
const merchant = () => w.ctx(w.merchant.owner);

async function relayWithOrders(households: number[]) {
  const relayId = await openTestRelay(w, { items: [{ product: 'eggs' }] });
  const [item] = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
  const orderIds: string[] = [];
  for (const i of households) {
    const j = await joinRelay({
      ctx: resident(i),
      input: {
        communityId: c(),
        relayId,
        householdId: H(i).id,
        lines: [{ relayItemId: item!.id, qty: 1 }],
        idempotencyKey: newKey(),
      },
    });
    orderIds.push(j.order.orderId);
  }
  return { relayId, orderIds };
}

async function notified(kind: string, userIds: string[], relayId: string) {
  const rows = await database.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.kind, kind), inArray(notifications.userId, userIds)));
  return rows.filter((r) => r.payload.relayId === relayId);
}

describe('团长公告', () => {
  it('reaches every household standing in the relay, in the app and by SMS for a phone-less one', async () => {
    await markCareHousehold(w, H(2).id);
    const { relayId, orderIds } = await relayWithOrders([0, 1, 2, 3]);
    await cancelOrder({ ctx: resident(3), input: { communityId: c(), orderId: orderIds[3]! } });
    sms.length = 0;
    const res = await postRelayNotice({
      ctx: merchant(),
      input: {
        communityId: c(),
        relayId,
        merchantId: w.merchant.id,
        body: '  配送时间改为明天下午 3 点，鸡蛋换成同价的土鸡蛋。 ',
      },
    });
    expect(res.householdCount).toBe(3);
    const everyone = [0, 1, 2, 3, 4].map((i) => w.residents.get(H(i).id)!.id);
    const told = await notified('relay.notice', everyone, relayId);
    // Households 0–2 hear it once each; 3 cancelled, 4 never ordered.
    expect(told.map((n) => n.userId).sort()).toEqual(everyone.slice(0, 3).sort());
    expect(told[0]!.payload).toMatchObject({
      excerpt: '配送时间改为明天下午 3 点，鸡蛋换成同价的土鸡蛋。',
      href: `/r/${c()}/relays/${relayId}`,
    });
    // The phone-less household's contact gets the text.
    expect(sms).toEqual([
      expect.objectContaining({ phone: w.residents.get(H(2).id)!.phone, template: 'TPL_RELAY_NOTICE' }),
    ]);
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'relay_message.notice'), eq(auditLog.entityId, res.messageId)));
    expect(audit?.after).toMatchObject({ relayId, householdCount: 3 });

    const seen = await listRelayMessages({ ctx: resident(4), input: { communityId: c(), relayId } });
    expect(seen.notices.map((n) => n.body)).toEqual(['配送时间改为明天下午 3 点，鸡蛋换成同价的土鸡蛋。']);
  });

  it('refuses a volunteer, another merchant, another compound, an empty or too long notice', async () => {
    const { relayId } = await relayWithOrders([0]);
    const input = { communityId: c(), relayId, merchantId: w.merchant.id, body: '到货通知' };
    expect(await code(postRelayNotice({ ctx: w.ctx(w.roles.volunteer), input }))).toBe(
      'FORBIDDEN:MERCHANT_ROLE_REQUIRED',
    );
    expect(await code(postRelayNotice({ ctx: resident(0), input }))).toBe('FORBIDDEN:MERCHANT_ROLE_REQUIRED');
    const stranger = await makeMerchant(database.db);
    expect(await code(postRelayNotice({ ctx: w.ctx(stranger.owner), input }))).toBe(
      'NOT_FOUND:MERCHANT_NOT_FOUND',
    );
    expect(
      await code(
        postRelayNotice({ ctx: w.ctx(stranger.owner), input: { ...input, merchantId: stranger.id } }),
      ),
    ).toBe('NOT_FOUND:RELAY_NOT_FOUND');
    const elsewhere = await makeCommunity(database.db, { buildings: 1, stairwellsPerBuilding: 1 });
    expect(
      await code(postRelayNotice({ ctx: merchant(), input: { ...input, communityId: elsewhere.id } })),
    ).toBe('NOT_FOUND:RELAY_NOT_FOUND');
    expect(await code(postRelayNotice({ ctx: merchant(), input: { ...input, body: '   ' } }))).toBe(
      'BAD_REQUEST:RELAY_MESSAGE_EMPTY',
    );
    expect(
      await code(postRelayNotice({ ctx: merchant(), input: { ...input, body: '菜'.repeat(501) } })),
    ).toBe('BAD_REQUEST:RELAY_MESSAGE_TOO_LONG');
    expect(
      await code(postRelayNotice({ ctx: merchant(), input: { ...input, body: '菜'.repeat(500) } })),
    ).toBe('ok');
  });

  it(`allows ${NOTICES_PER_HOUR} notices per relay per hour, then asks to wait`, async () => {
    const { relayId } = await relayWithOrders([0]);
    const input = { communityId: c(), relayId, merchantId: w.merchant.id, body: '通知' };
    for (let i = 0; i < NOTICES_PER_HOUR; i++) {
      await postRelayNotice({ ctx: merchant(), input });
      w.clock.now = new Date(w.clock.now.getTime() + 60_000);
    }
    let refusal: unknown;
    await postRelayNotice({ ctx: merchant(), input }).catch((e: unknown) => (refusal = e));
    expect(isServiceError(refusal) && refusal.code).toBe('RELAY_NOTICE_LIMIT');
    expect(isServiceError(refusal) && Number(refusal.details?.retryAfterSeconds)).toBeGreaterThan(0);
    w.clock.now = new Date(w.clock.now.getTime() + 3_600_000);
    expect(await code(postRelayNotice({ ctx: merchant(), input }))).toBe('ok');
  });
});

describe('问答', () => {
  it('a resident asks, others see the asker masked, the merchant answers once and the asker hears it', async () => {
    const { relayId } = await relayWithOrders([1]);
    const asked = await askQuestion({
      ctx: resident(1),
      input: { communityId: c(), relayId, householdId: H(1).id, body: '鸡蛋是散装还是盒装？' },
    });
    const other = await listRelayMessages({ ctx: resident(4), input: { communityId: c(), relayId } });
    const q = other.questions.find((x) => x.id === asked.messageId)!;
    expect(q.mine).toBe(false);
    const askerName = w.residents.get(H(1).id)!.name; // 张桂英
    expect(q.asker.name).toBe(`${askerName[0]}*`);
    expect(q.asker.room).toBe(`${H(1).room[0]}**`);
    expect(q.answer).toBeNull();
    const own = await listRelayMessages({ ctx: resident(1), input: { communityId: c(), relayId } });
    expect(own.questions[0]!.mine).toBe(true);
    expect(own.questionsLeft).toBe(QUESTIONS_PER_DAY - 1);
    const forMerchant = await listRelayMessages({
      ctx: merchant(),
      input: { communityId: c(), relayId, merchantId: w.merchant.id },
    });
    expect(forMerchant.questions[0]!.asker.name).toBe(`${askerName[0]}*`);
    expect(forMerchant.canPostNotice).toBe(true);
    expect(forMerchant.askFor).toBeNull();
    const forCoordinator = await listRelayMessages({
      ctx: w.ctx(w.roles.admin),
      input: { communityId: c(), relayId },
    });
    expect(forCoordinator.questions[0]!.asker).toMatchObject({ name: askerName, room: H(1).room });

    const answer = {
      communityId: c(),
      merchantId: w.merchant.id,
      questionId: asked.messageId,
      body: '盒装，30 枚一盒。',
    };
    const stranger = await makeMerchant(database.db);
    expect(
      await code(
        answerQuestion({ ctx: w.ctx(stranger.owner), input: { ...answer, merchantId: stranger.id } }),
      ),
    ).toBe('NOT_FOUND:RELAY_NOT_FOUND');
    expect(await code(answerQuestion({ ctx: resident(1), input: answer }))).toBe(
      'FORBIDDEN:MERCHANT_ROLE_REQUIRED',
    );
    await answerQuestion({ ctx: merchant(), input: answer });
    expect(await code(answerQuestion({ ctx: merchant(), input: { ...answer, body: '再答一次' } }))).toBe(
      'CONFLICT:RELAY_QUESTION_ALREADY_ANSWERED',
    );
    const told = await notified('relay.answer', [w.residents.get(H(1).id)!.id], relayId);
    expect(told).toHaveLength(1);
    expect(told[0]!.payload).toMatchObject({ excerpt: '盒装，30 枚一盒。' });
    const merchantTold = await notified('relay.question', [w.merchant.owner.id], relayId);
    expect(merchantTold).toHaveLength(1);
    const after = await listRelayMessages({ ctx: resident(4), input: { communityId: c(), relayId } });
    expect(after.questions[0]!.answer?.body).toBe('盒装，30 枚一盒。');
  });

  it('refuses non-residents, other households, other compounds, and a household past its daily limit', async () => {
    const { relayId } = await relayWithOrders([]);
    const input = { communityId: c(), relayId, householdId: H(0).id, body: '几点到？' };
    expect(await code(askQuestion({ ctx: w.ctx(w.roles.volunteer), input }))).toBe(
      'FORBIDDEN:RELAY_QUESTION_RESIDENT_ONLY',
    );
    expect(await code(askQuestion({ ctx: resident(1), input }))).toBe('NOT_FOUND:HOUSEHOLD_NOT_FOUND');
    expect(await code(askQuestion({ ctx: w.ctx(w.roles.outsider), input }))).toBe(
      'NOT_FOUND:RELAY_NOT_FOUND',
    );
    // A resident of another compound naming this relay under their own compound.
    const elsewhere = await makeCommunity(database.db, { buildings: 1, stairwellsPerBuilding: 1 });
    const theirs = await makeRoleUsers(database.db, elsewhere);
    expect(
      await code(
        askQuestion({
          ctx: w.ctx(theirs.resident),
          input: { ...input, communityId: elsewhere.id, householdId: elsewhere.households[0]!.id },
        }),
      ),
    ).toBe('NOT_FOUND:RELAY_NOT_FOUND');
    expect(await code(askQuestion({ ctx: resident(0), input: { ...input, body: '' } }))).toBe(
      'BAD_REQUEST:RELAY_MESSAGE_EMPTY',
    );
    expect(await code(askQuestion({ ctx: resident(0), input: { ...input, body: '问'.repeat(301) } }))).toBe(
      'BAD_REQUEST:RELAY_MESSAGE_TOO_LONG',
    );
    for (let i = 0; i < QUESTIONS_PER_DAY; i++) await askQuestion({ ctx: resident(0), input });
    expect(await code(askQuestion({ ctx: resident(0), input }))).toBe(
      'TOO_MANY_REQUESTS:RELAY_QUESTION_LIMIT',
    );
    // Another household is not held back by it; a day later this one may ask again.
    expect(await code(askQuestion({ ctx: resident(1), input: { ...input, householdId: H(1).id } }))).toBe(
      'ok',
    );
    w.clock.now = new Date(w.clock.now.getTime() + 86_400_000 + 1000);
    expect(await code(askQuestion({ ctx: resident(0), input }))).toBe('ok');
  });
});

describe('隐藏留言', () => {
  it('a coordinator hides a question: gone for residents and the merchant, marked for coordinators', async () => {
    const { relayId } = await relayWithOrders([0]);
    const asked = await askQuestion({
      ctx: resident(0),
      input: { communityId: c(), relayId, householdId: H(0).id, body: '加我微信 xxx 低价转卖' },
    });
    const hide = { communityId: c(), messageId: asked.messageId, reason: '广告' };
    expect(await code(hideMessage({ ctx: resident(0), input: hide }))).toBe('FORBIDDEN:ROLE_REQUIRED');
    expect(await code(hideMessage({ ctx: w.ctx(w.roles.volunteer), input: hide }))).toBe(
      'FORBIDDEN:ROLE_REQUIRED',
    );
    expect(await code(hideMessage({ ctx: merchant(), input: hide }))).toBe('FORBIDDEN:ROLE_REQUIRED');
    const elsewhere = await makeCommunity(database.db, { buildings: 1, stairwellsPerBuilding: 1 });
    const theirs = await makeRoleUsers(database.db, elsewhere);
    expect(
      await code(hideMessage({ ctx: w.ctx(theirs.admin), input: { ...hide, communityId: elsewhere.id } })),
    ).toBe('NOT_FOUND:RELAY_MESSAGE_NOT_FOUND');
    await hideMessage({ ctx: w.ctx(w.roles.admin), input: hide });
    expect(await code(hideMessage({ ctx: w.ctx(w.roles.owner), input: hide }))).toBe(
      'CONFLICT:RELAY_MESSAGE_ALREADY_HIDDEN',
    );
    for (const ctx of [resident(0), resident(5)]) {
      const seen = await listRelayMessages({ ctx, input: { communityId: c(), relayId } });
      expect(seen.questions).toEqual([]);
    }
    const forMerchant = await listRelayMessages({
      ctx: merchant(),
      input: { communityId: c(), relayId, merchantId: w.merchant.id },
    });
    expect(forMerchant.questions).toEqual([]);
    expect(
      await code(
        answerQuestion({
          ctx: merchant(),
          input: { communityId: c(), merchantId: w.merchant.id, questionId: asked.messageId, body: '好' },
        }),
      ),
    ).toBe('NOT_FOUND:RELAY_MESSAGE_NOT_FOUND');
    const forCoordinator = await listRelayMessages({
      ctx: w.ctx(w.roles.owner),
      input: { communityId: c(), relayId },
    });
    expect(forCoordinator.questions[0]!.hidden).toMatchObject({ reason: '广告' });
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'relay_message.hide'), eq(auditLog.entityId, asked.messageId)));
    expect(audit?.actorUserId).toBe(w.roles.admin.id);
  });

  it('a hidden answer leaves the question open for a new answer, and a hidden notice is gone', async () => {
    const { relayId } = await relayWithOrders([0]);
    const asked = await askQuestion({
      ctx: resident(0),
      input: { communityId: c(), relayId, householdId: H(0).id, body: '有发票吗？' },
    });
    const a = { communityId: c(), merchantId: w.merchant.id, questionId: asked.messageId };
    const first = await answerQuestion({ ctx: merchant(), input: { ...a, body: '打错了' } });
    await hideMessage({
      ctx: w.ctx(w.roles.admin),
      input: { communityId: c(), messageId: first.messageId, reason: '答错' },
    });
    expect(
      (await listRelayMessages({ ctx: resident(0), input: { communityId: c(), relayId } })).questions[0]!
        .answer,
    ).toBeNull();
    await answerQuestion({ ctx: merchant(), input: { ...a, body: '可以开电子发票。' } });
    const seen = await listRelayMessages({ ctx: resident(0), input: { communityId: c(), relayId } });
    expect(seen.questions[0]!.answer?.body).toBe('可以开电子发票。');

    const notice = await postRelayNotice({
      ctx: merchant(),
      input: { communityId: c(), relayId, merchantId: w.merchant.id, body: '发错了的公告' },
    });
    await hideMessage({
      ctx: w.ctx(w.roles.admin),
      input: { communityId: c(), messageId: notice.messageId, reason: '商家要求' },
    });
    expect(
      (await listRelayMessages({ ctx: resident(0), input: { communityId: c(), relayId } })).notices,
    ).toEqual([]);
  });
});
