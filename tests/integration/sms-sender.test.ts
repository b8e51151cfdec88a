/**
 * The Aliyun SMS adapter (issue 10 item 7), through the official SDK against a local HTTP endpoint
 * standing in for dysmsapi.aliyuncs.com: the request the SDK makes (action SendSms, phone number,
 * sign name, template code, the template parameter JSON carrying the code, a signature), Aliyun's
 * refusal surfacing as an error, the sender chosen by OTP_SENDER, and the throttled notices.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getOtpSender } from '@/server/auth/otp-sender';
import { aliyunSmsSender, SmsDeliveryError } from '@/server/messaging/aliyun-sms';
import { smsNotices } from '@/server/messaging/sms-notices';

type Seen = { method: string; path: string; params: URLSearchParams; headers: http.IncomingHttpHeaders };
let server: http.Server;
let endpoint: string;
const seen: Seen[] = [];
let answer: { Code: string; Message: string } = { Code: 'OK', Message: 'OK' };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://sms.test');
      const params = new URLSearchParams(url.search);
      for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params.set(k, v);
      seen.push({ method: req.method ?? '', path: url.pathname, params, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ...answer,
          RequestId: 'F655A8D5-B967-440B-8683-DAD6FF8DE990',
          BizId: '9006197469364984^0',
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const config = () => ({
  accessKeyId: 'LTAI5tTestKeyId',
  accessKeySecret: 'test-secret',
  signName: '邻里',
  templateCode: 'SMS_123456789',
  endpoint,
  protocol: 'http' as const,
});

describe('Aliyun SendSms through the official SDK', () => {
  it('sends the code: action, phone, sign name, template code, template parameter JSON, signature', async () => {
    seen.length = 0;
    await aliyunSmsSender(config()).send('+8613800138000', '482913');
    expect(seen).toHaveLength(1);
    const { params, headers } = seen[0]!;
    // RPC style (query/form) or ROA style (headers): the SDK version decides where the action goes.
    const action = params.get('Action') ?? headers['x-acs-action'];
    expect(action).toBe('SendSms');
    expect(params.get('PhoneNumbers')).toBe('13800138000');
    expect(params.get('SignName')).toBe('邻里');
    expect(params.get('TemplateCode')).toBe('SMS_123456789');
    expect(JSON.parse(params.get('TemplateParam')!)).toEqual({ code: '482913' });
    const signature = params.get('Signature') ?? String(headers.authorization ?? '');
    expect(signature.length).toBeGreaterThan(10);
    expect(signature).not.toContain('test-secret');
    // The key id travels with the request; the secret never does.
    const raw = JSON.stringify([...params.entries()]) + JSON.stringify(headers);
    expect(raw).toContain('LTAI5tTestKeyId');
    expect(raw).not.toContain('test-secret');
  });

  it('an international number keeps its country code', async () => {
    seen.length = 0;
    await aliyunSmsSender(config()).send('+85261234567', '111111');
    expect(seen[0]!.params.get('PhoneNumbers')).toBe('85261234567');
  });

  it("Aliyun's refusal (e.g. its per-number limit) rejects, so the code is withdrawn", async () => {
    answer = { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发小时级流控Permits:5' };
    try {
      await expect(aliyunSmsSender(config()).send('+8613800138000', '000000')).rejects.toBeInstanceOf(
        SmsDeliveryError,
      );
    } finally {
      answer = { Code: 'OK', Message: 'OK' };
    }
  });

  it('OTP_SENDER=aliyun picks it (configured from the environment); missing settings are named', () => {
    const env = {
      OTP_SENDER: 'aliyun',
      ALIYUN_SMS_ACCESS_KEY_ID: 'id',
      ALIYUN_SMS_ACCESS_KEY_SECRET: 'secret',
      ALIYUN_SMS_SIGN_NAME: '邻里',
      ALIYUN_SMS_TEMPLATE_CODE: 'SMS_1',
    };
    expect(getOtpSender(env).name).toBe('aliyun');
    expect(() => getOtpSender({ OTP_SENDER: 'aliyun', ALIYUN_SMS_ACCESS_KEY_ID: 'id' })).toThrow(
      /ALIYUN_SMS_ACCESS_KEY_SECRET.*ALIYUN_SMS_SIGN_NAME.*ALIYUN_SMS_TEMPLATE_CODE/,
    );
  });
});

describe('notices for a phone-less household’s contact, throttled', () => {
  it('sends each notice once, at most 3 per phone per hour, through the same SDK request', async () => {
    seen.length = 0;
    let t = Date.parse('2026-12-04T08:00:00Z');
    const notices = smsNotices({
      sender: aliyunSmsSender(config()),
      templates: { 'order.placed_on_behalf': 'SMS_PLACED', 'order.delivered': 'SMS_DELIVERED' },
      now: () => t,
    });
    const phone = '+8613900139000';
    expect(await notices.notify(phone, 'order.placed_on_behalf', 'o1', { seq: '12' })).toBe('sent');
    expect(await notices.notify(phone, 'order.placed_on_behalf', 'o1', { seq: '12' })).toBe('duplicate');
    expect(await notices.notify(phone, 'order.delivered', 'o1', { seq: '12' })).toBe('sent');
    expect(await notices.notify(phone, 'order.placed_on_behalf', 'o2', { seq: '13' })).toBe('sent');
    expect(await notices.notify(phone, 'order.placed_on_behalf', 'o3', { seq: '14' })).toBe('throttled');
    expect(await notices.notify('+8613700137000', 'order.delivered', 'o9', { seq: '1' })).toBe('sent');
    expect(await notices.notify(phone, 'order.refunded', 'o1', { amount: '¥5.00' })).toBe('no_template');
    expect(seen.map((s) => [s.params.get('PhoneNumbers'), s.params.get('TemplateCode')])).toEqual([
      ['13900139000', 'SMS_PLACED'],
      ['13900139000', 'SMS_DELIVERED'],
      ['13900139000', 'SMS_PLACED'],
      ['13700137000', 'SMS_DELIVERED'],
    ]);
    expect(JSON.parse(seen[0]!.params.get('TemplateParam')!)).toEqual({ seq: '12' });
    // An hour later the phone may be told again.
    t += 3_600_001;
    expect(await notices.notify(phone, 'order.placed_on_behalf', 'o3', { seq: '14' })).toBe('sent');
  });

  it('a failed notice is reported, not thrown, and may be retried', async () => {
    answer = { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: 'bad number' };
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const notices = smsNotices({
      sender: aliyunSmsSender(config()),
      templates: { 'order.refunded': 'SMS_R' },
    });
    try {
      expect(await notices.notify('+8610000000000', 'order.refunded', 'o1', {})).toBe('failed');
      answer = { Code: 'OK', Message: 'OK' };
      expect(await notices.notify('+8610000000000', 'order.refunded', 'o1', {})).toBe('sent');
    } finally {
      quiet.mockRestore();
      answer = { Code: 'OK', Message: 'OK' };
    }
  });
});
