import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import type { Me } from '@/server/services/platform/get-me';
import { BottomNav } from './bottom-nav';
import { DeviceUser } from './device-user';
import { Icon } from './icons';
import { BigTextSwitch } from './big-text-switch';
import { LocaleSwitch } from './locale-switch';
import { NotificationBell } from './notification-bell';
import type { NavRole } from './nav-items';
import { destinationsOf } from './server/shell';
import { SignOutButton } from './sign-out-button';

/**
 * The frame of every signed-in page: a header (app name, where you are, language, notifications,
 * sign-out), the page, and the role's bottom tabs. Mobile first; the tabs stay within thumb reach.
 */
export async function AppShell({
  me,
  role,
  place,
  communityId,
  merchantId,
  children,
}: {
  me: Me;
  /** The area; null for pages outside any area (notifications). */
  role: NavRole | null;
  /** What the header says under the app name: the compound, or the merchant. */
  place?: string;
  communityId?: string;
  /** The merchant the tabs point at when the URL does not name one. */
  merchantId?: string;
  children: React.ReactNode;
}) {
  const t = await getTranslations('shell');
  const tc = await getTranslations('common');
  const several = destinationsOf(me).length > 1;
  return (
    <div className={`shell${role ? ' shell-with-nav' : ''}`} data-area={role ?? 'none'}>
      <DeviceUser userId={me.user.id} />
      <a className="shell-skip" href="#main">
        {t('header.skip')}
      </a>
      <header className="shell-header">
        <div className="shell-where">
          <Link href="/?choose=1" className="shell-brand">
            <span className="shell-app">{tc('appName')}</span>
            {role && <span className="shell-role">{t(`roles.${role}`)}</span>}
            {several && <span className="sr-only"> {t('header.switchArea')}</span>}
          </Link>
          {place && (
            <span className="shell-place" data-testid="shell-place">
              {place}
            </span>
          )}
        </div>
        <div className="shell-actions">
          <BigTextSwitch saved={me.user.bigText} />
          <LocaleSwitch signedIn />
          <NotificationBell initialUnread={me.unreadNotifications} icon={<Icon name="bell" />} />
          <SignOutButton className="shell-signout" />
        </div>
      </header>
      <div id="main" className="shell-main">
        {children}
      </div>
      {role && <BottomNav role={role} fallback={{ communityId, merchantId }} />}
    </div>
  );
}
