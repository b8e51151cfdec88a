import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bagStatus,
  batchStatus,
  deliveryStatus,
  healthRoundStatus,
  needClaimStatus,
  needStatus,
  orderStatus,
  paymentStatus,
  problemStatus,
  refundStatus,
  relayStatus,
  taskClaimStatus,
  testingBuildingStatus,
  volunteerApplicationStatus,
} from '@/db/schema';
import {
  BAG_LIFECYCLE,
  BATCH_LIFECYCLE,
  DELIVERY_LIFECYCLE,
  PROBLEM_LIFECYCLE,
  transitionBag,
} from '@/server/services/distribution/lifecycle';
import { ROUND_LIFECYCLE, TESTING_BUILDING_LIFECYCLE } from '@/server/services/health/transition';
import { BUILDING_TRANSITIONS, ROUND_TRANSITIONS } from '@/server/services/health/rules';
import { NEED_CLAIM_LIFECYCLE, NEED_LIFECYCLE } from '@/server/services/needs/transition';
import { PAYMENT_LIFECYCLE, REFUND_LIFECYCLE } from '@/server/services/payment/lifecycle';
import { TASK_CLAIM_LIFECYCLE, VOLUNTEER_APPLICATION_LIFECYCLE } from '@/server/services/tasks/lifecycle';
import { ADMISSION_TRANSITIONS, type AdmissionStatus } from '@/server/services/merchant/rules';
import { ORDER_LIFECYCLE, RELAY_LIFECYCLE } from '@/server/services/relay/lifecycle';
import { RELAY_TRANSITIONS } from '@/server/services/relay/rules';
import { ServiceError } from '@/server/services/shared/errors';
import { assertMove, canMove, type Lifecycle } from '@/server/services/shared/lifecycle';

const LIFECYCLES: [Lifecycle<string>, readonly string[]][] = [
  [RELAY_LIFECYCLE, relayStatus.enumValues],
  [ORDER_LIFECYCLE, orderStatus.enumValues],
  [DELIVERY_LIFECYCLE, deliveryStatus.enumValues],
  [BATCH_LIFECYCLE, batchStatus.enumValues],
  [BAG_LIFECYCLE, bagStatus.enumValues],
  [PROBLEM_LIFECYCLE, problemStatus.enumValues],
  [NEED_LIFECYCLE, needStatus.enumValues],
  [NEED_CLAIM_LIFECYCLE, needClaimStatus.enumValues],
  [ROUND_LIFECYCLE, healthRoundStatus.enumValues],
  [TESTING_BUILDING_LIFECYCLE, testingBuildingStatus.enumValues],
  [VOLUNTEER_APPLICATION_LIFECYCLE, volunteerApplicationStatus.enumValues],
  [TASK_CLAIM_LIFECYCLE, taskClaimStatus.enumValues],
  [PAYMENT_LIFECYCLE, paymentStatus.enumValues],
  [REFUND_LIFECYCLE, refundStatus.enumValues],
];

/** Where each lifecycle starts (an undo may lead back to it: a bag's undone check-off → pending). */
const INITIAL: Record<string, string> = {
  relay: 'draft',
  order: 'pending_payment',
  delivery: 'dispatched',
  batch: 'received',
  bag: 'pending',
  problem_report: 'open',
  need: 'open',
  need_claim: 'active',
  health_round: 'open',
  testing_building: 'queued',
  volunteer_application: 'pending',
  task_claim: 'claimed',
  payment: 'requires_payment_method',
  refund: 'pending',
};

