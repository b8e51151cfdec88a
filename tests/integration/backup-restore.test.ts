/**
 * Backups that restore (issue 17, server/ops/backup.ts): the demo plus a relay with paid,
 * refunded and cash orders → backup → restore into a fresh database → every table's digest equal;
 * a restore into a non-empty database is refused; on the PostgreSQL run, a PGlite backup moved
 * into PostgreSQL gives the same digests.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateDatabase, openDatabase, queryRows, type Database } from '@/db/client';
import { orders, payments, refunds } from '@/db/schema';
import { seedDemoIfEmpty } from '@/db/seed/demo';
import {
  backupDatabase,
  computeDigests,
  restoreBackup,
  RestoreRefused,
  type Manifest,
} from '@/server/ops/backup';
import { withDatabase } from '@/tests/helpers/global-setup';
import { makeRelayWorld } from '@/tests/helpers/relay-world';
import { addOrders, makeRelay } from '@/tests/helpers/relay-fixtures';

const cfg = inject('testDb');
const onPostgres = cfg.driver === 'postgres';
let dir: string;
const created: string[] = [];

async function adminExec(statement: string) {
  if (cfg.driver !== 'postgres') throw new Error('PostgreSQL only');
  const admin = await openDatabase({ url: cfg.adminUrl, max: 1 });
  try {
    await admin.db.execute(sql.raw(statement));
  } finally {
    await admin.close();
  }
}

/** A new PostgreSQL database: a copy of the migrated template, or bare (no tables at all). */
async function newPostgresDb(kind: 'migrated' | 'bare'): Promise<string> {
  if (cfg.driver !== 'postgres') throw new Error('PostgreSQL only');
  const name = `linli_bk_${randomBytes(4).toString('hex')}`;
  await adminExec(`create database ${name}${kind === 'migrated' ? ` template ${cfg.template}` : ''}`);
  created.push(name);
  return withDatabase(cfg.adminUrl, name);
}

/** The demo (every extra seed) plus a relay with a paid, a refunded and a cash order. */
async function seedWorld(database: Database) {
  await seedDemoIfEmpty(database);
  const world = await makeRelayWorld(database, { buildings: 1, stairwellsPerBuilding: 1 });
  const db = database.db;
  const relay = await makeRelay(db, world.community, world.merchant, { title: '备份演练团' });
  const hh = world.community.households;
  const placedBy = (i: number) => world.residents.get(hh[i]!.id)!.id;
  const [paid, refunded, cash] = await addOrders(db, relay, [
    { householdId: hh[0]!.id, placedBy: placedBy(0), lines: [{ item: 0, qty: 1 }] },
    { householdId: hh[1]!.id, placedBy: placedBy(1), lines: [{ item: 1, qty: 2 }], status: 'cancelled' },
    { householdId: hh[2]!.id, placedBy: placedBy(2), lines: [{ item: 2, qty: 1 }] },
  ]);
  const c = world.community.id;
  const at = new Date('2022-04-10T08:00:00Z');
  await db
    .update(orders)
    .set({ cashOnDelivery: true })
    .where(and(eq(orders.communityId, c), eq(orders.id, cash!.id)));
  const [p1, p2] = await db
    .insert(payments)
    .values([
      {
        communityId: c,
        orderId: paid!.id,
        stripePaymentIntentId: 'pi_bk_paid',
        amountFen: 3990,
        status: 'succeeded',
        succeededAt: at,
        payerUserId: placedBy(0),
      },
      {
        communityId: c,
        orderId: refunded!.id,
        stripePaymentIntentId: 'pi_bk_refunded',
        amountFen: 9000,
        status: 'succeeded',
        succeededAt: at,
        payerUserId: placedBy(1),
      },
      {
        communityId: c,
        orderId: cash!.id,
        method: 'cash',
        amountFen: 6800,
        status: 'succeeded',
        collectedBy: world.roles.volunteer.id,
        cashCollectedFen: 6800,
        cashCollectedAt: at,
        succeededAt: at,
      },
    ])
    .returning();
  await db.insert(refunds).values({
    communityId: c,
    orderId: refunded!.id,
    paymentId: p2!.id,
    amountFen: 9000,
    reason: 'order_cancelled',
    idempotencyKey: `order_cancelled:${refunded!.id}`,
    stripeRefundId: 're_bk_1',
    status: 'succeeded',
    succeededAt: at,
  });
  return { communityId: c, relayId: relay.id, paymentIds: [p1!.id, p2!.id] };
}

type World = Awaited<ReturnType<typeof seedWorld>>;

