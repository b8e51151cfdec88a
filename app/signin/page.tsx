import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { devOutboxEnabled } from '@/server/auth/dev-outbox';
import { loadAuthConfig } from '@/server/services/auth/config';
import { safeCallbackPath } from '@/server/auth/sign-in-codec';
import { getSessionUser } from '@/server/auth/session';
import { DeviceUser } from '@/app/_components/device-user';
import { LocaleSwitch } from './locale-switch';
import { BigTextSwitch } from '@/app/_components/big-text-switch';
import { SignInForm } from './sign-in-form';
import './signin.css';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('auth.signIn');
  return { title: t('metaTitle') };
}

type Search = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function SignInPage({ searchParams }: { searchParams: Promise<Search> }) {
  const sp = await searchParams;
  const callbackUrl = safeCallbackPath(first(sp.callbackUrl));
  if (await getSessionUser()) redirect(callbackUrl);
  const t = await getTranslations('auth.signIn');
  let misconfigured = false;
  try {
    loadAuthConfig();
  } catch (e) {
    // Say it where an operator looks (the log) and where a person would otherwise be puzzled (here).
    console.error((e as Error).message);
    misconfigured = true;
  }
  return (
    <main>
      {/* Nobody is signed in here: the service worker drops every person's offline copies. */}
      <DeviceUser userId={null} />
      <header className="signin-header">
        <h1>{t('title')}</h1>
        <BigTextSwitch className="signin-lang" />
        <LocaleSwitch />
      </header>
      <p className="muted">{t('subtitle')}</p>
      {misconfigured && (
        <p role="alert" className="card error">
          {t('misconfigured')}
        </p>
      )}
      <SignInForm
        callbackUrl={callbackUrl}
        initialError={first(sp.error) ?? null}
        devOutbox={devOutboxEnabled()}
      />
      <p className="muted signin-small">{t('help')}</p>
    </main>
  );
}
