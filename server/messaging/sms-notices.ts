/**
 * Key notices by SMS for a phone-less household's registered contact (issue 10 item 7): an order
 * placed on their behalf, delivered, refunded. Through the same sender as one-time codes, and
 * throttled so a busy day cannot flood a relative's phone (or the SMS bill):
 *   - each notice (kind + the thing it is about, e.g. the order id) is sent once per phone;
 *   - at most `perPhonePerHour` notices per phone in any rolling hour (default 3); the rest are
 *     dropped and reported as `throttled` (the in-app notification still has them).
 * Throttle state is per process (a second instance may send one more in the same hour).
 *
 *   const notices = smsNotices({ sender, templates: { 'order.delivered': 'SMS_2…' } });
 *   await notices.notify('+8613800138000', 'order.delivered', orderId, { seq: '12' });
 *
 * Senders without templates (the `log` sender) log the notice instead.
 */
import type { AliyunSmsSender } from './aliyun-sms';

export const SMS_NOTICE_KINDS = [
  'order.placed_on_behalf',
  'order.delivered',
  'order.refunded',
  'notice.posted',
  'order.payment_reminder',
  'relay.notice',
] as const;
export type SmsNoticeKind = (typeof SMS_NOTICE_KINDS)[number];

export type NoticeOutcome = 'sent' | 'duplicate' | 'throttled' | 'no_template' | 'failed';

export type TemplateSender = Pick<AliyunSmsSender, 'name' | 'sendTemplate'>;

export function smsNotices(opts: {
  sender: TemplateSender;
  /** Aliyun template code per notice kind; a kind without one is not sent by SMS. */
  templates: Partial<Record<SmsNoticeKind, string>>;
  perPhonePerHour?: number;
  now?: () => number;
}) {
  const limit = opts.perPhonePerHour ?? 3;
  const now = opts.now ?? Date.now;
  const sentAt = new Map<string, number[]>();
  const seen = new Set<string>();
  return {
    async notify(
      phone: string,
      kind: SmsNoticeKind,
      about: string,
      params: Record<string, string>,
    ): Promise<NoticeOutcome> {
      const template = opts.templates[kind];
      if (!template) return 'no_template';
      const key = `${phone}\u0000${kind}\u0000${about}`;
      if (seen.has(key)) return 'duplicate';
      const t = now();
      const recent = (sentAt.get(phone) ?? []).filter((x) => t - x < 3_600_000);
      if (recent.length >= limit) {
        sentAt.set(phone, recent);
        return 'throttled';
      }
      seen.add(key);
      recent.push(t);
      sentAt.set(phone, recent);
      try {
        await opts.sender.sendTemplate(phone, template, params);
        return 'sent';
      } catch (e) {
        console.error('[sms] notice %s to %s failed', kind, phone.slice(0, -4) + '****', e);
        seen.delete(key); // a later retry of the same notice may go out
        return 'failed';
      }
    },
  };
}

/** Template codes for notices from the environment (ALIYUN_SMS_TEMPLATE_ORDER_PLACED, …). */
export function noticeTemplatesFromEnv(
  env: Record<string, string | undefined> = process.env,
): Partial<Record<SmsNoticeKind, string>> {
  const out: Partial<Record<SmsNoticeKind, string>> = {};
  if (env.ALIYUN_SMS_TEMPLATE_ORDER_PLACED)
    out['order.placed_on_behalf'] = env.ALIYUN_SMS_TEMPLATE_ORDER_PLACED;
  if (env.ALIYUN_SMS_TEMPLATE_DELIVERED) out['order.delivered'] = env.ALIYUN_SMS_TEMPLATE_DELIVERED;
  if (env.ALIYUN_SMS_TEMPLATE_REFUNDED) out['order.refunded'] = env.ALIYUN_SMS_TEMPLATE_REFUNDED;
  if (env.ALIYUN_SMS_TEMPLATE_NOTICE) out['notice.posted'] = env.ALIYUN_SMS_TEMPLATE_NOTICE;
  if (env.ALIYUN_SMS_TEMPLATE_PAYMENT_REMINDER)
    out['order.payment_reminder'] = env.ALIYUN_SMS_TEMPLATE_PAYMENT_REMINDER;
  if (env.ALIYUN_SMS_TEMPLATE_RELAY_NOTICE) out['relay.notice'] = env.ALIYUN_SMS_TEMPLATE_RELAY_NOTICE;
  return out;
}
