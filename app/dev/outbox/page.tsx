import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { devOutboxEnabled, readDevOutbox } from '@/server/auth/dev-outbox';
import { loadAuthConfig } from '@/server/services/auth/config';
import { normalizePhone, OTP_TTL_MS } from '@/server/services/auth/rules';
import { AutoRefresh } from './auto-refresh';
import { DEFAULT_TIME_ZONE } from '@/server/services/shared/time';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('auth.outbox');
  return { title: t('metaTitle'), robots: { index: false, follow: false } };
}

type Search = Record<string, string | string[] | undefined>;

/** Where the `log` sender's codes can be read in development and in the demo; 404 anywhere else. */
export default async function DevOutboxPage({ searchParams }: { searchParams: Promise<Search> }) {
  if (!devOutboxEnabled()) notFound();
  const t = await getTranslations('auth.outbox');
  const sp = await searchParams;
  const raw = Array.isArray(sp.phone) ? sp.phone[0] : sp.phone;
  const check = raw ? normalizePhone(raw) : null;
  const phone = check?.ok ? check.phone : undefined;
  const now = new Date();
  const entries = readDevOutbox({ phone, now });
  let testNumbers: [string, string][] = [];
  try {
    testNumbers = [...loadAuthConfig().testOtps.entries()];
  } catch {
    // A refused AUTH_TEST_OTPS is reported by sign-in itself; here it simply lists none.
  }
  const time = new Intl.DateTimeFormat('zh-CN', { timeZone: DEFAULT_TIME_ZONE, timeStyle: 'medium' });

  return (
    <main>
      <AutoRefresh />
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <form method="get" className="card">
        <label htmlFor="outbox-phone">{t('filterLabel')}</label>
        <input id="outbox-phone" name="phone" type="tel" defaultValue={raw ?? ''} inputMode="tel" />
        <button type="submit" style={{ marginTop: 8 }}>
          {t('filter')}
        </button>
      </form>
      {entries.length === 0 ? (
        <p className="card muted">{t('empty')}</p>
      ) : (
        <ul style={{ listStyle: 'none', padding: 0 }} data-testid="outbox">
          {entries.map((e) => {
            const expired = now.getTime() - e.sentAt.getTime() >= OTP_TTL_MS;
            return (
              <li
                key={`${e.phone}-${e.sentAt.getTime()}`}
                className="card"
                data-phone={e.phone}
                data-code={e.code}
              >
                <div style={{ fontSize: '1.1rem', fontWeight: 600 }}>{e.phone}</div>
                <div style={{ fontSize: '2rem', letterSpacing: '0.3em', fontVariantNumeric: 'tabular-nums' }}>
                  {e.code}
                </div>
                <div className="muted">
                  {t('sentAt', { time: time.format(e.sentAt) })} · {expired ? t('expired') : t('valid')}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {testNumbers.length > 0 && (
        <section className="card">
          <h2 style={{ marginTop: 0 }}>{t('testNumbersTitle')}</h2>
          <p className="muted">{t('testNumbersIntro')}</p>
          <ul>
            {testNumbers.map(([p, c]) => (
              <li key={p}>
                {p} → <strong>{c}</strong>
              </li>
            ))}
          </ul>
        </section>
      )}
      <p>
        <a href="/signin">{t('back')}</a>
      </p>
    </main>
  );
}
