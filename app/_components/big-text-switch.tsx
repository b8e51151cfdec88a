'use client';
import { useMutation } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { BIG_TEXT_COOKIE } from '@/app/i18n/config';
import { useTRPC } from '@/app/_lib/trpc';
import { keepOnThisPhone } from '@/app/_lib/phone-preference';

function apply(on: boolean) {
  document.documentElement.dataset.big = on ? '1' : '0';
  keepOnThisPhone(BIG_TEXT_COOKIE, on ? '1' : '0');
}

function current(): boolean {
  return typeof document !== 'undefined' && document.documentElement.dataset.big === '1';
}

/**
 * 大字 on/off: scales the whole page (the root font size, app/globals.css). The choice lives in the
 * linli-big cookie, so the server renders the next page large at once; signed in, it is also saved
 * to the account (`saved`), and a phone that signs in takes the account's choice.
 */
export function BigTextSwitch({ saved, className }: { saved?: boolean; className?: string }) {
  const t = useTranslations('shell.header');
  const trpc = useTRPC();
  const save = useMutation(trpc.me.setBigText.mutationOptions());
  const [on, setOn] = useState(saved ?? false);
  useEffect(() => {
    if (saved !== undefined && saved !== current()) apply(saved);
    setOn(current());
  }, [saved]);
  return (
    <button
      type="button"
      className={className ?? 'shell-icon-button shell-big-text'}
      aria-pressed={on}
      data-action="big-text"
      onClick={() => {
        const next = !on;
        apply(next);
        setOn(next);
        if (saved !== undefined) save.mutate({ bigText: next });
      }}
    >
      {t('bigText')}
    </button>
  );
}
