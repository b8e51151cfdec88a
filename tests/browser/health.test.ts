/**
 * Health rounds (issue 14), in phone-sized Chromium against the production server and the demo
 * compound (db/seed/health.ts): a stairwell leader submits the self-test row on a phone in zh-CN
 * and the committee table updates live; a resident of the called building sees 轮到你们楼了 the
 * moment the coordinator calls it; a gate volunteer scans a household out (a photo of its QR) and
 * types it back in. Screenshots: artifacts/screenshots/health/.
 */
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { demoId } from '@/db/seed/random';
import { openPhone, shot, signIn } from './helpers';

const JOURNEY = 'health';
const COMMUNITY = demoId('community:zhonglou');
const TESTING = demoId('health:testing');

type Phone = Awaited<ReturnType<typeof openPhone>>;
let admin: Phone;
let volunteer: Phone;
let resident: Phone;

beforeAll(async () => {
  admin = await openPhone();
  volunteer = await openPhone();
  resident = await openPhone();
  await signIn(admin.page, DEMO_ACCOUNTS.admin.phone, DEMO_ACCOUNTS.admin.code);
  await signIn(volunteer.page, DEMO_ACCOUNTS.volunteer.phone, DEMO_ACCOUNTS.volunteer.code);
  await signIn(resident.page, DEMO_ACCOUNTS.resident.phone, DEMO_ACCOUNTS.resident.code);
});
afterAll(async () => {
  await admin?.close();
  await volunteer?.close();
  await resident?.close();
});

describe('health rounds', () => {
  it('a leader submits the stairwell row on a phone and the committee table updates live', async () => {
    const a = admin.page;
    await a.goto(`/c/${COMMUNITY}/health`);
    await a.getByRole('button', { name: '发起抗原自测' }).click();
    await a.waitForURL(/\/c\/[^/]+\/health\/[0-9a-f-]{36}$/);
    const roundId = a.url().split('/').pop()!;
    await a.getByTestId('submitted-count').filter({ hasText: '0/135' }).waitFor();
    await a.locator('[data-live="live"]').waitFor();
    await shot(a, JOURNEY, '01-board-empty');

    const v = volunteer.page;
    await v.goto(`/v/${COMMUNITY}/health/${roundId}`);
    const form = v.locator('[data-testid="stairwell-form"][data-stairwell="3-2"]');
    await form.waitFor();
    // 实际人数 starts at the roster's count; one person is away, one result was invalid.
    const registered = Number(await form.locator('input[name="actual"]').inputValue());
    expect(registered).toBeGreaterThan(2);
    await form.locator('input[name="actual"]').fill(String(registered - 1));
    await form.locator('input[name="negative"]').fill(String(registered - 2));
    await form.locator('input[name="invalid"]').fill('1');
    await form.getByRole('button', { name: '提交 3-2' }).click();
    await form.getByRole('alert').filter({ hasText: '请写明原因' }).waitFor();
    await form.locator('input[name="reason"]').fill('一人在外地');
    await form.getByRole('button', { name: '提交 3-2' }).click();
    await form.getByRole('status').filter({ hasText: '已提交' }).waitFor();
    await shot(v, JOURNEY, '02-leader-submitted');

    // The committee's phone was not touched: the table moved by itself.
    await a.getByTestId('submitted-count').filter({ hasText: '1/135' }).waitFor({ timeout: 15_000 });
    const row = a.locator('[data-testid="self-test-row"][data-stairwell="3-2"]');
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 5)).toEqual(['3-2', String(registered - 1), String(registered - 2), '0', '1']);
    await expect(a.getByTestId('total-actual').textContent()).resolves.toBe(String(registered - 1));
    await shot(a, JOURNEY, '03-board-live');
  });

  it('a resident of the called building sees 轮到你们楼了', async () => {
    const r = resident.page;
    await r.goto(`/r/${COMMUNITY}/health`);
    await r.getByRole('link', { name: /正在叫号/ }).click();
    await r.waitForURL(`**/r/${COMMUNITY}/health/testing/${TESTING}`);
    await r.getByTestId('my-standing').filter({ hasText: '前面还有' }).waitFor();
    await r.locator('[data-live="live"]').waitFor();
    await shot(r, JOURNEY, '04-resident-waiting');

    const a = admin.page;
    await a.goto(`/c/${COMMUNITY}/health/testing/${TESTING}`);
    await a.getByRole('button', { name: '叫下一栋' }).click();
    await a.getByTestId('now-calling').filter({ hasText: '3 号楼' }).waitFor();

    await r.getByTestId('my-turn').filter({ hasText: '轮到你们楼了' }).waitFor({ timeout: 15_000 });
    await shot(r, JOURNEY, '05-resident-your-turn');
  });

  it('a gate volunteer scans a household out and registers it back in', async () => {
    const r = resident.page;
    await r.goto(`/r/${COMMUNITY}/health`);
    const code = (await r.getByTestId('gate-code').textContent())!.trim();
    expect(code).toMatch(/^[0-9A-Z]{6}$/);
    await shot(r, JOURNEY, '06-resident-gate-code');

    const v = volunteer.page;
    await v.goto(`/v/${COMMUNITY}/health/gate`);
    await v.getByText('出入记录只保存 14 天').waitFor();
    const png = await QRCode.toBuffer(`LLG:${code}`, { width: 360, margin: 4 });
    await v
      .getByTestId('gate-scan-input')
      .setInputFiles({ name: 'card.png', mimeType: 'image/png', buffer: png });
    await expect.poll(() => v.locator('#gate-code').inputValue(), { timeout: 10_000 }).toBe(`LLG:${code}`);
    await v.locator('#gate-temp').fill('36.6');
    await v.getByRole('button', { name: '登记外出' }).click();
    await v.getByTestId('gate-result').filter({ hasText: '3-2-201 已登记外出' }).waitFor();
    await v.locator('[data-testid="out-now"] li[data-household="3-2-201"]').waitFor();
    await shot(v, JOURNEY, '07-gate-out');

    // Back in, by typing the code read out by the resident.
    await v.locator('#gate-code').fill(code.toLowerCase());
    await v.getByRole('button', { name: '登记返回' }).click();
    await v.getByTestId('gate-result').filter({ hasText: '3-2-201 已登记返回' }).waitFor();
    await v.locator('[data-testid="back-in"] li[data-household="3-2-201"]').waitFor();
    await expect(v.locator('[data-testid="out-now"] li[data-household="3-2-201"]').count()).resolves.toBe(0);
    await shot(v, JOURNEY, '08-gate-back-in');
  });
});
