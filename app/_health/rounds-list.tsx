'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { hhmm } from './use-health-live';

/** The compound's recent rounds, each linking into the area's own page for it. */
export function RoundsList({
  communityId,
  hrefOf,
}: {
  communityId: string;
  hrefOf: (r: { id: string; kind: 'self_test' | 'testing' }) => string | null;
}) {
  const t = useTranslations('health');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('health');
  const q = useQuery(trpc.healthRounds.rounds.queryOptions({ communityId }));
  if (q.isPending) return <p className="muted">{t('loading')}</p>;
  if (q.isError) return <p className="error">{errorMessage(q.error)}</p>;
  if (q.data.length === 0) return <p className="muted">{t('rounds.empty')}</p>;
  return (
    <ul className="health-list" data-testid="rounds">
      {q.data.map((r) => {
        const href = hrefOf(r);
        return (
          <li key={r.id} data-kind={r.kind} data-status={r.status}>
            <div>
              <div>
                <strong>{r.title}</strong> · {t(`kinds.${r.kind}`)}
              </div>
              <div className="muted">
                {t(`status.${r.status}`)}
                {r.deadlineAt && ` · ${t('rounds.deadline', { time: hhmm(r.deadlineAt) })}`}
                {r.progress && ` · ${t('rounds.progress', r.progress)}`}
              </div>
            </div>
            {href && (
              <Link className="button" href={href}>
                {t('rounds.open')} {r.title}
              </Link>
            )}
          </li>
        );
      })}
    </ul>
  );
}
