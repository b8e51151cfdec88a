/**
 * The lifecycles of the volunteer side (docs/ARCHITECTURE.md, "Lifecycles"): a resident's offer to
 * volunteer (pending → accepted / declined) and a volunteer's claim on a task slot (claimed →
 * released). Their tables and their only writers; tests/unit/transitions.test.ts fails when any
 * other file writes one of these status columns.
 */
import { and, eq, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '@/db/client';
import { taskClaims, volunteerApplications } from '@/db/schema';
import { defineLifecycle, writeStatus } from '@/server/services/shared/lifecycle';

type ApplicationStatus = 'pending' | 'accepted' | 'declined';
type TaskClaimStatus = 'claimed' | 'released';

export const VOLUNTEER_APPLICATION_LIFECYCLE = defineLifecycle<ApplicationStatus>(
  'volunteer_application',
  { pending: ['accepted', 'declined'], accepted: [], declined: [] },
  'VOLUNTEER_APPLICATION_ILLEGAL_TRANSITION',
  '这份报名当前状态不允许此操作 / The offer cannot make this change in its current state.',
);

export const TASK_CLAIM_LIFECYCLE = defineLifecycle<TaskClaimStatus>(
  'task_claim',
  { claimed: ['released'], released: [] },
  'TASK_CLAIM_ILLEGAL_TRANSITION',
  '该报名岗位当前状态不允许此操作 / The task slot cannot make this change in its current state.',
);

type Row = { communityId: string; id: string };

export function transitionVolunteerApplication(
  tx: DbOrTx,
  row: Row,
  to: ApplicationStatus,
  opts: { from?: readonly ApplicationStatus[]; set?: PgUpdateSetSource<typeof volunteerApplications> } = {},
) {
  const where: SQL | undefined = and(
    eq(volunteerApplications.communityId, row.communityId),
    eq(volunteerApplications.id, row.id),
  );
  return writeStatus(tx, volunteerApplications, VOLUNTEER_APPLICATION_LIFECYCLE, to, { where, ...opts });
}

export function transitionTaskClaim(
  tx: DbOrTx,
  row: Row,
  to: TaskClaimStatus,
  opts: { from?: readonly TaskClaimStatus[]; set?: PgUpdateSetSource<typeof taskClaims> } = {},
) {
  const where = and(eq(taskClaims.communityId, row.communityId), eq(taskClaims.id, row.id));
  return writeStatus(tx, taskClaims, TASK_CLAIM_LIFECYCLE, to, { where, ...opts });
}
