'use client';
import { useRouter } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { LOCALE_COOKIE } from '@/app/i18n/config';

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
        document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
        router.refresh();
      }}
    >
      {t('switchLanguage')}
    </button>
  );
}
