/**
 * How a one-time code reaches a phone. `OTP_SENDER` picks the implementation: `log` (default;
 * development and the demo) or `aliyun` (Aliyun SMS, production). Another gateway is a drop-in:
 * implement `OtpSender` in its own file and add one line to SENDERS; nothing else changes
 * (requestOtp only sees the interface). Notices by SMS: server/messaging/sms-notices.ts.
 */
import { aliyunSmsConfigFromEnv, aliyunSmsSender } from '@/server/messaging/aliyun-sms';
import { devOutboxEnabled, recordDevOutbox } from './dev-outbox';

export interface OtpSender {
  readonly name: string;
  /** Deliver `code` to `phone` (E.164). Reject when delivery failed; the caller then withdraws the code. */
  send(phone: string, code: string): Promise<void>;
}

/**
 * Development and demo: the code goes to the /dev/outbox page when enabled, and to the server log
 * only outside production (or with OTP_LOG_CODES=1, which the bench sets to read its codes): a
 * production log never holds a phone number or a code.
 */
export const logOtpSender: OtpSender = {
  name: 'log',
  async send(phone, code) {
    if (process.env.NODE_ENV !== 'production' || process.env.OTP_LOG_CODES === '1') {
      console.info(`[auth] one-time code for ${phone}: ${code} (log sender; set OTP_SENDER for real SMS)`);
    }
    if (devOutboxEnabled()) recordDevOutbox({ phone, code, sentAt: new Date() });
  },
};

const SENDERS: Record<string, (env: Record<string, string | undefined>) => OtpSender> = {
  log: () => logOtpSender,
  /** Aliyun SMS (server/messaging/aliyun-sms.ts); ALIYUN_SMS_* configure it. */
  aliyun: (env) => {
    const cfg = aliyunSmsConfigFromEnv(env);
    if ('missing' in cfg) throw new Error(`[auth] OTP_SENDER=aliyun needs ${cfg.missing.join(', ')}`);
    return aliyunSmsSender(cfg);
  },
};

let warnedLogInProduction = false;

export function getOtpSender(env: Record<string, string | undefined> = process.env): OtpSender {
  const name = env.OTP_SENDER || 'log';
  const make = SENDERS[name];
  if (!make) {
    throw new Error(
      `[auth] OTP_SENDER=${name} is unknown; known senders: ${Object.keys(SENDERS).join(', ')}`,
    );
  }
  if (
    name === 'log' &&
    env.NODE_ENV === 'production' &&
    env.LINLI_DEV_OUTBOX !== '1' &&
    !warnedLogInProduction
  ) {
    warnedLogInProduction = true;
    console.warn('[auth] OTP_SENDER=log in production: sign-in codes reach nobody (set OTP_SENDER).');
  }
  return make(env);
}
