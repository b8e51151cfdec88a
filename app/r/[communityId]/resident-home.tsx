'use client';
import { useQuery } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useTRPC } from '@/app/_lib/trpc';
import { Loading, People, QueryError, useAddress } from '@/app/c/[communityId]/roster/_components/parts';

/** My household: where, how many people, who is registered, and who looks after our stairwell. */
export function ResidentHome({ communityId }: { communityId: string }) {
  const t = useTranslations('roster');
  const trpc = useTRPC();
  const address = useAddress();
  const me = useQuery(trpc.me.get.queryOptions());
  const mine = useQuery(trpc.roster.myHousehold.queryOptions({ communityId }));
  if (mine.isPending) return <Loading />;
  if (mine.isError) {
    const code = (mine.error as { data?: { appCode?: string | null } | null }).data?.appCode;
    if (code === 'NO_HOUSEHOLD') return <p className="card">{t('resident.noHousehold')}</p>;
    return <QueryError error={mine.error} retry={() => void mine.refetch()} />;
  }
  const { household: h, team } = mine.data;
  return (
    <section aria-labelledby="my-household">
      <h1 id="my-household">{t('resident.title')}</h1>
      <div className="card">
        <p className="roster-address">{address(h)}</p>
        <p className="roster-meta">
          {t('floor', { floor: h.floor })} · {t('resident.headcountLine', { count: h.headcount })}
        </p>
        <h2>{t('resident.members')}</h2>
        <People people={h.residents} selfId={me.data?.user.id} />
        <h2>{t('resident.team')}</h2>
        {team.length === 0 ? (
          <p className="muted">{t('resident.noTeam')}</p>
        ) : (
          <ul className="roster-team">
            {team.map((m, i) => (
              <li key={i}>
                <span className={`roster-role ${m.role}`}>{t(`roles.${m.role}`)}</span>
                <span>{m.name}</span>
              </li>
            ))}
          </ul>
        )}
        <p className="muted">{t('resident.wrongInfo')}</p>
      </div>
    </section>
  );
}
