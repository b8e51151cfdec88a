import { AppShell } from '@/app/_components/app-shell';
import { loadShell } from '@/app/_components/server/shell';
import { SignInRedirect } from '@/app/_components/sign-in-redirect';

export const dynamic = 'force-dynamic';

/**
 * The merchant area. Any signed-in person may enter, because applying (/m/apply) is how one becomes
 * a merchant; the merchant tabs appear for members of a merchant, and each page checks membership
 * through its procedures (another merchant's data reads as not found).
 */
export default async function MerchantLayout({ children }: { children: React.ReactNode }) {
  const shell = await loadShell();
  if (!shell) return <SignInRedirect fallbackPath="/m" />;
  const { merchants } = shell.me;
  const only = merchants.length === 1 ? merchants[0]! : undefined;
  return (
    <AppShell
      me={shell.me}
      role={merchants.length > 0 ? 'merchant' : null}
      place={only ? only.displayName || only.legalName : undefined}
      merchantId={only?.id}
    >
      {children}
    </AppShell>
  );
}
