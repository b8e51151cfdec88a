/**
 * Merchant onboarding (核查准入), end to end on phones: a new person applies as a merchant with two
 * documents (business licence and food permit), a coordinator of 钟楼新村 reviews the documents and
 * asks for the missing vehicle pass, the merchant adds it and resubmits, the coordinator admits
 * them, and the merchant sees "已准入". Screenshots of every step go to artifacts/screenshots/onboarding.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { creditCodeCheckChar } from '@/server/services/merchant/rules';
import { openPhone, shot, signIn } from './helpers';

type Phone = Awaited<ReturnType<typeof openPhone>>;
const J = 'onboarding';
const SHOP = '朱泾农家鲜蔬合作社';
const APPLICANT_PHONE = `+86139${String(Date.now() % 100_000_000).padStart(8, '0')}`;

function isoDaysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A one-page PDF, as a scanner would send it. */
function permitPdf(): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: 'A5', margin: 40 });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.fontSize(20).text('Food Business Permit', { align: 'center' });
    doc.moveDown().fontSize(12).text('No. JY13101160012345');
    doc.text(`Valid until ${isoDaysFromNow(365)}`);
    doc.end();
  });
}

/** A real PNG (a QR code stands in for the photo of a licence). */
const pngOf = (text: string) => QRCode.toBuffer(text, { width: 360, margin: 2 });

async function waitSaved(page: Page, name: string) {
  const field = page.locator('.ob-field', { has: page.locator(`input[name="${name}"]`) });
  await field.locator('.ob-saved', { hasText: '已保存' }).waitFor({ timeout: 15_000 });
}

async function fillAndSave(page: Page, name: string, value: string) {
  const input = page.locator(`input[name="${name}"]`);
  await input.fill(value);
  await input.press('Tab');
  await waitSaved(page, name);
}

async function next(page: Page, step: string) {
  await page.locator('button[data-action="next"]').click();
  await page.waitForURL((u) => u.searchParams.get('step') === step);
}

