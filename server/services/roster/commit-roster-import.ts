import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Tx } from '@/db/client';
import { buildings, stairwells, users } from '@/db/schema';
import { writeAudit, writeGlobalAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, conflict, preconditionFailed } from '@/server/services/shared/errors';
import { analyzeTables, ROSTER_TABLES } from '@/server/services/shared/statistics';
import { requireCoordinator } from './access';
import { loadImportSnapshot } from './import-snapshot';
import {
  decodeBase64File,
  PreviewRosterImportInput,
  sha256,
  toPreview,
  type RosterImportPreview,
} from './preview-roster-import';
import { readRosterFile } from './roster-file';
import { planRosterImport, type ImportSummary } from './rules';
import { guardWrite } from './write';
import { inTransaction } from '@/server/services/shared/tx';

export const CommitRosterImportInput = PreviewRosterImportInput.extend({
  expectedSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  expectedSummary: z
    .object({
      householdsToCreate: z.number().int(),
      residentsToAdd: z.number().int(),
      stairwellsToCreate: z.number().int(),
      buildingsToCreate: z.number().int(),
    })
    .partial()
    .optional(),
});
export type CommitRosterImportInput = z.infer<typeof CommitRosterImportInput>;

const CHUNK = 2000;

async function insertChunks<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/**
 * Bulk insert through one JSON parameter (`json_to_recordset`) instead of thousands of bind
 * parameters: the statement stays small and the same on both drivers.
 */
function jsonRows(rows: unknown[]) {
  return sql`json_to_recordset(${JSON.stringify(rows)}::json)`;
}

type RosterImportResult = { summary: ImportSummary; fileSha256: string };

/**
 * Step two: re-reads and re-validates the file against the roster as it is now, and writes all of
 * it or none of it, in one transaction with its audit row. Imports into one compound are
 * serialized; `expectedSha256` and `expectedSummary` (from the preview) make sure what is written
 * is what the coordinator looked at.
 */
