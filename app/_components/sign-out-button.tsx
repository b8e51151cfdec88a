'use client';
import { signOut } from 'next-auth/react';
import { useTranslations } from 'next-intl';
import { useState } from 'react';

/** Ends the session and returns to the sign-in page. Place it anywhere (header, profile page). */
export function SignOutButton({
  callbackUrl = '/signin',
  className,
}: {
  callbackUrl?: string;
  className?: string;
}) {
  const t = useTranslations('auth.signOut');
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className={className}
      data-action="sign-out"
      disabled={pending}
      onClick={async () => {
        setPending(true);
        try {
          await signOut({ callbackUrl });
        } catch {
          setPending(false);
        }
      }}
    >
      {pending ? t('pending') : t('button')}
    </button>
  );
}
