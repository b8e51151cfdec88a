/**
 * Issue 13 item 12, the talk around a relay, as people meet it in zh-CN on phone-sized Chromium:
 * the merchant (团长) posts a notice, confirming first that it reaches every household in the
 * relay; a resident with an order finds it on the relay page and among the notifications; she asks
 * a question, the merchant (who sees her masked) answers it once, and she reads the answer; another
 * resident posts an advert as a question, a coordinator hides it with a reason, and then nobody but
 * coordinators sees it. Runs on its own server (BROWSER_PORT+5, a fresh demo) so the notices and
 * questions it leaves touch no other journey. Screenshots: artifacts/screenshots/relay-talk/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { demoId } from '@/db/seed/random';
import { startServer } from './global-setup';
import { openPhone, shot, signIn } from './helpers';

const JOURNEY = 'relay-talk';
const COMMUNITY = demoId('community:zhonglou');
const MERCHANT = demoId('merchant:admitted');
/** The demo relay the demo resident (张桂英, 3号楼2单元201) has a paid order in. */
const RELAY = demoId('relay:distribution-demo');

const NOTICE = '配送改到明天上午 9 点到小区门口；青菜缺货，换成菠菜，价格不变。';
const QUESTION = '鸡蛋是散装还是盒装？';
const ANSWER = '盒装，每盒 10 个，外面有泡沫网套。';
const ADVERT = '加我微信私聊，更便宜的鸡蛋直接送上门';

type Phone = Awaited<ReturnType<typeof openPhone>>;
let server: Awaited<ReturnType<typeof startServer>>;
let merchant: Phone;
let resident: Phone;
let resident2: Phone;
let coordinator: Phone;

beforeAll(async () => {
  server = await startServer(Number(process.env.BROWSER_PORT ?? 3100) + 5);
  const opts = { baseURL: server.baseURL };
  [merchant, resident, resident2, coordinator] = await Promise.all([
    openPhone(opts),
    openPhone(opts),
    openPhone(opts),
    openPhone(opts),
  ]);
  await signIn(merchant.page, DEMO_ACCOUNTS.merchant.phone, DEMO_ACCOUNTS.merchant.code);
  await signIn(resident.page, DEMO_ACCOUNTS.resident.phone, DEMO_ACCOUNTS.resident.code);
  await signIn(resident2.page, DEMO_ACCOUNTS.resident2.phone, DEMO_ACCOUNTS.resident2.code);
  await signIn(coordinator.page, DEMO_ACCOUNTS.admin.phone, DEMO_ACCOUNTS.admin.code);
}, 300_000);
afterAll(async () => {
  // The server stops even when a phone reports accessibility findings on closing.
  try {
    await Promise.all([merchant?.close(), resident?.close(), resident2?.close(), coordinator?.close()]);
  } finally {
    await server?.stop();
  }
});

const merchantRelay = `/m/${MERCHANT}/relays/${RELAY}`;
const residentRelay = `/r/${COMMUNITY}/relays/${RELAY}`;

