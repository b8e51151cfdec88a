import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

/** A plain refusal: signed in, but this area is not theirs. Says what to do next. */
export async function NoAccess({ area }: { area: 'coordinator' | 'volunteer' | 'resident' | 'merchant' }) {
  const t = await getTranslations('shell.noAccess');
  return (
    <main className="shell-center" data-page="no-access">
      <h1>{t('title')}</h1>
      <p>{t(`why.${area}`)}</p>
      <p className="muted">{t('help')}</p>
      <Link className="button primary" href="/?choose=1">
        {t('goHome')}
      </Link>
    </main>
  );
}
