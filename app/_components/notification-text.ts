'use client';
import { useTranslations } from 'next-intl';
import { NAMESPACES } from '@/app/i18n/config';

type Notification = { kind: string; payload: Record<string, unknown> };

/**
 * How a notification reads. Its kind (`order.paid`, `admission.approved`) is looked up as
 * `<namespace>.notifications.<kind>` (dots nest) in every message namespace, so each domain words
 * its own notifications in its own JSON file; the payload's strings and numbers fill the
 * placeholders. Unknown kinds fall back to the payload's `title`, then to a generic line.
 */
export function useNotificationText() {
  const t = useTranslations();
  return (n: Notification): string => {
    const values: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(n.payload)) {
      if (typeof v === 'string' || typeof v === 'number') values[k] = v;
    }
    for (const ns of NAMESPACES) {
      const key = `${ns}.notifications.${n.kind}`;
      if (t.has(key)) return t(key, values);
    }
    if (typeof n.payload.title === 'string') return n.payload.title;
    return t('shell.notifications.generic');
  };
}

/** A notification's link, when its payload has a safe in-app path (`href: "/r/…/orders/…"`). */
export function notificationHref(payload: Record<string, unknown>): string | null {
  const href = payload.href;
  return typeof href === 'string' && href.startsWith('/') && !href.startsWith('//') ? href : null;
}
