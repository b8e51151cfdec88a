/**
 * Aliyun SMS (阿里云短信服务, Dysmsapi `SendSms`) through its official SDK
 * (`@alicloud/dysmsapi20170525` on `@alicloud/openapi-client`). One adapter for both one-time codes
 * (it implements `OtpSender`) and notices (`sendTemplate`).
 *
 * Configuration (environment, read by `aliyunSmsConfigFromEnv`):
 *   ALIYUN_SMS_ACCESS_KEY_ID, ALIYUN_SMS_ACCESS_KEY_SECRET   a RAM user's key with SMS permission
 *   ALIYUN_SMS_SIGN_NAME                                     the approved signature (签名), e.g. 邻里
 *   ALIYUN_SMS_TEMPLATE_CODE                                 the code template, e.g. SMS_123456789,
 *                                                            whose text uses ${code}
 *   ALIYUN_SMS_ENDPOINT    optional, default dysmsapi.aliyuncs.com (host[:port])
 *   ALIYUN_SMS_PROTOCOL    optional, https (default) or http (tests point it at a local server)
 *
 * Note: npm does not run @alicloud/openapi-core's postinstall (`select-version`) here; it only
 * installs an old TypeScript for Node 10/12 and exits at once on Node 20, so the SDK needs nothing
 * from it (tests/integration/sms-sender.test.ts sends a real request through the SDK).
 */
import Dysmsapi, { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { Config } from '@alicloud/openapi-client';
import type { OtpSender } from '@/server/auth/otp-sender';

export type AliyunSmsConfig = {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  templateCode: string;
  endpoint?: string;
  protocol?: 'https' | 'http';
};

export const ALIYUN_SMS_REQUIRED = [
  'ALIYUN_SMS_ACCESS_KEY_ID',
  'ALIYUN_SMS_ACCESS_KEY_SECRET',
  'ALIYUN_SMS_SIGN_NAME',
  'ALIYUN_SMS_TEMPLATE_CODE',
] as const;

/** The configuration from the environment, or the list of variables that are missing. */
export function aliyunSmsConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
): AliyunSmsConfig | { missing: string[] } {
  const missing = ALIYUN_SMS_REQUIRED.filter((k) => !env[k]);
  if (missing.length) return { missing };
  return {
    accessKeyId: env.ALIYUN_SMS_ACCESS_KEY_ID!,
    accessKeySecret: env.ALIYUN_SMS_ACCESS_KEY_SECRET!,
    signName: env.ALIYUN_SMS_SIGN_NAME!,
    templateCode: env.ALIYUN_SMS_TEMPLATE_CODE!,
    endpoint: env.ALIYUN_SMS_ENDPOINT || undefined,
    protocol: env.ALIYUN_SMS_PROTOCOL === 'http' ? 'http' : 'https',
  };
}

/** Aliyun wants mainland numbers without +86, other countries as country code + number. */
export function aliyunPhoneNumber(e164: string): string {
  const digits = e164.replace(/^\+/, '');
  return digits.startsWith('86') && digits.length === 13 ? digits.slice(2) : digits;
}

export class SmsDeliveryError extends Error {
  constructor(
    readonly providerCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'SmsDeliveryError';
  }
}

export type AliyunSmsSender = OtpSender & {
  /** Sends `templateCode` with its parameters (a notice). Rejects when Aliyun refuses it. */
  sendTemplate(phone: string, templateCode: string, params: Record<string, string>): Promise<void>;
};

export function aliyunSmsSender(cfg: AliyunSmsConfig): AliyunSmsSender {
  const client = new Dysmsapi(
    new Config({
      accessKeyId: cfg.accessKeyId,
      accessKeySecret: cfg.accessKeySecret,
      endpoint: cfg.endpoint ?? 'dysmsapi.aliyuncs.com',
      protocol: cfg.protocol ?? 'https',
      readTimeout: 10_000,
      connectTimeout: 5_000,
    }),
  );
  const sendTemplate = async (phone: string, templateCode: string, params: Record<string, string>) => {
    const res = await client.sendSms(
      new SendSmsRequest({
        phoneNumbers: aliyunPhoneNumber(phone),
        signName: cfg.signName,
        templateCode,
        templateParam: JSON.stringify(params),
      }),
    );
    const code = res.body?.code ?? 'NO_BODY';
    if (code !== 'OK') {
      // e.g. isv.BUSINESS_LIMIT_CONTROL (Aliyun's own per-number limit), isv.MOBILE_NUMBER_ILLEGAL
      throw new SmsDeliveryError(code, `Aliyun SMS refused the message: ${code} ${res.body?.message ?? ''}`);
    }
  };
  return {
    name: 'aliyun',
    send: (phone, code) => sendTemplate(phone, cfg.templateCode, { code }),
    sendTemplate,
  };
}
