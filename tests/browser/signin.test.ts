import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { openPhone, readOutboxCode, shot, signIn } from './helpers';

type Phone = Awaited<ReturnType<typeof openPhone>>;
type SessionBody = { user?: { id: string; name: string; phone: string | null } };

async function session(p: Phone): Promise<SessionBody> {
  const res = await p.context.request.get('/api/auth/session');
  return (await res.json()) as SessionBody;
}

describe('sign-in with a phone number and a one-time code', () => {
  let phone: Phone;
  beforeAll(async () => {
    phone = await openPhone();
  });
  afterAll(async () => {
    await phone.close();
  });

  it('the demo resident signs in with her fixed code and is signed in', async () => {
    const { page } = phone;
    const resident = DEMO_ACCOUNTS.resident;
    await page.goto('/signin');
    await shot(page, 'signin', '01-phone');
    await signIn(page, resident.phone, resident.code);
    // With one role only, the home page takes her straight to her resident home.
    await page.waitForURL((u) => u.pathname.startsWith('/r/'));
    const s = await session(phone);
    expect(s.user?.phone).toBe(resident.phone);
    // The demo seed put her on the roster: she signs in as herself, not as a new person.
    expect(s.user?.name).toBe(resident.name);
    await shot(page, 'signin', '03-signed-in');
    // The API sees her too: tRPC's context reads the same session cookie.
    const trpc = (await (await phone.context.request.get('/api/trpc/auth.session')).json()) as {
      result: { data: { json: { id: string; phone: string } | null } };
    };
    expect(trpc.result.data.json).toMatchObject({ id: s.user!.id, phone: resident.phone });

    // Signed in, /signin sends her on instead of asking again.
    await page.goto('/signin?callbackUrl=%2Fnotifications%3Fsignedin%3D1');
    await page.waitForURL((u) => u.pathname === '/notifications' && u.searchParams.get('signedin') === '1');
  });

  it('signing out ends the session', async () => {
    // next-auth's own sign-out endpoint (what SignOutButton calls).
    const { context } = phone;
    const csrf = (await (await context.request.get('/api/auth/csrf')).json()) as { csrfToken: string };
    await context.request.post('/api/auth/signout', { form: { csrfToken: csrf.csrfToken, json: 'true' } });
    expect((await session(phone)).user).toBeUndefined();
  });
});

describe('mistakes a person can recover from', () => {
  let phone: Phone;
  beforeAll(async () => {
    phone = await openPhone();
  });
  afterAll(async () => {
    await phone.close();
  });

  it('a wrong code says so and how many tries are left; the right one then works', async () => {
    const { page } = phone;
    const volunteer = DEMO_ACCOUNTS.volunteer;
    await page.goto('/signin?callbackUrl=%2F%3Ffrom%3Dsignin');
    await page.locator('input[name="phone"]').fill(volunteer.phone.replace('+86', ''));
    await page.locator('button[data-action="request-code"]').click();
    await expect
      .poll(() => page.locator('[data-testid="code-sent"]').textContent())
      .toContain('+86 138 0000 0003');
    await page.locator('input[name="code"]').fill('000000');
    await page.locator('form button[type="submit"]').click();
    const alert = page.locator('#signin-error');
    await expect.poll(() => alert.textContent()).toContain('验证码不正确，还可以再试 4 次');
    expect(await page.locator('input[name="code"]').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'signin', '02-wrong-code');

    await page.locator('input[name="code"]').fill(volunteer.code);
    await page.locator('form button[type="submit"]').click();
    await page.waitForURL((u) => u.searchParams.get('from') === 'signin');
    expect((await session(phone)).user?.phone).toBe(volunteer.phone);
  });

  it('a malformed number is refused on the spot, in English too', async () => {
    const en = await openPhone();
    try {
      const { page } = en;
      await page.goto('/signin');
      await page.getByRole('button', { name: 'English' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in to Linli');
      await page.locator('input[name="phone"]').fill('12345');
      await page.locator('button[data-action="request-code"]').click();
      await expect
        .poll(() => page.locator('#signin-error').textContent())
        .toContain('That phone number does not look right');
      expect(await page.locator('input[name="code"]').count()).toBe(0);
      await shot(page, 'signin', '04-bad-number-en');
    } finally {
      await en.close();
    }
  });
});

describe('a number that is not a demo account', () => {
  it('gets its code in the dev outbox, and signs in as a new person', async () => {
    const p = await openPhone();
    try {
      const number = `+86139${String(Date.now() % 100_000_000).padStart(8, '0')}`;
      await p.page.goto('/signin');
      expect(await p.page.locator('[data-testid="dev-outbox-hint"] a').getAttribute('href')).toBe(
        '/dev/outbox',
      );
      await signIn(p.page, number);
      const s = await session(p);
      expect(s.user?.phone).toBe(number);
      expect(s.user?.name).toBe(`用户${number.slice(-4)}`);
      // Its code stays listed in the outbox (it was used, so it signs nobody in again).
      expect(await readOutboxCode(p.page, number)).toMatch(/^\d{6}$/);
      await p.page.goto('/dev/outbox');
      expect(await p.page.locator(`[data-testid="outbox"] li[data-phone="${number}"]`).count()).toBe(1);
      await shot(p.page, 'signin', '05-dev-outbox');
    } finally {
      await p.close();
    }
  });
});
