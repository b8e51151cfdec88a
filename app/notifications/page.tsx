import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { NotificationList } from './notification-list';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('shell.notifications');
  return { title: t('metaTitle') };
}

export default async function NotificationsPage() {
  const t = await getTranslations('shell.notifications');
  return (
    <main>
      <h1>{t('title')}</h1>
      <NotificationList />
    </main>
  );
}
