'use client';
/**
 * Small building blocks of the roster pages: an address line, a household card, people with
 * phone links (coordinators only get phones from the server), care chips, loading and error states.
 */
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import type { CareCategory } from '@/server/services/roster/constants';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { formatPhone } from './format';
import './roster.css';

export type PlaceLike = { buildingNumber: string; stairwellNumber: string; room: string };
export type PersonLike = { userId: string; name: string; phone: string | null; hasPhone?: boolean };
export type CareLike =
  { categories: CareCategory[]; doorDelivery: boolean; notes?: string } | null | undefined;
export type HouseholdLike = PlaceLike & {
  id: string;
  floor: number;
  headcount: number;
  residents: PersonLike[];
  care?: CareLike;
};

export function useAddress() {
  const t = useTranslations('roster');
  return (h: PlaceLike) =>
    t('address', { building: h.buildingNumber, stairwell: h.stairwellNumber, room: h.room });
}

export function PhoneLink({ name, phone }: { name: string; phone: string }) {
  const t = useTranslations('roster');
  return (
    <a
      className="roster-tel"
      href={`tel:${phone}`}
      aria-label={`${formatPhone(phone)} · ${t('call', { name })}`}
    >
      {formatPhone(phone)}
    </a>
  );
}

export function People({ people, selfId }: { people: PersonLike[]; selfId?: string }) {
  const t = useTranslations('roster');
  if (people.length === 0) return <p className="roster-meta">{t('noResidents')}</p>;
  return (
    <ul className="roster-people">
      {people.map((p) => (
        <li key={p.userId} className="roster-person">
          <span className="roster-person-name">
            {p.name}
            {p.userId === selfId ? t('resident.you') : ''}
          </span>
          {p.phone && p.userId === selfId ? (
            <span className="muted">{formatPhone(p.phone)}</span>
          ) : p.phone ? (
            <PhoneLink name={p.name} phone={p.phone} />
          ) : p.hasPhone === false ? (
            <span className="muted">{t('noPhone')}</span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function CareChips({ care, showNotes }: { care: CareLike; showNotes?: boolean }) {
  const t = useTranslations('roster.care');
  if (!care) return null;
  return (
    <>
      <ul className="roster-chips" aria-label={t('profile')}>
        {care.categories.map((c) => (
          <li key={c} className="roster-chip">
            {t(`categories.${c}`)}
          </li>
        ))}
        {care.doorDelivery && <li className="roster-chip door">{t('doorDelivery')}</li>}
      </ul>
      {showNotes && care.notes ? <p className="roster-notes">{care.notes}</p> : null}
    </>
  );
}

/** A household as a card; a link when `href` is given (coordinators open the detail page). */
export function HouseholdCard({
  household,
  href,
  showNotes,
}: {
  household: HouseholdLike;
  href?: string;
  showNotes?: boolean;
}) {
  const t = useTranslations('roster');
  const address = useAddress();
  const cls = `roster-household${household.care ? ' care' : ''}`;
  // With `href`, the address is the link and stretches over the whole card (CSS), so the card is
  // one big tap target while the residents' phone links inside stay links of their own: a link
  // around the card would nest <a> in <a>, which the HTML parser tears apart.
  return (
    <div
      className={href ? `${cls} roster-household-linked` : cls}
      data-household={href ? undefined : household.id}
    >
      <p className="roster-address">
        {href ? (
          <Link href={href} className="roster-household-link" data-household={household.id}>
            {address(household)}
          </Link>
        ) : (
          address(household)
        )}
      </p>
      <p className="roster-meta">
        {t('floor', { floor: household.floor })} · {t('headcount', { count: household.headcount })}
      </p>
      <People people={household.residents} />
      <CareChips care={household.care} showNotes={showNotes} />
    </div>
  );
}

export function Loading() {
  const t = useTranslations('roster');
  return (
    <p className="muted" role="status" aria-live="polite">
      {t('loading')}
    </p>
  );
}

/** A translated error with a retry button, for a failed query. */
export function QueryError({ error, retry }: { error: unknown; retry?: () => void }) {
  const t = useTranslations('roster');
  const message = useErrorMessage('roster');
  return (
    <div className="roster-notice bad" role="alert">
      <p className="error">{message(error)}</p>
      {retry && (
        <button type="button" onClick={retry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

/** The translated error of a failed mutation, announced to screen readers. */
export function MutationError({ error }: { error: unknown }) {
  const message = useErrorMessage('roster');
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {message(error)}
    </p>
  );
}

/**
 * Long lists (hundreds of care households or volunteers) render a page at a time, so an old phone
 * is not asked to lay out thousands of cards at once. Key the list on its filter to start over.
 */
export function useShowMore<T>(items: readonly T[], pageSize = 40) {
  const [count, setCount] = useState(pageSize);
  return {
    shown: items.slice(0, count),
    remaining: Math.max(0, items.length - count),
    more: () => setCount((c) => c + pageSize),
  };
}

export function ShowMore({ remaining, onClick }: { remaining: number; onClick: () => void }) {
  const t = useTranslations('roster');
  if (remaining <= 0) return null;
  return (
    <button type="button" className="shell-more" onClick={onClick} style={{ width: '100%' }}>
      {t('showMore', { count: remaining })}
    </button>
  );
}

/** A `roster-list` shown a page at a time; `render` returns the `<li>` (with its key). */
export function PagedList<T>({
  items,
  render,
  pageSize,
}: {
  items: readonly T[];
  render: (item: T) => React.ReactNode;
  pageSize?: number;
}) {
  const { shown, remaining, more } = useShowMore(items, pageSize);
  return (
    <>
      <ul className="roster-list">{shown.map(render)}</ul>
      <ShowMore remaining={remaining} onClick={more} />
    </>
  );
}