describe('merchant onboarding journey', () => {
  let merchant: Phone;
  let coordinator: Phone;
  let resident: Phone;
  let merchantId = '';
  let communityId = '';
  let admissionUrl = '';

  beforeAll(async () => {
    merchant = await openPhone();
    coordinator = await openPhone();
    resident = await openPhone();
  });
  afterAll(async () => {
    await Promise.all([merchant?.close(), coordinator?.close(), resident?.close()]);
  });

  it('a new person applies with a business licence and a food permit', async () => {
    const page = merchant.page;
    page.on('dialog', (d) => void d.accept());
    await signIn(page, APPLICANT_PHONE, undefined, { callbackUrl: '/m/apply' });
    await page.waitForURL((u) => u.pathname === '/m/apply');
    await shot(page, J, '01-apply-start');
    await page.locator('button[data-action="start-application"]').click();
    await page.waitForURL((u) => u.searchParams.get('step') === 'basic');
    merchantId = new URL(page.url()).searchParams.get('merchantId')!;

    // Basics, saved field by field; a mistyped credit code is caught next to the field.
    await fillAndSave(page, 'displayName', SHOP);
    await fillAndSave(page, 'legalName', '上海市金山区朱泾农家鲜蔬专业合作社');
    await page.locator('button[data-kind="farm_coop"]').click();
    await page.locator('button[data-kind="farm_coop"][aria-pressed="true"]').waitFor();
    const body = '93310116MA1JXX1W0';
    const valid = body + creditCodeCheckChar(body)!;
    const wrong = body + (valid.endsWith('1') ? '2' : '1');
    await page.locator('input[name="creditCode"]').fill(wrong);
    await page.locator('input[name="creditCode"]').press('Tab');
    const codeError = page.locator('[data-error-for="creditCode"]');
    await codeError.waitFor();
    expect(await codeError.textContent()).toContain('校验位');
    await shot(page, J, '02-credit-code-check-digit');
    await fillAndSave(page, 'creditCode', valid);
    expect(await codeError.count()).toBe(0);

    await next(page, 'contact');
    await fillAndSave(page, 'contactName', '陆建华');
    await fillAndSave(page, 'contactPhone', '139 1234 5678');
    expect(await page.locator('input[name="contactPhone"]').inputValue()).toBe('+8613912345678');

    await next(page, 'permit');
    await fillAndSave(page, 'foodPermitNo', 'JY13101160012345');
    await fillAndSave(page, 'foodPermitExpiresOn', isoDaysFromNow(365));
    await page
      .locator('[data-upload="documents.food_permit"] input[type="file"]')
      .setInputFiles({ name: '食品经营许可证.pdf', mimeType: 'application/pdf', buffer: await permitPdf() });
    await page.locator('[data-documents="food_permit"] .ob-doc', { hasText: '食品经营许可证.pdf' }).waitFor();
    await shot(page, J, '03-permit-uploaded');

    await next(page, 'vehicle');
    await fillAndSave(page, 'vehiclePlate', '沪AD12345');
    await fillAndSave(page, 'driverName', '陆小弟');
    await fillAndSave(page, 'driverPhone', '13912340000');

    await next(page, 'licence');
    await page.locator('[data-upload="documents.business_licence"] input[type="file"]').setInputFiles({
      name: '营业执照.png',
      mimeType: 'image/png',
      buffer: await pngOf('营业执照 93310116MA1JXX1W'),
    });
    await page.locator('[data-documents="business_licence"] .ob-doc', { hasText: '营业执照.png' }).waitFor();
    // A disguised file is refused on the spot, saying what it really is.
    await page.locator('[data-upload="documents.other"] input[type="file"]').setInputFiles({
      name: '证明.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('MZ\x90\x00this is a program', 'latin1'),
    });
    const disguised = page.locator('[data-error-for="documents.other"]');
    await disguised.waitFor();
    expect(await disguised.textContent()).toContain('Windows 程序');
    await shot(page, J, '04-licence-and-refused-exe');

    await next(page, 'health');
    await page.locator('input[name="personName"]').fill('陆小弟');
    await page.locator('button[data-action="add-attestation"]').click();
    await page.locator('[data-attestation="陆小弟"]').waitFor();

    await next(page, 'communities');
    await page.locator('[data-community="钟楼新村"] input[type="checkbox"]').check();
    await page.locator('button[data-action="apply-communities"]').click();
    await page.locator('[data-community="钟楼新村"] [data-status="draft"]').waitFor();

    await next(page, 'review');
    await page.locator('button[data-action="submit-application"]:not([disabled])').waitFor();
    await shot(page, J, '05-review-before-submit');
    await page.locator('button[data-action="submit-application"]').click();
    await page.waitForURL((u) => u.pathname === `/m/${merchantId}`);
    await page.locator('[data-admission="钟楼新村"][data-status="submitted"]').waitFor();
    await shot(page, J, '06-submitted');
  });

  it('the coordinator reviews the documents inline and asks for the vehicle pass', async () => {
    const page = coordinator.page;
    page.on('dialog', (d) => void d.accept());
    await signIn(page, DEMO_ACCOUNTS.admin.phone, DEMO_ACCOUNTS.admin.code, { callbackUrl: '/?choose=1' });
    await page.locator('a[data-area="coordinator"]').first().click();
    await page.waitForURL((u) => /^\/c\/[0-9a-f-]{36}$/.test(u.pathname));
    communityId = new URL(page.url()).pathname.split('/')[2]!;
    await page.goto(`/c/${communityId}/admissions`);
    const row = page.locator(`a[data-admission="${SHOP}"]`);
    await row.waitFor();
    await shot(page, J, '07-review-queue');
    await row.click();
    await page.waitForURL((u) => u.pathname.startsWith(`/c/${communityId}/admissions/`));
    admissionUrl = new URL(page.url()).pathname;

    // Documents inline: the licence as an image, the permit as a PDF.
    const img = page.locator('[data-document="business_licence"] img');
    await img.waitFor();
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction(
      () => {
        const el = document.querySelector<HTMLImageElement>('[data-document="business_licence"] img');
        return !!el && el.complete && el.naturalWidth > 0;
      },
      undefined,
      { timeout: 15_000 },
    );
    await page
      .locator('[data-document="food_permit"] object[type="application/pdf"]')
      .waitFor({ state: 'attached' });
    expect(await page.locator('[data-check="vehiclePass"]').getAttribute('data-ok')).toBe('false');
    expect(await page.locator('[data-check="licence"]').getAttribute('data-ok')).toBe('true');
    await shot(page, J, '08-review-detail');

    // The files themselves: the sniffed type, nosniff; a resident of the same compound gets nothing.
    const src = (await img.getAttribute('src'))!;
    const res = await coordinator.context.request.get(src);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('image/png');
    expect(res.headers()['x-content-type-options']).toBe('nosniff');
    await signIn(resident.page, DEMO_ACCOUNTS.resident.phone, DEMO_ACCOUNTS.resident.code);
    expect((await resident.context.request.get(src)).status()).toBe(404);

    await page.locator('button[data-decision="requestChanges"]').click();
    await page.locator('[data-request-field="documents.vehicle_pass"] input[type="checkbox"]').check();
    await page
      .locator('[data-request-field="documents.vehicle_pass"] textarea')
      .fill('请上传区里发的车辆通行证，并填写有效期');
    await shot(page, J, '09-request-changes');
    await page.locator('button[data-action="send-change-request"]').click();
    await page.locator('[data-done="requestChanges"]').waitFor();
    await shot(page, J, '10-changes-requested');
  });

  it('the merchant sees what to change, adds the vehicle pass and resubmits', async () => {
    const page = merchant.page;
    await page.goto(`/m/${merchantId}`);
    const request = page.locator(
      '[data-admission="钟楼新村"][data-status="changes_requested"] [data-request="documents.vehicle_pass"]',
    );
    await request.waitFor();
    expect(await request.textContent()).toContain('车辆通行证');
    await shot(page, J, '11-merchant-sees-request');
    await request.locator('a').click();
    await page.waitForURL((u) => u.searchParams.get('step') === 'vehicle');
    await page.locator('[data-asked="documents.vehicle_pass"]').waitFor();
    await fillAndSave(page, 'vehiclePassExpiresOn', isoDaysFromNow(180));
    await page.locator('[data-upload="documents.vehicle_pass"] input[type="file"]').setInputFiles({
      name: '车辆通行证.png',
      mimeType: 'image/png',
      buffer: await pngOf('车辆通行证 沪AD12345'),
    });
    await page.locator('[data-documents="vehicle_pass"] .ob-doc', { hasText: '车辆通行证.png' }).waitFor();
    await shot(page, J, '12-vehicle-pass-added');
    await page.goto(`/m/apply?merchantId=${merchantId}&step=review`);
    await page.locator('button[data-action="submit-application"]:not([disabled])').click();
    await page.waitForURL((u) => u.pathname === `/m/${merchantId}`);
    await page.locator('[data-admission="钟楼新村"][data-status="submitted"]').waitFor();
  });

  it('the coordinator admits the merchant, and the merchant sees "已准入"', async () => {
    const page = coordinator.page;
    await page.goto(admissionUrl);
    await page.locator('[data-changed]').waitFor();
    expect(await page.locator('[data-check="vehiclePass"]').getAttribute('data-ok')).toBe('true');
    await page.locator('[data-document="vehicle_pass"] img').waitFor();
    await page.locator('button[data-decision="approve"]').click();
    await page.locator('[data-done="approve"]').waitFor();
    await shot(page, J, '13-approved');

    const m = merchant.page;
    await m.goto(`/m/${merchantId}`);
    const admitted = m.locator('[data-admission="钟楼新村"][data-status="approved"]');
    await admitted.waitFor();
    expect(await admitted.textContent()).toContain('已准入');
    await shot(m, J, '14-merchant-admitted');
    // and the notification says so
    await m.goto('/notifications');
    await m.locator('text=已批准').first().waitFor();
    await shot(m, J, '15-notification');

    // The same pages read in English, with no untranslated keys.
    for (const p of [merchant, coordinator]) {
      await p.context.addCookies([{ name: 'NEXT_LOCALE', value: 'en', url: p.page.url() }]);
    }
    await m.goto(`/m/${merchantId}`);
    await m.locator('[data-admission="钟楼新村"][data-status="approved"]', { hasText: 'Admitted' }).waitFor();
    expect(await m.locator('main').innerText()).not.toMatch(/merchant\.[a-z]/);
    await shot(m, J, '16-merchant-admitted-en');
    await page.goto(admissionUrl);
    await page.locator('[data-check="vehiclePass"]').waitFor();
    expect(await page.locator('main').innerText()).not.toMatch(/merchant\.[a-z]/);
    await shot(page, J, '17-review-detail-en');
  });

  it('over HTTP, the real server takes a 10 MB photo and refuses a 30 MB one with 413', async () => {
    const post = (bytes: Buffer) =>
      merchant.context.request.post('/api/merchant/documents', {
        multipart: {
          merchantId,
          kind: 'other',
          file: { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: bytes },
        },
      });
    const jpeg = (size: number) => {
      const b = Buffer.alloc(size);
      b.set([0xff, 0xd8, 0xff, 0xe0]);
      return b;
    };
    const ok = await post(jpeg(10 * 1024 * 1024));
    expect(ok.status()).toBe(201);
    const big = await post(jpeg(30 * 1024 * 1024));
    expect(big.status()).toBe(413);
    expect(((await big.json()) as { error: { code: string; field: string } }).error).toMatchObject({
      code: 'FILE_TOO_LARGE',
    });
  });

  it('the admitted merchant builds its catalog: yuan typed, exact fen shown, a photo added', async () => {
    const page = merchant.page;
    await page.goto(`/m/${merchantId}/catalog`);
    await page.locator('button[data-action="add-product"]').click();
    const form = page.locator('form[data-form="product"]');
    await form.locator('input[name="name"]').fill('东北大米');
    await form.locator('input[name="spec"]').fill('5kg/袋');
    await form.locator('input[name="unit"]').fill('袋');
    await form.locator('input[name="price"]').fill('39.999');
    await form.locator('input[name="category"]').fill('粮油');
    await form.locator('button[data-action="save-product"]').click();
    await form.locator('[role="alert"]').waitFor(); // three decimals: refused on the field, nothing saved
    await form.locator('input[name="price"]').fill('39.9');
    await form.locator('button[data-action="save-product"]').click();
    // Saved; the form stays open on the new product so its photo can be added.
    await page.locator('form[data-form="product"] [data-upload="photo"]').waitFor();
    await page
      .locator('[data-upload="photo"] input[type="file"]')
      .setInputFiles({ name: 'rice.png', mimeType: 'image/png', buffer: await pngOf('东北大米 5kg') });
    await page.locator('form[data-form="product"] button[data-action="save-product"]').click();
    const row = page.locator('[data-product="东北大米"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('¥39.90');
    await row.locator('img').waitFor();
    await shot(page, J, '18-catalog');
  });
});
