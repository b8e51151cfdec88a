'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useTRPC } from '@/app/_lib/trpc';

/**
 * The bell in the header: unread count from the server render, refreshed every 30 s and on focus.
 * The icon comes drawn from the server (app-shell.tsx), keeping the icon set out of the scripts.
 */
export function NotificationBell({ initialUnread, icon }: { initialUnread: number; icon: React.ReactNode }) {
  const t = useTranslations('shell.header');
  const trpc = useTRPC();
  const { data } = useQuery({
    ...trpc.me.unreadCount.queryOptions(),
    initialData: initialUnread,
    refetchInterval: 30_000,
    refetchOnWindowFocus: true,
  });
  const unread = data ?? 0;
  return (
    <Link
      href="/notifications"
      className="shell-icon-button shell-bell"
      aria-label={unread > 0 ? t('notificationsUnread', { count: unread }) : t('notifications')}
      data-unread={unread}
    >
      {icon}
      {unread > 0 && (
        <span className="shell-badge" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </Link>
  );
}
