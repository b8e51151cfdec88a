import type { DbOrTx } from '@/db/client';
import { notifications } from '@/db/schema';

export type NotificationInput = {
  communityId: string;
  userId: string;
  /** Stable kind, e.g. `order.paid`, `relay.failed`, `admission.approved`; the UI translates it. */
  kind: string;
  payload?: Record<string, unknown>;
};

/**
 * In-app notifications, written in the transaction of the change they report, so a person is told
 * exactly when (and only when) the change commits.
 */
export async function notifyUsers(tx: DbOrTx, items: NotificationInput[]): Promise<void> {
  if (items.length === 0) return;
  for (let i = 0; i < items.length; i += 500) {
    await tx
      .insert(notifications)
      .values(items.slice(i, i + 500).map((n) => ({ ...n, payload: n.payload ?? {} })));
  }
}
