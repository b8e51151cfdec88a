/**
 * Queries a sharded cluster can route (issue 12 item 7). Under Citus with `community_id` as the
 * distribution column, a statement over a compound's tables without `community_id = $n` runs on
 * every shard. This walks the services of the integration suite on PostgreSQL with every statement
 * drizzle sends captured, and fails on any statement over a tenant table that is not routable,
 * except the cross-compound statements listed in docs/SCALING.md §9 (each with its index and why).
 *
 * Rules (docs/SCALING.md §9 says the same):
 * - A tenant table is any table not in REFERENCE_TABLES (each has a `community_id` column;
 *   tests/unit/schema-distribution.test.ts keeps that true).
 * - A statement naming one is routable when it filters `community_id = <parameter or literal>`, or
 *   is an `INSERT … VALUES` that sets `community_id` (Citus routes each row by its value).
 * - The SQL functions (`linli_join_relay`) are distributed by their community argument; a call
 *   names no table and passes.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, setDatabase, type Database } from '@/db/client';
import * as schema from '@/db/schema';
import { REFERENCE_TABLES } from '@/db/schema/reference';
import { POST as webhookRoute } from '@/app/api/stripe/webhook/route';
import { expireAdmissions } from '@/server/services/merchant/expire-admissions';
import { expireNeedClaims } from '@/server/services/needs/expire-need-claims';
import { retryPendingRefunds } from '@/server/services/payment/retry-pending-refunds';
import { expireUnpaidOrders } from '@/server/services/relay/expire-orders';
import {
  closeDueRelays,
  openDueRelays,
  settleClosedRelays,
} from '@/server/services/relay/run-relay-schedule';
import { encodeBagCode } from '@/server/services/shared/bag-code';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { countingDatabase } from '@/tests/helpers/count-queries';
import { makeCareWorld } from '@/tests/helpers/care-world';
import { createTestDatabase, testDriver } from '@/tests/helpers/db';
import { makeDistributionScene } from '@/tests/helpers/distribution-fixtures';
import { makeRelayWorld, newKey, openTestRelay, type RelayWorld } from '@/tests/helpers/relay-world';
import { startTestStripe, type TestStripe } from '@/tests/helpers/stripe';

/** The tables distributed by `community_id`: every table that is not a reference table. */
const TENANT_TABLES = new Set(
  (Object.values(schema).filter((v) => is(v, PgTable)) as PgTable[])
    .map((t) => getTableConfig(t).name)
    .filter((name) => !(REFERENCE_TABLES as readonly string[]).includes(name)),
);

type AllowEntry = { name: string; fragment: string; index: string; why: string };

/** The allow-list: the table between the markers in docs/SCALING.md. */
function readAllowList(): AllowEntry[] {
  const doc = readFileSync(path.join(process.cwd(), 'docs/SCALING.md'), 'utf8');
  const block = doc
    .split('<!-- routing-allow-list:start -->')[1]
    ?.split('<!-- routing-allow-list:end -->')[0];
  if (!block) throw new Error('docs/SCALING.md has no routing allow-list block');
  return block
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Statement') && !l.startsWith('| ---'))
    .map((l) => {
      const cells = l.split(' | ').map((c) => c.replace(/^\|\s*|\s*\|$/g, '').trim());
      const code = (c: string) => c.replace(/^`|`$/g, '');
      return { name: cells[0]!, fragment: code(cells[1]!), index: code(cells[2]!), why: cells[3]! };
    });
}

const normalize = (q: string) => q.replace(/\s+/g, ' ').trim();

/** Tenant tables a statement reads or writes (FROM, JOIN, INTO, UPDATE, DELETE FROM). */
function tenantTablesOf(query: string): string[] {
  const found = new Set<string>();
  for (const m of query.matchAll(/\b(?:from|join|into|update)\s+"?([a-z_]+)"?/gi)) {
    const t = m[1]!.toLowerCase();
    if (TENANT_TABLES.has(t)) found.add(t);
  }
  return [...found];
}

