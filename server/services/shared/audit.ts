import type { DbOrTx } from '@/db/client';
import { auditLog, globalAuditLog } from '@/db/schema';

export type AuditEntry = {
  communityId: string;
  actorUserId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
};

/** Call inside the transaction that makes the change, so the audit row and the change commit together. */
export async function writeAudit(tx: DbOrTx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({ ...entry, before: entry.before ?? null, after: entry.after ?? null });
}

/** For global records (merchant applications, users), which belong to no single compound. */
export async function writeGlobalAudit(tx: DbOrTx, entry: Omit<AuditEntry, 'communityId'>): Promise<void> {
  await tx
    .insert(globalAuditLog)
    .values({ ...entry, before: entry.before ?? null, after: entry.after ?? null });
}
