'use client';
import { useRouter } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { LOCALE_COOKIE } from '@/app/i18n/config';
import { keepOnThisPhone } from '@/app/_lib/phone-preference';

/** Flips between 简体中文 and English (cookie NEXT_LOCALE, read by app/i18n/request.ts). */
export function LocaleSwitch() {
  const t = useTranslations('auth');
  const locale = useLocale();
  const router = useRouter();
  return (
    <button
      type="button"
      className="signin-lang"
      lang={locale === 'en' ? 'zh-CN' : 'en'}
      onClick={() => {
        const next = locale === 'en' ? 'zh-CN' : 'en';
        keepOnThisPhone(LOCALE_COOKIE, next);
        router.refresh();
      }}
    >
      {t('switchLanguage')}
    </button>
  );
}