export async function commitRosterImport({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CommitRosterImportInput;
}): Promise<RosterImportResult> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const c = input.communityId;
  const bytes = decodeBase64File(input.fileBase64);
  const fileSha256 = sha256(bytes);
  if (input.expectedSha256 && input.expectedSha256 !== fileSha256) {
    throw preconditionFailed(
      'IMPORT_FILE_CHANGED',
      '文件与预览时不同，请重新预览 / The file differs from the one previewed; preview it again.',
    );
  }
  const { format, table } = await readRosterFile(bytes);

  const result = await guardWrite(
    () =>
      inTransaction(authed.db, async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'roster-import:' + c}))`);
        const snapshot = await loadImportSnapshot(tx, c, table);
        const plan = planRosterImport(table, snapshot);
        if (!plan.ok) {
          const preview: RosterImportPreview = toPreview(plan, format, input.fileName, fileSha256);
          throw badRequest(
            'IMPORT_HAS_ERRORS',
            `有 ${plan.summary.invalidRows} 行需要修改，未导入任何数据 / ${plan.summary.invalidRows} rows need fixing; nothing was imported.`,
            {
              details: {
                invalidRows: plan.summary.invalidRows,
                fileIssues: preview.fileIssues,
                firstBadLines: preview.badRows.slice(0, 20).map((r) => r.line),
              },
            },
          );
        }
        const expected = input.expectedSummary;
        if (expected) {
          const changed = (Object.keys(expected) as (keyof typeof expected)[]).some(
            (k) => expected[k] !== plan.summary[k],
          );
          if (changed) {
            throw preconditionFailed(
              'IMPORT_CHANGED',
              '名册在预览后有变动，请重新预览 / The roster changed since the preview; preview again.',
              {
                details: { summary: plan.summary },
              },
            );
          }
        }
        await writePlan(tx, c, plan.write, snapshot);
        await writeAudit(tx, {
          communityId: c,
          actorUserId: authed.user.id,
          action: 'roster.import',
          entityType: 'community',
          entityId: c,
          after: { fileName: input.fileName, fileSha256, format, summary: plan.summary },
        });
        if (plan.summary.usersToCreate > 0) {
          await writeGlobalAudit(tx, {
            actorUserId: authed.user.id,
            action: 'user.import',
            entityType: 'community',
            entityId: c,
            after: { created: plan.summary.usersToCreate, fileSha256 },
          });
        }
        return { summary: plan.summary, fileSha256 };
      }),
    () =>
      conflict(
        'IMPORT_RACE',
        '名册正在被修改，请重新预览后再导入 / The roster was changed meanwhile; preview again and retry.',
      ),
  );
  // Thousands of households and people may just have arrived: fresh planner statistics (issue 12).
  await analyzeTables(authed.db, ROSTER_TABLES);
  return result;
}

async function writePlan(
  tx: Tx,
  c: string,
  write: ReturnType<typeof planRosterImport>['write'],
  snapshot: Awaited<ReturnType<typeof loadImportSnapshot>>,
) {
  const buildingId = new Map<string, string>(snapshot.buildings.map((b) => [b.number, b.id]));
  const newBuildings = write.buildings.map((b) => ({
    id: randomUUID(),
    communityId: c,
    number: b.number,
    routeOrder: b.routeOrder,
  }));
  for (const b of newBuildings) buildingId.set(b.number, b.id);
  await insertChunks(newBuildings, (chunk) => tx.insert(buildings).values(chunk));

  const numberOfBuilding = new Map(snapshot.buildings.map((b) => [b.id, b.number]));
  const stairwellId = new Map<string, string>(
    snapshot.stairwells.map((s) => [`${numberOfBuilding.get(s.buildingId)}|${s.number}`, s.id]),
  );
  const newStairwells = write.stairwells.map((s) => ({
    id: randomUUID(),
    communityId: c,
    buildingId: buildingId.get(s.building)!,
    number: s.number,
    routeOrder: s.routeOrder,
  }));
  write.stairwells.forEach((s, i) => stairwellId.set(`${s.building}|${s.number}`, newStairwells[i]!.id));
  await insertChunks(newStairwells, (chunk) => tx.insert(stairwells).values(chunk));

  const keyOfStairwell = new Map<string, string>([...stairwellId].map(([k, id]) => [id, k]));
  const householdId = new Map<string, string>(
    snapshot.households.map((h) => [`${keyOfStairwell.get(h.stairwellId)}|${h.room}`, h.id]),
  );
  const newHouseholds = write.households.map((h) => ({
    id: randomUUID(),
    communityId: c,
    stairwellId: stairwellId.get(`${h.building}|${h.stairwell}`)!,
    floor: h.floor,
    room: h.room,
    headcount: h.headcount,
  }));
  write.households.forEach((h, i) =>
    householdId.set(`${h.building}|${h.stairwell}|${h.room}`, newHouseholds[i]!.id),
  );
  await insertChunks(newHouseholds, (chunk) =>
    tx.execute(sql`insert into households (community_id, id, stairwell_id, floor, room, headcount)
      select community_id, id, stairwell_id, floor, room, headcount
      from ${jsonRows(chunk.map((h) => ({ community_id: h.communityId, id: h.id, stairwell_id: h.stairwellId, floor: h.floor, room: h.room, headcount: h.headcount })))}
      as x(community_id uuid, id uuid, stairwell_id uuid, floor int, room text, headcount int)`),
  );

  const newUsers = write.residents
    .filter((r) => !r.userId)
    .map((r) => ({ id: randomUUID(), name: r.name, phone: r.phone, resident: r }));
  const userIdOf = new Map<object, string>(newUsers.map((u) => [u.resident, u.id]));
  const lost: string[] = [];
  await insertChunks(newUsers, async (chunk) => {
    const inserted = await queryRows<{ id: string }>(
      tx,
      sql`insert into users (id, name, phone)
        select id, name, phone from ${jsonRows(chunk.map(({ id, name, phone }) => ({ id, name, phone })))}
        as x(id uuid, name text, phone text)
        on conflict (phone) do nothing returning id`,
    );
    const ok = new Set(inserted.map((u) => u.id));
    for (const u of chunk) if (!ok.has(u.id)) lost.push(u.phone!);
  });
  if (lost.length > 0) {
    // Someone signed up with one of these phones between the snapshot and now: use their account.
    const found = await tx
      .select({ id: users.id, phone: users.phone })
      .from(users)
      .where(inArray(users.phone, lost));
    const byPhone = new Map(found.map((u) => [u.phone, u.id]));
    for (const u of newUsers)
      if (u.phone && byPhone.has(u.phone)) userIdOf.set(u.resident, byPhone.get(u.phone)!);
  }
  const newMemberships = write.residents.map((r) => ({
    communityId: c,
    userId: r.userId ?? userIdOf.get(r)!,
    householdId: householdId.get(`${r.building}|${r.stairwell}|${r.room}`)!,
  }));
  await insertChunks(newMemberships, (chunk) =>
    tx.execute(sql`insert into memberships (community_id, user_id, role, household_id)
      select community_id, user_id, 'resident', household_id
      from ${jsonRows(chunk.map((m) => ({ community_id: m.communityId, user_id: m.userId, household_id: m.householdId })))}
      as x(community_id uuid, user_id uuid, household_id uuid)`),
  );
}
