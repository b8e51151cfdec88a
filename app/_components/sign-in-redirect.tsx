'use client';
import { useTranslations } from 'next-intl';
import { useEffect } from 'react';

/**
 * Shown by a layout when nobody is signed in: sends the browser to the sign-in page with the exact
 * page it asked for (path and query) as callbackUrl, which a server layout cannot see. Without
 * JavaScript the link does the same for the area's home.
 */
export function SignInRedirect({ fallbackPath }: { fallbackPath: string }) {
  const t = useTranslations('shell.signInRedirect');
  const fallback = `/signin?callbackUrl=${encodeURIComponent(fallbackPath)}`;
  useEffect(() => {
    const here = `${window.location.pathname}${window.location.search}`;
    window.location.replace(`/signin?callbackUrl=${encodeURIComponent(here)}`);
  }, []);
  return (
    <main className="shell-center">
      <p>{t('message')}</p>
      <a className="button primary" href={fallback}>
        {t('signIn')}
      </a>
    </main>
  );
}
