/**
 * Notices (通知) by SMS for care households without a smartphone (issue 15 item 1): the text goes
 * to the phones registered on the household (a son or daughter, a neighbour), through the same
 * throttled notice sender as order notices (sms-notices.ts: once per notice per phone, at most 3
 * an hour per phone). With OTP_SENDER=aliyun and ALIYUN_SMS_TEMPLATE_NOTICE set it goes to Aliyun;
 * otherwise it is logged (development and the demo), with the phone masked.
 */
import { aliyunSmsConfigFromEnv, aliyunSmsSender } from './aliyun-sms';
import { noticeTemplatesFromEnv, smsNotices, type NoticeOutcome, type TemplateSender } from './sms-notices';

const logSender: TemplateSender = {
  name: 'log',
  async sendTemplate(phone, _template, params) {
    if (process.env.NODE_ENV !== 'production')
      console.info(`[sms] notice to ${phone.slice(0, -4)}****: ${params.title ?? ''}`);
  },
};

function fromEnv(env: Record<string, string | undefined> = process.env) {
  const templates = noticeTemplatesFromEnv(env);
  if (env.OTP_SENDER === 'aliyun' && templates['notice.posted']) {
    const cfg = aliyunSmsConfigFromEnv(env);
    if (!('missing' in cfg)) return smsNotices({ sender: aliyunSmsSender(cfg), templates });
  }
  return smsNotices({ sender: logSender, templates: { 'notice.posted': 'log' } });
}

let current: ReturnType<typeof smsNotices> | null = null;

/**
 * Sends one notice to each phone, all at once (a compound-wide notice may reach dozens of
 * relatives; one slow gateway call each in a row would hold the poster's screen). Resolves to the
 * outcome per phone.
 */
export async function smsNotice(
  phones: string[],
  noticeId: string,
  params: { title: string; compound: string },
): Promise<NoticeOutcome[]> {
  current ??= fromEnv();
  const notices = current;
  return Promise.all(phones.map((phone) => notices.notify(phone, 'notice.posted', noticeId, params)));
}

/** Tests swap in a recording sender (and get a fresh throttle). */
export function useNoticeSmsSender(sender: TemplateSender | null) {
  current = sender ? smsNotices({ sender, templates: { 'notice.posted': 'test' } }) : null;
}