/** What the tables say, written out by hand: a change to a table must change this too. */
const EXPECTED: Record<string, string[]> = {
  relay: [
    'draft→open',
    'draft→cancelled',
    'open→closed',
    'open→cancelled',
    'closed→open',
    'closed→formed',
    'closed→failed',
    'closed→cancelled',
    'formed→dispatched',
    'dispatched→arrived',
    'arrived→distributing',
    'distributing→completed',
    'completed→distributing',
  ],
  order: [
    'pending_payment→paid',
    'pending_payment→cancelled',
    'pending_payment→expired',
    'paid→fulfilled',
    'paid→short',
    'paid→cancelled',
    'fulfilled→short',
    'fulfilled→paid',
  ],
  delivery: ['dispatched→arrived'],
  batch: [
    'received→disinfecting',
    'disinfecting→released',
    'released→distributing',
    'released→completed',
    'distributing→completed',
    'completed→distributing',
  ],
  bag: [
    'pending→delivered',
    'pending→exception',
    'pending→refunded',
    'exception→delivered',
    'exception→refunded',
    'delivered→pending',
    'delivered→exception',
  ],
  problem_report: ['open→accepted', 'open→rejected'],
  need: [
    'open→claimed',
    'open→cancelled',
    'claimed→bought',
    'claimed→delivered',
    'claimed→open',
    'bought→delivered',
    'bought→open',
    'delivered→settled',
  ],
  need_claim: [
    'active→bought',
    'active→delivered',
    'active→released',
    'active→expired',
    'bought→delivered',
    'bought→released',
  ],
  health_round: ['open→closed', 'open→cancelled'],
  testing_building: [
    'queued→called',
    'queued→skipped',
    'called→done',
    'called→skipped',
    'done→called',
    'skipped→called',
  ],
  volunteer_application: ['pending→accepted', 'pending→declined'],
  task_claim: ['claimed→released'],
  payment: [
    'requires_payment_method→processing',
    'requires_payment_method→succeeded',
    'requires_payment_method→failed',
    'requires_payment_method→canceled',
    'processing→requires_payment_method',
    'processing→succeeded',
    'processing→failed',
    'processing→canceled',
    'failed→requires_payment_method',
    'failed→processing',
    'failed→succeeded',
    'failed→canceled',
    'canceled→succeeded',
  ],
  refund: ['pending→succeeded', 'pending→failed'],
};

describe.each(LIFECYCLES)('the $name lifecycle', (lc, dbStates) => {
  it('covers exactly the states of its database enum', () => {
    expect([...lc.states].sort()).toEqual([...dbStates].sort());
  });

  it('allows exactly the listed moves, and refuses every other pair with its stable code', () => {
    const allowed: string[] = [];
    for (const from of lc.states) {
      for (const to of lc.states) {
        if (canMove(lc, from, to)) {
          allowed.push(`${from}→${to}`);
          expect(() => assertMove(lc, from, to)).not.toThrow();
        } else {
          let err: unknown;
          try {
            assertMove(lc, from, to);
          } catch (e) {
            err = e;
          }
          expect(err, `${from}→${to}`).toBeInstanceOf(ServiceError);
          expect((err as ServiceError).code).toBe(lc.code);
          expect((err as ServiceError).kind).toBe('PRECONDITION_FAILED');
          expect((err as ServiceError).details).toEqual({ entity: lc.name, from, to });
        }
      }
    }
    expect(allowed.sort()).toEqual([...EXPECTED[lc.name]!].sort());
  });

  it('never stays in place and every state is reachable from the initial one', () => {
    for (const s of lc.states) expect(canMove(lc, s, s)).toBe(false);
    const reached = new Set<string>([INITIAL[lc.name]!]);
    for (let grew = true; grew;) {
      grew = false;
      for (const s of [...reached]) {
        for (const to of lc.table[s as never] as string[]) {
          if (!reached.has(to)) grew = reached.add(to).size > 0;
        }
      }
    }
    expect([...reached].sort()).toEqual([...lc.states].sort());
  });
});

describe('the relay actions', () => {
  it('are moves the relay table allows', () => {
    for (const [action, { from, to }] of Object.entries(RELAY_TRANSITIONS)) {
      for (const f of from) expect(canMove(RELAY_LIFECYCLE, f, to), `${action}: ${f}→${to}`).toBe(true);
    }
  });
});

describe('the health actions', () => {
  it('are moves the round and building tables allow (a re-call of a called building is no move)', () => {
    for (const [action, { from, to }] of Object.entries(ROUND_TRANSITIONS)) {
      for (const f of from) expect(canMove(ROUND_LIFECYCLE, f, to), `${action}: ${f}→${to}`).toBe(true);
    }
    for (const [action, { from, to }] of Object.entries(BUILDING_TRANSITIONS)) {
      for (const f of from.filter((f) => f !== to))
        expect(canMove(TESTING_BUILDING_LIFECYCLE, f, to), `${action}: ${f}→${to}`).toBe(true);
    }
  });
});

describe('the admission lifecycle', () => {
  it('moves only between admission states and never stays in place', () => {
    const states = new Set<AdmissionStatus>();
    for (const { from, to } of Object.values(ADMISSION_TRANSITIONS)) {
      for (const f of from) {
        states.add(f);
        expect(f).not.toBe(to);
      }
      states.add(to);
    }
    expect(states.size).toBeGreaterThanOrEqual(5);
  });
});

