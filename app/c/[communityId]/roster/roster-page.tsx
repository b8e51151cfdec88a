'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useEffect, useId, useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { HouseholdCard, Loading, MutationError, QueryError } from './_components/parts';

export function RosterPage({ communityId }: { communityId: string }) {
  const t = useTranslations('roster');
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const inputId = useId();

  // The query lives in the URL, so "back" from a household returns to the same results.
  useEffect(() => {
    const handle = setTimeout(() => {
      if (text.trim() === q) return;
      const next = text.trim() ? `${pathname}?q=${encodeURIComponent(text.trim())}` : pathname;
      router.replace(next, { scroll: false });
    }, 350);
    return () => clearTimeout(handle);
  }, [text, q, pathname, router]);

  return (
    <main data-page="roster">
      <h1>{t('search.title')}</h1>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          router.replace(text.trim() ? `${pathname}?q=${encodeURIComponent(text.trim())}` : pathname, {
            scroll: false,
          });
        }}
      >
        <label htmlFor={inputId}>{t('search.label')}</label>
        <div className="roster-search">
          <input
            id={inputId}
            type="search"
            inputMode="search"
            autoComplete="off"
            enterKeyHint="search"
            placeholder={t('search.placeholder')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-describedby={`${inputId}-hint`}
          />
          <button type="submit" className="primary">
            {t('search.label')}
          </button>
        </div>
        <p id={`${inputId}-hint`} className="roster-hint muted">
          {t('search.hint')}
        </p>
      </form>
      {q ? <SearchResults communityId={communityId} query={q} /> : <Browse communityId={communityId} />}
    </main>
  );
}

