/**
 * 不漏一户、不落一人 (issue 15), in phone-sized Chromium in zh-CN against the production server and
 * the demo compound (db/seed/care.ts): the leader of stairwell 3-2 posts a notice asking for a
 * reply, a resident confirms, and the leader sees who is left (care households first) and marks one
 * informed in person; a resident signs up to volunteer, a coordinator accepts her into the gate
 * role, and she claims a gate slot; the leader records a need for the phone-less care household
 * 3-2-101, and the new volunteer claims it, delivers it with the amount advanced and records the
 * cash. Screenshots: artifacts/screenshots/care/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { demoId } from '@/db/seed/random';
import { openPhone, shot, signIn } from './helpers';

const JOURNEY = 'care';
const COMMUNITY = demoId('community:zhonglou');
const NOTICE = '明天上午9点楼道消杀';

type Phone = Awaited<ReturnType<typeof openPhone>>;
let leader: Phone;
let resident: Phone;
let admin: Phone;
let newcomer: Phone;

beforeAll(async () => {
  [leader, resident, admin, newcomer] = await Promise.all([
    openPhone(),
    openPhone(),
    openPhone(),
    openPhone(),
  ]);
  await signIn(leader.page, DEMO_ACCOUNTS.volunteer.phone, DEMO_ACCOUNTS.volunteer.code);
  await signIn(resident.page, DEMO_ACCOUNTS.resident.phone, DEMO_ACCOUNTS.resident.code);
  await signIn(admin.page, DEMO_ACCOUNTS.admin.phone, DEMO_ACCOUNTS.admin.code);
  await signIn(newcomer.page, DEMO_ACCOUNTS.resident2.phone, DEMO_ACCOUNTS.resident2.code);
});
afterAll(async () => {
  await Promise.all([leader?.close(), resident?.close(), admin?.close(), newcomer?.close()]);
});

describe('care team', () => {
  it('the leader posts to stairwell 3-2, a resident confirms, the leader sees who is left', async () => {
    const l = leader.page;
    await l.goto(`/v/${COMMUNITY}/notices`);
    const form = l.locator('form[aria-labelledby="notice-post"]');
    await expect(form.getByRole('checkbox', { name: '3-2 楼道' }).isChecked()).resolves.toBe(true);
    await form.getByLabel('标题').fill(NOTICE);
    await form.getByLabel('内容').fill('请关好门窗，消杀后通风半小时。');
    await form.getByRole('checkbox', { name: '请居民回复“收到”' }).check();
    await shot(l, JOURNEY, '01-leader-writes');
    await form.getByRole('button', { name: '发送通知' }).click();
    const posted = await form.getByRole('status').filter({ hasText: '已发送给' }).textContent();
    const households = Number(/已发送给 (\d+) 户/.exec(posted ?? '')![1]);
    expect(households).toBeGreaterThan(5);

    const r = resident.page;
    await r.goto(`/r/${COMMUNITY}`);
    await r.getByRole('button', { name: `未读 · ${NOTICE}` }).click();
    await r.getByRole('button', { name: '收到，确认' }).click();
    await r.getByText('已确认收到').waitFor();
    await shot(r, JOURNEY, '02-resident-confirms');

    await l.reload();
    await l.getByRole('button', { name: NOTICE }).click();
    const left = l.getByTestId('who-is-left');
    await left
      .getByRole('status')
      .filter({ hasText: `还有 ${households - 1} 户未读或未确认` })
      .waitFor();
    // The resident's household is no longer outstanding; the outstanding ones are listed first,
    // care households first among them (3-2-101 has no smartphone).
    const rows = left.locator('li[data-outstanding]');
    const states = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-outstanding')));
    expect(states.indexOf('no')).toBe(households - 1);
    await expect(rows.first().locator('.care-tag').textContent()).resolves.toBe('关爱户');
    await shot(l, JOURNEY, '03-leader-sees-who-is-left');
    await left.getByRole('button', { name: '101 已当面告知' }).click();
    await left
      .getByRole('status')
      .filter({ hasText: `还有 ${households - 2} 户未读或未确认` })
      .waitFor();
    await shot(l, JOURNEY, '04-informed-in-person');
  });

  it('a resident signs up to volunteer, a coordinator accepts her, she claims a gate slot', async () => {
    const n = newcomer.page;
    await n.goto(`/r/${COMMUNITY}`);
    const offer = n.locator('section[data-section="volunteer-offer"]');
    await offer.getByLabel('我会什么').fill('会开车，能搬东西');
    await offer.getByLabel('什么时候有空').fill('每天上午');
    await offer.getByRole('button', { name: '报名' }).click();
    await offer.getByText('报名已提交，等待协调员安排').waitFor();
    await shot(n, JOURNEY, '05-resident-signs-up');

    const a = admin.page;
    await a.goto(`/c/${COMMUNITY}/volunteers`);
    const card = a.locator(`li[data-name="${DEMO_ACCOUNTS.resident2.name}"]`);
    await card.getByRole('checkbox', { name: '门岗' }).check();
    await shot(a, JOURNEY, '06-coordinator-accepts');
    await card.getByRole('button', { name: `接受 ${DEMO_ACCOUNTS.resident2.name}` }).click();
    await card.waitFor({ state: 'detached' });
    await a.getByTestId('week-counts').waitFor();

    await n.goto(`/v/${COMMUNITY}/tasks`);
    const gate = n.locator('li[data-role="gate"]').filter({ hasText: '南门值守' }).first();
    await gate.getByRole('button', { name: '认领 南门值守' }).click();
    await gate.getByRole('button', { name: '签到' }).waitFor();
    await expect(gate.getByRole('status').textContent()).resolves.toBe('已认领');
    // A testing-site slot needs a role she was not given.
    await n.locator('li[data-role="testing"]').first().getByText('需要“核酸点”岗位，请联系协调员').waitFor();
    await shot(n, JOURNEY, '07-volunteer-claims-gate-slot');
  });

  it('a volunteer records a need for a care household, another volunteer claims and delivers it', async () => {
    const l = leader.page;
    await l.goto(`/v/${COMMUNITY}/needs`);
    const care = l.locator('section[data-section="checkins"] li[data-place="3-2-101"]');
    await care.getByRole('button', { name: '已电话，不需要' }).click();
    await care.getByText(/上次：/).waitFor();
    await care.getByRole('button', { name: '登记需求' }).click();
    const form = l.locator('#record-need');
    await form.getByLabel('需要什么').selectOption('medicine');
    await form.getByRole('checkbox', { name: '紧急' }).check();
    await form.getByLabel('备注（药名、数量等）').fill('阿司匹林肠溶片 一盒');
    await form.getByRole('button', { name: '保存需求' }).click();
    await form.getByRole('status').filter({ hasText: '需求已登记' }).waitFor();
    await shot(l, JOURNEY, '08-leader-records-need');

    const n = newcomer.page;
    await n.goto(`/v/${COMMUNITY}/needs`);
    const need = n.locator('li[data-need]').filter({ hasText: '阿司匹林肠溶片 一盒' });
    await need.getByRole('button', { name: '我来认领' }).click();
    await need.getByRole('button', { name: '已买到' }).click();
    const deliver = need.getByRole('form', { name: '送到 3-2-101' });
    await deliver.getByLabel('垫付金额（元，没有垫付填 0）').fill('23.5');
    await shot(n, JOURNEY, '09-volunteer-delivers');
    await deliver.getByRole('button', { name: '已送到' }).click();
    await need.getByRole('button', { name: '已收现金 ¥23.50' }).click();
    await need.waitFor({ state: 'detached' });

    // The coordinator's list no longer has it; the leader's check-in list shows the need recorded.
    await admin.page.goto(`/c/${COMMUNITY}/needs`);
    await admin.page.locator('section[data-section="needs"] li[data-need]').first().waitFor();
    await expect(
      admin.page.locator('li[data-need]').filter({ hasText: '阿司匹林肠溶片 一盒' }).count(),
    ).resolves.toBe(0);
    // (No full-page shot here: with the flagged care households the page is long, and on a loaded
    // machine Chromium's full-page capture of it outlasts the 30 s timeout.)
  });
});
