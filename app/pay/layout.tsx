import { AppShell } from '@/app/_components/app-shell';
import { loadShell } from '@/app/_components/server/shell';
import { SignInRedirect } from '@/app/_components/sign-in-redirect';

export const dynamic = 'force-dynamic';

/** Paying is for whoever may see the order (its household, or the volunteer who placed it). */
export default async function PayLayout({ children }: { children: React.ReactNode }) {
  const shell = await loadShell();
  if (!shell) return <SignInRedirect fallbackPath="/" />;
  return (
    <AppShell me={shell.me} role={null}>
      {children}
    </AppShell>
  );
}