describe('12. talk around a relay', () => {
  it('the merchant posts a notice after confirming it goes to every household in the relay', async () => {
    const m = merchant.page;
    await m.goto(merchantRelay);
    const notices = m.getByTestId('relay-notices');
    await notices.getByRole('heading', { name: '团长公告（0）' }).waitFor();
    await notices.getByLabel('公告内容').fill(NOTICE);
    await notices.getByRole('button', { name: '发布公告' }).click();
    // Nothing is sent until the merchant confirms.
    const ask = notices.getByRole('alertdialog');
    await ask.getByText('这条公告会通知这个接龙里的每一户，发出后不能撤回。确定发布吗？').waitFor();
    await shot(m, JOURNEY, '01-merchant-confirms-notice');
    await ask.getByRole('button', { name: '确定发布' }).click();
    const posted = notices.getByRole('status');
    await posted.getByText(/^公告已发布，已通知 \d+ 户。$/).waitFor();
    const households = Number((await posted.textContent())!.match(/已通知 (\d+) 户/)![1]);
    expect(households).toBeGreaterThan(0);
    await notices.getByTestId('relay-notice').getByText(NOTICE).waitFor();
    await notices.getByRole('heading', { name: '团长公告（1）' }).waitFor();
    await shot(m, JOURNEY, '02-merchant-notice-posted');
  });

  it('a resident with an order reads it on the relay page and among the notifications', async () => {
    const r = resident.page;
    await r.goto(residentRelay);
    const notices = r.getByTestId('relay-notices');
    await notices.getByTestId('relay-notice').getByText(NOTICE).waitFor();
    // A changed delivery time is read first: the notices sit above 成团进度 and the order form.
    const noticesTop = (await notices.boundingBox())!.y;
    const progressTop = (await r.getByRole('heading', { name: '成团进度' }).boundingBox())!.y;
    expect(noticesTop).toBeLessThan(progressTop);
    await shot(r, JOURNEY, '03-resident-reads-notice');
    await r.goto('/notifications');
    await r.getByText(/团长公告：配送改到明天上午 9 点到小区门口/).waitFor();
    await shot(r, JOURNEY, '04-resident-notified');
  });

  it('a resident asks, the merchant sees her masked and answers once, she reads the answer', async () => {
    const r = resident.page;
    await r.goto(residentRelay);
    const qa = r.getByTestId('relay-questions');
    await qa.getByText('今天还可以问 5 个问题').waitFor();
    // Too long: the count says so, and the server's refusal reads in her language with the limit.
    await qa.getByLabel('向团长提问').fill('问'.repeat(301));
    await qa.getByText('多了 1 个字，最多 300 字').waitFor();
    await qa.getByRole('button', { name: '提问', exact: true }).click();
    await qa.getByRole('alert').getByText('太长了：最多 300 个字，请删短一些。').waitFor();
    await qa.getByLabel('向团长提问').fill(QUESTION);
    await qa.getByText('还可以写 290 个字（最多 300 字）').waitFor();
    await qa.getByRole('button', { name: '提问', exact: true }).click();
    await qa.getByRole('status').getByText('已提交，团长回答后会通知您。').waitFor();
    const mine = qa.getByTestId('relay-question').filter({ hasText: QUESTION });
    await mine.getByText('我家的提问').waitFor();
    await mine.getByText('团长还没有回答').waitFor();
    await qa.getByText('今天还可以问 4 个问题').waitFor();
    await shot(r, JOURNEY, '05-resident-asked');

    const m = merchant.page;
    await m.goto(merchantRelay);
    const question = m.getByTestId('relay-question').filter({ hasText: QUESTION });
    // The merchant sees where she lives only as far as the privacy rules allow: 2**室 张*.
    await question.getByText('3号楼 2单元 2**室 张*').waitFor();
    expect(await question.textContent()).not.toContain('张桂英');
    await question.getByLabel('回答这个问题').fill(ANSWER);
    await shot(m, JOURNEY, '06-merchant-answers');
    await question.getByRole('button', { name: '回答', exact: true }).click();
    await question.getByTestId('relay-answer').getByText(ANSWER).waitFor();
    // One answer per question: the form is gone once it is answered.
    await expect.poll(() => question.getByTestId('answer-form').count()).toBe(0);

    await r.goto(residentRelay);
    const answered = r.getByTestId('relay-question').filter({ hasText: QUESTION });
    await answered.getByTestId('relay-answer').getByText(ANSWER).waitFor();
    await answered.getByText('团长回答').waitFor();
    await shot(r, JOURNEY, '07-resident-reads-answer');
    await r.goto('/notifications');
    await r.getByText(`团长回答了您的问题“${QUESTION}”`, { exact: false }).waitFor();
  });

  it('a coordinator hides an advert with a reason; residents and the merchant no longer see it', async () => {
    const r2 = resident2.page;
    await r2.goto(residentRelay);
    await r2.getByTestId('relay-questions').getByLabel('向团长提问').fill(ADVERT);
    await r2.getByRole('button', { name: '提问', exact: true }).click();
    await r2.getByTestId('relay-question').filter({ hasText: ADVERT }).waitFor();

    const c = coordinator.page;
    await c.goto(`/c/${COMMUNITY}/relays`);
    await c.getByRole('heading', { name: '接龙与留言' }).waitFor();
    await shot(c, JOURNEY, '08-coordinator-relays');
    await c
      .getByTestId('coordinator-relay')
      .filter({ hasText: '保供套餐 · 3号楼2单元' })
      .getByRole('link')
      .click();
    await c.waitForURL(`**/c/${COMMUNITY}/relays/${RELAY}`);
    const advert = c.getByTestId('relay-question').filter({ hasText: ADVERT });
    // Coordinators see who asked, in full.
    await advert.getByText(/李秀兰/).waitFor();
    await advert.getByRole('button', { name: '隐藏这条' }).first().click();
    const reason = advert.getByLabel('隐藏原因（会记录在案）');
    await reason.fill('广告，与接龙无关');
    await shot(c, JOURNEY, '09-coordinator-gives-reason');
    await advert.getByRole('button', { name: '确定隐藏' }).click();
    await advert
      .getByTestId('hidden-reason')
      .getByText('已隐藏，住户和商家看不到。原因：广告，与接龙无关')
      .waitFor();
    await shot(c, JOURNEY, '10-coordinator-hid');

    await r2.goto(residentRelay);
    await r2.getByTestId('relay-questions').getByText(QUESTION).waitFor();
    expect(await r2.getByTestId('relay-questions').textContent()).not.toContain(ADVERT);
    await shot(r2, JOURNEY, '11-resident-no-longer-sees-it');
    const m = merchant.page;
    await m.goto(merchantRelay);
    await m.getByTestId('relay-questions').getByText(QUESTION).waitFor();
    expect(await m.getByTestId('relay-questions').textContent()).not.toContain(ADVERT);
  });
});
