/**
 * SMS for a phone-less household (issue 10 item 7): when an order of a household whose care
 * profile says "no smartphone" is placed on its behalf, delivered or refunded, its registered
 * contacts — the residents registered on the household who have a phone (a son or daughter
 * elsewhere, say) — get a text, through the same sender as sign-in codes (`OTP_SENDER`), throttled
 * by `smsNotices` (once per notice, ≤3 per phone per hour). Called after the change committed;
 * it never fails the change it reports (a failed send is logged).
 *
 * Sender: `OTP_SENDER=aliyun` sends the templates ALIYUN_SMS_TEMPLATE_ORDER_PLACED / _DELIVERED /
 * _REFUNDED; the `log` sender (demo, development) logs one line per notice.
 */
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { careProfiles, memberships, users } from '@/db/schema';
import { aliyunSmsConfigFromEnv, aliyunSmsSender } from './aliyun-sms';
import { noticeTemplatesFromEnv, smsNotices, type SmsNoticeKind, type TemplateSender } from './sms-notices';

const logTemplateSender: TemplateSender = {
  name: 'log',
  async sendTemplate(phone, template, params) {
    if (process.env.NODE_ENV !== 'production') {
      console.info(`[sms] ${template} to ${phone.slice(0, -4)}**** ${JSON.stringify(params)} (log sender)`);
    }
  },
};

let notices: ReturnType<typeof smsNotices> | null = null;

function current(): ReturnType<typeof smsNotices> {
  if (notices) return notices;
  if (process.env.OTP_SENDER === 'aliyun') {
    const cfg = aliyunSmsConfigFromEnv();
    if (!('missing' in cfg)) {
      notices = smsNotices({ sender: aliyunSmsSender(cfg), templates: noticeTemplatesFromEnv() });
      return notices;
    }
  }
  // The log sender "sends" every kind: its template is the kind's name.
  notices = smsNotices({
    sender: logTemplateSender,
    templates: {
      'order.placed_on_behalf': 'order.placed_on_behalf',
      'order.delivered': 'order.delivered',
      'order.refunded': 'order.refunded',
      'order.payment_reminder': 'order.payment_reminder',
      'relay.notice': 'relay.notice',
    },
  });
  return notices;
}

/** Tests: send through this sender (with these templates) instead of the configured one; null resets. */
export function useOrderSmsSender(sender: TemplateSender | null, perPhonePerHour?: number) {
  notices = sender
    ? smsNotices({
        sender,
        perPhonePerHour,
        templates: {
          'order.placed_on_behalf': 'TPL_PLACED',
          'order.delivered': 'TPL_DELIVERED',
          'order.refunded': 'TPL_REFUNDED',
          'order.payment_reminder': 'TPL_PAYMENT_REMINDER',
          'relay.notice': 'TPL_RELAY_NOTICE',
        },
      })
    : null;
}

/** Phones of the registered contacts of a household without a smartphone (none for any other). */
async function contactPhones(db: DbOrTx, communityId: string, householdId: string): Promise<string[]> {
  const rows = await db
    .select({ phone: users.phone })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(
      careProfiles,
      and(
        eq(careProfiles.communityId, memberships.communityId),
        eq(careProfiles.householdId, memberships.householdId),
      ),
    )
    .where(
      and(
        eq(memberships.communityId, communityId),
        eq(memberships.householdId, householdId),
        eq(memberships.role, 'resident'),
        isNotNull(users.phone),
        sql`'no_smartphone' = any(${careProfiles.categories})`,
      ),
    );
  return [...new Set(rows.map((r) => r.phone!))];
}

/** Texts the household's registered contacts about an order event (after commit; never throws). */
export async function smsOrderNotice(
  db: DbOrTx,
  n: {
    communityId: string;
    householdId: string;
    kind: SmsNoticeKind;
    /** What the notice is about (order id, refund id): each is sent once per phone. */
    about: string;
    params: Record<string, string>;
  },
): Promise<void> {
  try {
    const phones = await contactPhones(db, n.communityId, n.householdId);
    for (const phone of phones) await current().notify(phone, n.kind, n.about, n.params);
  } catch (e) {
    console.error('[sms] order notice %s failed', n.kind, e);
  }
}