function routable(query: string): boolean {
  if (/"?community_id"?\s*=\s*(\$\d+|'[0-9a-f-]{36}')/i.test(query)) return true;
  if (/\(\s*\$\d+(::uuid)?\s*=\s*"?[a-z_]*"?\.?"?community_id"?/i.test(query)) return true;
  // INSERT … VALUES naming community_id: each row goes to its shard.
  return /^insert into "?[a-z_]+"? \([^)]*"community_id"[^)]*\) values/i.test(query);
}

const onPostgres = testDriver() === 'postgres';

describe.skipIf(!onPostgres)('every tenant statement is routable by community_id', () => {
  let base: Database;
  let database: Database;
  let log: string[];
  let stripe: TestStripe;
  let w: RelayWorld;
  let capturing = false;
  const captured: string[] = [];
  const as = (u: SessionUser | null) => callerFor(database, u, () => w.clock.now);

  beforeAll(async () => {
    base = await createTestDatabase();
    const counting = await countingDatabase(base);
    database = counting.database;
    log = counting.log;
    setDatabase(database);
    stripe = await startTestStripe({
      onEvent: (payload, signature) =>
        webhookRoute(
          new Request('http://linli.test/api/stripe/webhook', {
            method: 'POST',
            body: payload,
            headers: { 'stripe-signature': signature },
          }),
        ),
    });
    w = await makeRelayWorld(database);
  });
  afterAll(async () => {
    setDatabase(undefined);
    await stripe?.close();
    await base?.close();
  });

  /** Runs `fn` with its statements captured for the check; fixtures outside are not checked. */
  async function walk<T>(fn: () => Promise<T>): Promise<T> {
    log.length = 0;
    capturing = true;
    try {
      return await fn();
    } finally {
      captured.push(...log.map(normalize));
      log.length = 0;
      capturing = false;
    }
  }

  it('walks relay, payment, pick list and the sweeps', async () => {
    expect(capturing).toBe(false);
    const c = w.community.id;
    const m = w.merchant;
    const hh = w.community.households;
    const resident = (i: number) => w.residents.get(hh[i]!.id)!;

    // The relay's life: create, open by the clock, read, join, pay, change, close, decide.
    // A draft the opening sweep opens.
    await openTestRelay(w, { draft: true });
    const relayId = await openTestRelay(w, { title: '保供套餐第2期' });
    await walk(async () => {
      await as(m.owner).relay.listMine({ merchantId: m.id });
      await as(m.owner).relay.getForMerchant({ merchantId: m.id, communityId: c, relayId });
      await as(resident(0)).relay.list({ communityId: c });
      const view = await as(resident(0)).relay.get({ communityId: c, relayId });
      const items = view.items.map((i) => i.id);
      for (let i = 0; i < 3; i++) {
        const j = await as(resident(i)).relay.join({
          communityId: c,
          relayId,
          householdId: hh[i]!.id,
          lines: [{ relayItemId: items[0]!, qty: 2 }],
          idempotencyKey: newKey(),
        });
        const chosen = await as(resident(i)).payment.choose({
          communityId: c,
          orderId: j.order.orderId,
          method: 'card',
        });
        await stripe.client.paymentIntents.confirm(chosen.payment.paymentIntentId!, {
          payment_method: 'pm_card_visa',
          return_url: 'http://linli.test/pay/return',
        });
        await stripe.mock.waitForWebhooks();
        await as(resident(i)).payment.get({ communityId: c, orderId: j.order.orderId });
      }
      const unpaid = await as(resident(3)).relay.join({
        communityId: c,
        relayId,
        householdId: hh[3]!.id,
        lines: [{ relayItemId: items[1]!, qty: 2 }],
        idempotencyKey: newKey(),
      });
      await as(resident(3)).relay.changeOrder({
        communityId: c,
        orderId: unpaid.order.orderId,
        lines: [{ relayItemId: items[1]!, qty: 1 }],
      });
      await as(resident(3)).relay.cancelOrder({ communityId: c, orderId: unpaid.order.orderId });
      await as(resident(0)).relay.myOrders({ communityId: c });
      await as(w.roles.admin).relay.onBehalfOrders({ communityId: c });
      // The talk around the relay: a notice to its households, a question, its answer, a hide.
      const notice = await as(m.owner).relayTalk.postNotice({
        communityId: c,
        relayId,
        merchantId: m.id,
        body: '配送改到明天下午',
      });
      const asked = await as(resident(0)).relayTalk.ask({
        communityId: c,
        relayId,
        householdId: hh[0]!.id,
        body: '几点到？',
      });
      await as(m.owner).relayTalk.answer({
        communityId: c,
        merchantId: m.id,
        questionId: asked.messageId,
        body: '下午三点',
      });
      await as(resident(1)).relayTalk.list({ communityId: c, relayId });
      await as(m.owner).relayTalk.list({ communityId: c, relayId, merchantId: m.id });
      await as(w.roles.admin).relayTalk.hide({ communityId: c, messageId: notice.messageId, reason: '测试' });
    });

    // The timed sweeps: opening, expiry, cutoff and decision, refunds, admissions, need claims.
    w.clock.now = new Date(w.clock.now.getTime() + 2 * 3_600_000);
    await walk(async () => {
      await openDueRelays(database, w.clock.now);
      await expireUnpaidOrders(database, w.clock.now);
      await closeDueRelays(database, w.clock.now);
      await settleClosedRelays(database, w.clock.now);
      await retryPendingRefunds(database, w.clock.now);
      await expireAdmissions({ db: database.db, input: { now: w.clock.now } });
      await expireNeedClaims({ ctx: { db: database.db, now: () => w.clock.now } });
    });

    // Pick list of the decided relay.
    await walk(async () => {
      await as(m.owner).picklist.relay({ merchantId: m.id, communityId: c, relayId });
      await as(w.roles.admin).picklist.bagRelays({ communityId: c });
    });
  });

  it('walks dispatch, the gate, disinfection, release, check-off, the board and the pick lists', async () => {
    let clock = new Date('2022-04-12T14:00:00Z');
    const at = (min: number) => new Date(clock.getTime() + min * 60_000);
    const s = await makeDistributionScene(database.db, { stripe: stripe.client });
    const asOf = (u: SessionUser | null) => callerFor(database, u, () => clock);
    const c = s.community.id;
    const mine = s.relay.orders.find((o) => o.householdId === s.community.households[0]!.id)!;
    await walk(async () => {
      await asOf(s.merchant.staff).picklist.relay({
        merchantId: s.merchant.id,
        communityId: c,
        relayId: s.relay.id,
      });
      const { deliveryId } = await asOf(s.merchant.staff).distribution.dispatch({
        merchantId: s.merchant.id,
        communityId: s.community.id,
        relayIds: [s.relay.id],
        eta: at(60),
        vehiclePlate: '沪A·12345',
        driverName: '李师傅',
        driverPhone: '13900000099',
      });
      await asOf(s.merchant.staff).distribution.relayDelivery({
        merchantId: s.merchant.id,
        communityId: s.community.id,
        relayId: s.relay.id,
      });
      await asOf(s.volunteer).distribution.gate({ communityId: c });
      clock = at(50);
      const arrival = await asOf(s.volunteer).distribution.recordArrival({
        communityId: c,
        deliveryId,
        packageCount: 12,
      });
      await asOf(s.volunteer).distribution.recordDisinfection({
        communityId: c,
        batchId: arrival.batchId,
        agent: '含氯消毒剂',
        concentration: '500 mg/L',
        method: 'spray',
      });
      clock = at(31);
      await asOf(s.volunteer).distribution.release({ communityId: c, batchId: arrival.batchId });
      await asOf(s.volunteer).distribution.checkoffBags({ communityId: c });
      await asOf(s.volunteer).distribution.checkOff({
        communityId: c,
        checkoffId: randomUUID(),
        outcome: 'delivered',
        clientAt: clock,
        code: encodeBagCode(c, mine.id),
      });
      const bags = await asOf(s.resident).distribution.myBags({ communityId: c });
      await asOf(s.resident).distribution.confirm({ communityId: c, bagId: bags.orders[0]!.bag!.bagId });
      await asOf(s.owner).distribution.board({ communityId: c });
      // The merchant's after-delivery verbs name the compound too: shortfall preview and settlement,
      // and (refused here, after their reads) a problem decision and a whole-bag refund.
      const m = { merchantId: s.merchant.id, communityId: c, relayId: s.relay.id };
      await asOf(s.merchant.staff).distribution.previewShortfall({ ...m, items: [] });
      await asOf(s.merchant.owner).distribution.settleShortfall({ ...m, items: [] });
      await expect(
        asOf(s.merchant.owner).distribution.decideProblem({
          ...m,
          reportId: randomUUID(),
          decision: 'reject',
          note: '不是本接龙的',
        }),
      ).rejects.toThrow();
      await expect(
        asOf(s.merchant.owner).distribution.refundBag({ ...m, bagId: bags.orders[0]!.bag!.bagId }),
      ).rejects.toThrow();
      await asOf(s.admin).picklist.bagRelays({ communityId: c });
    });
  });

  it('walks the roster, notices, needs, care check-ins, me and the bell', async () => {
    const cw = await makeCareWorld(database, () => w.clock.now);
    const c = cw.c.id;
    await walk(async () => {
      const admin = cw.as(cw.people.admin);
      await admin.roster.overview({ communityId: c });
      await admin.roster.search({ communityId: c, query: '1' });
      await admin.roster.household({ communityId: c, householdId: cw.inS0[0]!.id });
      await admin.roster.careProfiles({ communityId: c });
      await admin.roster.assignments({ communityId: c });
      const notice = await admin.notices.post({
        communityId: c,
        title: '明早核酸',
        body: '明早7点在南门做核酸，请带好手机。',
        target: 'compound',
        needsConfirm: true,
      });
      await admin.notices.list({ communityId: c });
      await cw
        .as(cw.people.volunteer)
        .notices.stairwell({ communityId: c, noticeId: notice.id, stairwellId: cw.s0.id });
      await cw.as(cw.people.resident).notices.mine({ communityId: c });
      await cw.as(cw.people.resident).notices.confirm({ communityId: c, noticeId: notice.id });
      const need = await cw
        .as(cw.people.resident)
        .needs.record({ communityId: c, householdId: cw.inS0[0]!.id, kind: 'medicine', note: '降压药 一盒' });
      await cw.as(cw.people.volunteer).needs.list({ communityId: c });
      await cw.as(cw.people.volunteer).needs.claim({ communityId: c, needId: need.id });
      await cw.as(cw.people.volunteer).needs.checkins({ communityId: c });
      await cw.as(cw.people.resident).needs.mine({ communityId: c });
      await cw.as(cw.people.resident).me.get();
      await cw.as(cw.people.resident).me.unreadCount();
      await cw.as(cw.people.resident).me.notifications({});
    });
  });

  it('finds nothing outside the allow-list, and every allow-list entry is still needed', async () => {
    const allow = readAllowList();
    expect(allow.length).toBeGreaterThan(0);
    // Each entry names an index that exists, so the sweep it allows is not a scan of every compound.
    const indexes = new Set(
      (await queryRows<{ name: string }>(base.db, sql`select indexname as name from pg_indexes`)).map(
        (r) => r.name,
      ),
    );
    for (const a of allow) expect(indexes.has(a.index), `${a.name}: index ${a.index}`).toBe(true);
    const used = new Set<string>();
    const offenders: string[] = [];
    let tenantStatements = 0;
    for (const q of captured) {
      if (tenantTablesOf(q).length === 0) continue;
      tenantStatements++;
      if (routable(q)) continue;
      const entry = allow.find((a) => q.includes(a.fragment));
      if (entry) used.add(entry.name);
      else offenders.push(`[${tenantTablesOf(q).join(', ')}] ${q}`);
    }
    console.log(
      `[routing] ${captured.length} statements, ${tenantStatements} over tenant tables, ${offenders.length} unroutable, ${used.size}/${allow.length} allow-list entries seen`,
    );
    expect(offenders.join('\n\n')).toBe('');
    expect(allow.filter((a) => !used.has(a.name)).map((a) => a.name)).toEqual([]);
  });
});

describe.skipIf(onPostgres)('routing on PGlite', () => {
  it.skip('needs PostgreSQL: Citus routing is a property of the statements sent to a server; run with DATABASE_URL', () => {});
});
