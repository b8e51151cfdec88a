'use client';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useFormatter, useNow, useTranslations } from 'next-intl';
import { useState } from 'react';
import { notificationHref, useNotificationText } from '@/app/_components/notification-text';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';

const PAGE = 20;

export function NotificationList() {
  const t = useTranslations('shell.notifications');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const format = useFormatter();
  const now = useNow({ updateInterval: 60_000 });
  const text = useNotificationText();
  const errorMessage = useErrorMessage('shell');
  const [unreadOnly, setUnreadOnly] = useState(false);

  const list = useInfiniteQuery(
    trpc.me.notifications.infiniteQueryOptions(
      { limit: PAGE, unreadOnly },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.me.pathKey() });
  const markRead = useMutation(trpc.me.markNotificationsRead.mutationOptions({ onSuccess: refresh }));

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const anyUnread = items.some((n) => !n.readAt);

  return (
    <section aria-busy={list.isPending}>
      <div className="shell-toolbar">
        <div role="group" aria-label={t('filter')} className="shell-segmented">
          <button type="button" aria-pressed={!unreadOnly} onClick={() => setUnreadOnly(false)}>
            {t('all')}
          </button>
          <button type="button" aria-pressed={unreadOnly} onClick={() => setUnreadOnly(true)}>
            {t('unread')}
          </button>
        </div>
        <button
          type="button"
          disabled={!anyUnread || markRead.isPending}
          onClick={() => markRead.mutate({ all: true })}
          data-action="mark-all-read"
        >
          {markRead.isPending ? tc('loading') : t('markAllRead')}
        </button>
      </div>
      {markRead.error && (
        <p role="alert" className="error">
          {errorMessage(markRead.error)}
        </p>
      )}
      {list.isPending && <p className="muted">{tc('loading')}</p>}
      {list.error && (
        <div role="alert" className="card">
          <p className="error">{errorMessage(list.error)}</p>
          <button type="button" onClick={() => void list.refetch()}>
            {tc('retry')}
          </button>
        </div>
      )}
      {list.isSuccess && items.length === 0 && (
        <p className="card muted shell-empty">{unreadOnly ? t('emptyUnread') : t('empty')}</p>
      )}
      <ul className="shell-notifications">
        {items.map((n) => {
          const href = notificationHref(n.payload);
          const open = () => {
            if (!n.readAt) markRead.mutate({ items: [{ communityId: n.communityId, id: n.id }] });
            if (href) router.push(href);
          };
          return (
            <li key={`${n.communityId}:${n.id}`}>
              <button
                type="button"
                className={`shell-notification${n.readAt ? '' : ' unread'}`}
                onClick={open}
              >
                {!n.readAt && <span className="shell-dot" aria-hidden="true" />}
                {!n.readAt && <span className="sr-only">{`${t('unreadMark')}: `}</span>}
                <span className="shell-notification-text">{text(n)}</span>
                <span className="muted shell-notification-meta">
                  {n.communityName} ·{' '}
                  <time
                    dateTime={n.createdAt.toISOString()}
                    title={format.dateTime(n.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}
                  >
                    {format.relativeTime(n.createdAt, now)}
                  </time>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      {list.hasNextPage && (
        <button
          type="button"
          className="shell-more"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {list.isFetchingNextPage ? tc('loading') : t('loadMore')}
        </button>
      )}
    </section>
  );
}
