'use client';
import { useMutation } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';

/**
 * Where sign-out lives (the header): a small menu with "sign out" (this phone) and "sign out on all
 * devices" (every session of the person ends on its next request). Either way this browser forgets
 * what it kept of the person (caches, IndexedDB) before going to the sign-in page.
 */
export function SignOutButton({
  callbackUrl = '/signin',
  className,
}: {
  callbackUrl?: string;
  className?: string;
}) {
  const t = useTranslations('auth.signOut');
  const trpc = useTRPC();
  const everywhere = useMutation(trpc.auth.signOutEverywhere.mutationOptions());
  const [pending, setPending] = useState<'here' | 'everywhere' | null>(null);

  async function leave(scope: 'here' | 'everywhere') {
    setPending(scope);
    try {
      if (scope === 'everywhere') await everywhere.mutateAsync();
      // Fetched only now (every signed-in page carries this menu): what this browser forgets, and
      // next-auth's client.
      const [{ forgetThisDevice }, { signOut }] = await Promise.all([
        import('@/app/_lib/forget-device'),
        import('next-auth/react'),
      ]);
      await forgetThisDevice();
      await signOut({ callbackUrl });
    } catch {
      setPending(null);
    }
  }

  return (
    <details className="signout-menu">
      <summary className={className} data-action="sign-out-menu">
        {t('button')}
      </summary>
      <div className="signout-panel" role="group" aria-label={t('button')}>
        <button
          type="button"
          data-action="sign-out"
          disabled={pending !== null}
          onClick={() => leave('here')}
        >
          {pending === 'here' ? t('pending') : t('button')}
        </button>
        <button
          type="button"
          data-action="sign-out-everywhere"
          disabled={pending !== null}
          onClick={() => leave('everywhere')}
        >
          {pending === 'everywhere' ? t('everywherePending') : t('everywhere')}
        </button>
        <p className="muted">{t('everywhereHint')}</p>
      </div>
    </details>
  );
}
