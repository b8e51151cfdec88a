import { AppShell } from '@/app/_components/app-shell';
import { loadShell } from '@/app/_components/server/shell';
import { SignInRedirect } from '@/app/_components/sign-in-redirect';

export const dynamic = 'force-dynamic';

export default async function NotificationsLayout({ children }: { children: React.ReactNode }) {
  const shell = await loadShell();
  if (!shell) return <SignInRedirect fallbackPath="/notifications" />;
  return (
    <AppShell me={shell.me} role={null}>
      {children}
    </AppShell>
  );
}
