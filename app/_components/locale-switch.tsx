'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { useTransition } from 'react';
import { LOCALE_COOKIE, type Locale } from '@/app/i18n/config';
import { useTRPC } from '@/app/_lib/trpc';
import { keepOnThisPhone } from '@/app/_lib/phone-preference';

/**
 * 中文 ⇄ English. The choice lives in the NEXT_LOCALE cookie (read on the server by app/i18n);
 * for a signed-in person it is also saved to their account, so codes and messages follow it.
 */
export function LocaleSwitch({ signedIn = false, className }: { signedIn?: boolean; className?: string }) {
  const t = useTranslations('shell.header');
  const locale = useLocale();
  const router = useRouter();
  const trpc = useTRPC();
  const save = useMutation(trpc.me.setLocale.mutationOptions());
  const [pending, startTransition] = useTransition();
  const next: Locale = locale === 'en' ? 'zh-CN' : 'en';
  return (
    <button
      type="button"
      className={className ?? 'shell-icon-button shell-lang'}
      disabled={pending}
      data-action="switch-language"
      onClick={() => {
        keepOnThisPhone(LOCALE_COOKIE, next);
        if (signedIn) save.mutate({ locale: next });
        startTransition(() => router.refresh());
      }}
    >
      <span lang={next}>{next === 'en' ? 'EN' : '中文'}</span>
      <span className="sr-only"> {t('switchTo', { language: next === 'en' ? 'English' : '简体中文' })}</span>
    </button>
  );
}