describe('the writer', () => {
  it('refuses a move the table lacks before any SQL runs', () => {
    // No database: the writer must throw before it touches one.
    const tx = {} as never;
    expect(() => transitionBag(tx, { communityId: 'c', id: 'b' }, 'pending', { from: ['refunded'] })).toThrow(
      expect.objectContaining({ code: 'BAG_ILLEGAL_TRANSITION' }),
    );
  });
});

// ─── One writer: no file but the lifecycle's module writes a status column ──────────────────────

const ROOT = join(__dirname, '..', '..');
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) return sources(rel);
    return /\.tsx?$/.test(name) ? [rel] : [];
  });
}

/** drizzle table name → SQL table name → the module that owns its status column. */
const OWNERS: { table: string; sqlName: string; owner: string }[] = [
  { table: 'relays', sqlName: 'relays', owner: 'server/services/relay/lifecycle.ts' },
  { table: 'orders', sqlName: 'orders', owner: 'server/services/relay/lifecycle.ts' },
  { table: 'deliveries', sqlName: 'deliveries', owner: 'server/services/distribution/lifecycle.ts' },
  { table: 'batches', sqlName: 'batches', owner: 'server/services/distribution/lifecycle.ts' },
  { table: 'bags', sqlName: 'bags', owner: 'server/services/distribution/lifecycle.ts' },
  { table: 'admissions', sqlName: 'admissions', owner: 'server/services/merchant/transition.ts' },
  { table: 'problemReports', sqlName: 'problem_reports', owner: 'server/services/distribution/lifecycle.ts' },
  { table: 'needs', sqlName: 'needs', owner: 'server/services/needs/transition.ts' },
  { table: 'needClaims', sqlName: 'need_claims', owner: 'server/services/needs/transition.ts' },
  { table: 'healthRounds', sqlName: 'health_rounds', owner: 'server/services/health/transition.ts' },
  { table: 'testingBuildings', sqlName: 'testing_buildings', owner: 'server/services/health/transition.ts' },
  {
    table: 'volunteerApplications',
    sqlName: 'volunteer_applications',
    owner: 'server/services/tasks/lifecycle.ts',
  },
  { table: 'taskClaims', sqlName: 'task_claims', owner: 'server/services/tasks/lifecycle.ts' },
  { table: 'payments', sqlName: 'payments', owner: 'server/services/payment/lifecycle.ts' },
  { table: 'refunds', sqlName: 'refunds', owner: 'server/services/payment/lifecycle.ts' },
];

/** Each `.update(<table>)…set(…)` chunk up to its `.where(`, and each raw `update <table> set …`. */
export function statusWrites(file: string, text: string): string[] {
  const found: string[] = [];
  for (const { table, sqlName, owner } of OWNERS) {
    if (file === owner) continue;
    for (const m of text.matchAll(new RegExp(`\\.update\\(${table}\\)`, 'g'))) {
      const rest = text.slice(m.index, m.index + 2000);
      const end = rest.search(/\.where\(|\.returning\(|;\s*$/m);
      const setPart = rest.slice(0, end < 0 ? undefined : end);
      if (/\bstatus\s*[:,}]/.test(setPart) || /\.\.\.\s*\w+/.test(setPart))
        found.push(`${file}: .update(${table})`);
    }
    for (const m of text.matchAll(new RegExp(`update\\s+${sqlName}\\s+set\\s+([^;]*?)\\bwhere\\b`, 'gis'))) {
      if (/\bstatus\s*=/.test(m[1]!)) found.push(`${file}: update ${sqlName} set status`);
    }
  }
  return found;
}

describe('one writer per status column', () => {
  it('no file but the lifecycle module writes a status column', () => {
    const files = [...sources('server'), ...sources('db'), ...sources('app')].filter(
      (f) => !f.startsWith('db/migrations/') && f !== 'server/services/shared/lifecycle.ts',
    );
    const offenders = files.flatMap((f) => statusWrites(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the check itself catches a direct write (drizzle and raw SQL)', () => {
    expect(
      statusWrites('x.ts', `await tx.update(orders).set({ status: 'paid' }).where(eq(orders.id, id));`),
    ).toHaveLength(1);
    expect(statusWrites('x.ts', "sql`update bags set status = 'refunded' where id = ${id}`")).toHaveLength(1);
    expect(statusWrites('x.ts', `await tx.update(taskClaims).set({ status }).where(x);`)).toHaveLength(1);
    expect(statusWrites('x.ts', `await tx.update(relays).set({ chainVersion: 2 }).where(x);`)).toHaveLength(
      0,
    );
  });
});
