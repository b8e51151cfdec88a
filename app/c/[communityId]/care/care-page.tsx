'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useId, useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { CARE_CATEGORIES, type CareCategory } from '@/server/services/roster/constants';
import { CareEditor } from '@/app/c/[communityId]/roster/_components/care-editor';
import {
  CareChips,
  HouseholdCard,
  Loading,
  People,
  QueryError,
  ShowMore,
  useAddress,
  useShowMore,
  type HouseholdLike,
} from '@/app/c/[communityId]/roster/_components/parts';

/** The care registry (特殊人群信息库): filter by category, edit an entry, add a household found by room or name. */
export function CarePage({ communityId }: { communityId: string }) {
  const t = useTranslations('roster.care');
  const trpc = useTRPC();
  const [category, setCategory] = useState<CareCategory | undefined>(undefined);
  const registry = useQuery({
    ...trpc.roster.careProfiles.queryOptions({ communityId, category }),
    placeholderData: (prev) => prev,
  });

  return (
    <main data-page="care">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <AddCareHousehold communityId={communityId} />
      {registry.isPending && <Loading />}
      {registry.isError && <QueryError error={registry.error} retry={() => void registry.refetch()} />}
      {registry.data && (
        <>
          <div className="roster-filters" role="group" aria-label={t('categoriesLabel')}>
            <button
              type="button"
              aria-pressed={category === undefined}
              onClick={() => setCategory(undefined)}
            >
              {t('all', { count: registry.data.total })}
            </button>
            {CARE_CATEGORIES.filter((c) => registry.data.counts[c] > 0 || c === category).map((c) => (
              <button key={c} type="button" aria-pressed={category === c} onClick={() => setCategory(c)}>
                {t(`categories.${c}`)} {registry.data.counts[c]}
              </button>
            ))}
          </div>
          {registry.data.households.length === 0 ? (
            <p className="card">{category ? t('emptyFiltered') : t('empty')}</p>
          ) : (
            <CareList
              key={category ?? 'all'}
              communityId={communityId}
              households={registry.data.households}
              busy={registry.isFetching}
            />
          )}
        </>
      )}
    </main>
  );
}

function CareList({
  communityId,
  households,
  busy,
}: {
  communityId: string;
  households: HouseholdLike[];
  busy: boolean;
}) {
  const tr = useTranslations('roster');
  const [editing, setEditing] = useState<string | null>(null);
  const { shown, remaining, more } = useShowMore(households);
  return (
    <>
      <ul className="roster-list" aria-busy={busy}>
        {shown.map((h) => (
          <li key={h.id}>
            {editing === h.id ? (
              <div className="card">
                <CareHouseholdHeader communityId={communityId} household={h} />
                <CareEditor
                  communityId={communityId}
                  householdId={h.id}
                  care={
                    h.care
                      ? {
                          categories: h.care.categories,
                          doorDelivery: h.care.doorDelivery,
                          notes: h.care.notes ?? '',
                        }
                      : null
                  }
                  onDone={() => setEditing(null)}
                />
              </div>
            ) : (
              <div className="roster-household care" data-household={h.id}>
                <CareHouseholdHeader communityId={communityId} household={h} />
                <CareChips care={h.care} showNotes />
                <p>
                  <button type="button" onClick={() => setEditing(h.id)}>
                    {tr('edit')}
                  </button>
                </p>
              </div>
            )}
          </li>
        ))}
      </ul>
      <ShowMore remaining={remaining} onClick={more} />
    </>
  );
}

function CareHouseholdHeader({ communityId, household }: { communityId: string; household: HouseholdLike }) {
  const t = useTranslations('roster');
  const address = useAddress();
  return (
    <>
      <p className="roster-address">
        <Link href={`/c/${communityId}/roster/h/${household.id}`}>{address(household)}</Link>
      </p>
      <p className="roster-meta">
        {t('floor', { floor: household.floor })} · {t('headcount', { count: household.headcount })}
      </p>
      <People people={household.residents} />
    </>
  );
}

/** Find a household by room or name, then put it on the registry. */
function AddCareHousehold({ communityId }: { communityId: string }) {
  const t = useTranslations('roster.care');
  const trpc = useTRPC();
  const id = useId();
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<string | null>(null);
  const found = useQuery({
    ...trpc.roster.search.queryOptions({ communityId, query, limit: 10 }),
    enabled: query !== '',
  });
  return (
    <details className="card">
      <summary
        style={{ minHeight: 48, display: 'flex', alignItems: 'center', cursor: 'pointer', fontWeight: 600 }}
      >
        {t('add')}
      </summary>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setChosen(null);
          setQuery(text.trim());
        }}
      >
        <label htmlFor={id}>{t('addHint')}</label>
        <div className="roster-search">
          <input
            id={id}
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoComplete="off"
          />
          <button type="submit">{t('find')}</button>
        </div>
      </form>
      {found.isFetching && <Loading />}
      {found.isError && <QueryError error={found.error} />}
      {found.data && (
        <ul className="roster-list">
          {found.data.households.map((h) => (
            <li key={h.id}>
              {chosen === h.id ? (
                <div className="card">
                  <HouseholdCard household={h} />
                  <CareEditor
                    communityId={communityId}
                    householdId={h.id}
                    care={h.care ?? null}
                    onDone={() => setChosen(null)}
                  />
                </div>
              ) : (
                <button
                  type="button"
                  style={{ width: '100%', justifyContent: 'space-between' }}
                  onClick={() => setChosen(h.id)}
                >
                  <HouseholdSummary household={h} />
                  <span className="muted">{h.care ? t('onList') : t('addThis')}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

function HouseholdSummary({ household }: { household: HouseholdLike }) {
  const address = useAddress();
  return (
    <span style={{ textAlign: 'left' }}>
      {address(household)}
      <span className="muted"> · {household.residents.map((r) => r.name).join('、')}</span>
    </span>
  );
}