async function openSource(): Promise<{ database: Database; url?: string }> {
  if (cfg.driver === 'pglite') {
    return { database: await openDatabase({ loadDataDir: new Blob([readFileSync(cfg.dumpPath)]) }) };
  }
  const url = await newPostgresDb('migrated');
  return { database: await openDatabase({ url, max: 4 }), url };
}

let source: Database;
let sourceUrl: string | undefined;
let world: World;
let manifest: Manifest;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'linli-backup-'));
  ({ database: source, url: sourceUrl } = await openSource());
  world = await seedWorld(source);
  manifest = await backupDatabase(source, { dir, url: sourceUrl });
}, 600_000);

afterAll(async () => {
  await source?.close();
  for (const name of created) await adminExec(`drop database if exists ${name} with (force)`).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe(`backup and restore (${cfg.driver})`, () => {
  it('writes a manifest with the migration count, rows and a digest per table, matching the live database', async () => {
    const live = await computeDigests(source);
    expect(manifest.driver).toBe(cfg.driver);
    expect(manifest.migrations).toBeGreaterThan(10);
    expect(manifest.tables).toEqual(live.tables);
    expect(manifest.digest).toBe(live.digest);
    expect(manifest.tables.households!.rows).toBeGreaterThan(1500);
    expect(manifest.tables.refunds!.rows).toBeGreaterThanOrEqual(1);
    expect(manifest.tables.payments!.rows).toBeGreaterThanOrEqual(3);
    expect(manifest.bytes).toBeGreaterThan(10_000);
  });

  it('restores into a fresh database with every table digest equal, and the relay reads back', async () => {
    const target = onPostgres
      ? { url: await newPostgresDb('bare') }
      : { dataDir: path.join(dir, 'restored') };
    const result = await restoreBackup(path.join(dir, manifest.file), target);
    expect(result.mismatches).toEqual([]);
    expect(result.restored.tables).toEqual(manifest.tables);
    expect(result.restored.digest).toBe(manifest.digest);

    const restored = await openDatabase(
      'url' in target ? { url: target.url, max: 2 } : { dataDir: target.dataDir },
    );
    try {
      const rows = await queryRows<{ status: string; method: string | null; refund: string | null }>(
        restored.db,
        sql`select o.status, p.method, r.status as refund from orders o
            left join payments p on p.community_id = o.community_id and p.order_id = o.id
            left join refunds r on r.community_id = o.community_id and r.order_id = o.id
            where o.community_id = ${world.communityId} and o.relay_id = ${world.relayId} order by o.seq`,
      );
      expect(rows).toEqual([
        { status: 'paid', method: 'card', refund: null },
        { status: 'cancelled', method: 'card', refund: 'succeeded' },
        { status: 'paid', method: 'cash', refund: null },
      ]);
    } finally {
      await restored.close();
    }
  });

  it('refuses to restore into a database that is not empty, and says what to do', async () => {
    if (onPostgres) {
      const url = await newPostgresDb('migrated');
      await expect(restoreBackup(path.join(dir, manifest.file), { url })).rejects.toThrow(
        /already has \d+ tables.*empty database/,
      );
    } else {
      const target = path.join(dir, 'restored'); // restored into by the test above
      await expect(restoreBackup(path.join(dir, manifest.file), { dataDir: target })).rejects.toThrow(
        RestoreRefused,
      );
      await expect(restoreBackup(path.join(dir, manifest.file), { dataDir: target })).rejects.toThrow(
        /is not empty.*move that directory aside/,
      );
    }
  });

  it.runIf(onPostgres)(
    'moves a PGlite backup into PostgreSQL with the same digests',
    async () => {
      const pglite = await openDatabase({ dataDir: 'memory://' });
      let pgliteManifest: Manifest;
      try {
        await migrateDatabase(pglite);
        await seedWorld(pglite);
        pgliteManifest = await backupDatabase(pglite, { dir: path.join(dir, 'pglite') });
      } finally {
        await pglite.close();
      }
      expect(pgliteManifest.driver).toBe('pglite');
      const url = await newPostgresDb('bare');
      const result = await restoreBackup(path.join(dir, 'pglite', pgliteManifest.file), { url });
      expect(result.mismatches).toEqual([]);
      expect(result.restored.tables).toEqual(pgliteManifest.tables);
      expect(result.restored.digest).toBe(pgliteManifest.digest);
      // And the moved database takes the next backup like any PostgreSQL database.
      const moved = await openDatabase({ url, max: 2 });
      try {
        const again = await backupDatabase(moved, { dir: path.join(dir, 'moved'), url });
        expect(again.digest).toBe(pgliteManifest.digest);
      } finally {
        await moved.close();
      }
    },
    600_000,
  );
});