function SearchResults({ communityId, query }: { communityId: string; query: string }) {
  const t = useTranslations('roster.search');
  const trpc = useTRPC();
  const result = useQuery({
    ...trpc.roster.search.queryOptions({ communityId, query }),
    placeholderData: (prev) => prev,
  });
  if (result.isPending) return <Loading />;
  if (result.isError) return <QueryError error={result.error} retry={() => void result.refetch()} />;
  const { households, truncated, query: kind } = result.data;
  return (
    <section aria-live="polite" aria-busy={result.isFetching}>
      <h2>
        {households.length === 0 ? t('none') : t('results', { count: households.length })}
        {kind.kind !== 'empty' && <span className="muted"> · {t(`kind.${kind.kind}`)}</span>}
      </h2>
      {truncated && <p className="roster-notice warn">{t('truncated', { count: households.length })}</p>}
      <ul className="roster-list">
        {households.map((h) => (
          <li key={h.id}>
            <HouseholdCard household={h} href={`/c/${communityId}/roster/h/${h.id}`} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function Browse({ communityId }: { communityId: string }) {
  const t = useTranslations('roster.browse');
  const tr = useTranslations('roster');
  const trpc = useTRPC();
  const overview = useQuery(trpc.roster.overview.queryOptions({ communityId }));
  const [open, setOpen] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  if (overview.isPending) return <Loading />;
  if (overview.isError) return <QueryError error={overview.error} retry={() => void overview.refetch()} />;
  const { buildings, totals } = overview.data;
  return (
    <section aria-labelledby="browse-title">
      <div className="roster-section-title">
        <h2 id="browse-title">{t('title')}</h2>
      </div>
      <div className="roster-actions">
        <Link className="button" href={`/c/${communityId}/roster/import`}>
          {t('import')}
        </Link>
        <Link className="button" href={`/c/${communityId}/roster/team`}>
          {t('team')}
        </Link>
        <button type="button" onClick={() => setAdding((v) => !v)} aria-expanded={adding}>
          {t('addBuilding')}
        </button>
      </div>
      {adding && <AddBuilding communityId={communityId} onDone={() => setAdding(false)} />}
      {buildings.length === 0 ? (
        <p className="card">{t('empty')}</p>
      ) : (
        <p className="muted">
          {t('totals', {
            buildings: totals.buildings,
            stairwells: totals.stairwells,
            households: totals.households,
            people: totals.people,
          })}
        </p>
      )}
      {buildings.map((b) => {
        const expanded = open === b.id;
        return (
          <div key={b.id} className="roster-building">
            <button
              type="button"
              aria-expanded={expanded}
              aria-controls={`b-${b.id}`}
              onClick={() => setOpen(expanded ? null : b.id)}
            >
              <span>{tr('buildingName', { building: b.number })}</span>
              <span className="muted">
                {tr('households', { count: b.households })}{' '}
                <span aria-hidden="true">{expanded ? '▲' : '▼'}</span>
              </span>
            </button>
            {expanded && (
              <div id={`b-${b.id}`}>
                <ul className="roster-list">
                  {b.stairwells.map((s) => (
                    <li key={s.id}>
                      <Link
                        className="roster-household roster-stairwell"
                        href={`/c/${communityId}/roster/s/${s.id}`}
                      >
                        <span>
                          <span className="roster-address">
                            <StairwellName building={b.number} stairwell={s.number} />
                          </span>
                          <span className="roster-meta" style={{ display: 'block' }}>
                            {t('stairwellLine', { households: s.households, residents: s.residents })}
                          </span>
                        </span>
                        <span className="roster-chips">
                          {s.careHouseholds > 0 && (
                            <span className="roster-chip">{t('careLine', { count: s.careHouseholds })}</span>
                          )}
                          {s.leaders === 0 && <span className="roster-chip gap">{t('noLeader')}</span>}
                        </span>
                      </Link>
                    </li>
                  ))}
                </ul>
                <AddStairwell communityId={communityId} buildingId={b.id} />
              </div>
            )}
          </div>
        );
      })}
    </section>
  );
}

function StairwellName({ building, stairwell }: { building: string; stairwell: string }) {
  const t = useTranslations('roster');
  return <>{t('stairwellName', { building, stairwell })}</>;
}

function AddBuilding({ communityId, onDone }: { communityId: string; onDone: () => void }) {
  const t = useTranslations('roster');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [number, setNumber] = useState('');
  const create = useMutation(
    trpc.roster.createBuilding.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.roster.pathKey() });
        onDone();
      },
    }),
  );
  return (
    <form
      className="card roster-form"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ communityId, number });
      }}
    >
      <label htmlFor={id}>{t('browse.buildingNumber')}</label>
      <input
        id={id}
        value={number}
        onChange={(e) => setNumber(e.target.value)}
        inputMode="numeric"
        required
        maxLength={16}
      />
      <MutationError error={create.error} />
      <div className="roster-actions">
        <button type="submit" className="primary" disabled={create.isPending || !number.trim()}>
          {create.isPending ? t('saving') : t('browse.addBuilding')}
        </button>
        <button type="button" onClick={onDone}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

function AddStairwell({ communityId, buildingId }: { communityId: string; buildingId: string }) {
  const t = useTranslations('roster');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [number, setNumber] = useState('');
  const create = useMutation(
    trpc.roster.createStairwell.mutationOptions({
      onSuccess: async () => {
        setNumber('');
        await queryClient.invalidateQueries({ queryKey: trpc.roster.pathKey() });
      },
    }),
  );
  return (
    <form
      className="roster-form"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ communityId, buildingId, number });
      }}
    >
      <label htmlFor={id}>{t('browse.stairwellNumber')}</label>
      <div className="roster-row">
        <input
          id={id}
          className="roster-grow"
          value={number}
          onChange={(e) => setNumber(e.target.value)}
          inputMode="numeric"
          maxLength={16}
        />
        <button type="submit" disabled={create.isPending || !number.trim()}>
          {t('browse.addStairwell')}
        </button>
      </div>
      <MutationError error={create.error} />
    </form>
  );
}
