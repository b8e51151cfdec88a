'use client';
import { useQuery } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { PickListView } from '@/app/m/[merchantId]/relays/[relayId]/picklist/_components/pick-list-view';

/** The relays being delivered, with how many bags go to the volunteer's stairwells; pick one to see them. */
export function BagsPage({ communityId }: { communityId: string }) {
  const t = useTranslations('picklist.relays');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('picklist');
  const relays = useQuery(trpc.picklist.bagRelays.queryOptions({ communityId }));
  const [chosen, setChosen] = useState<string | null>(null);
  const only = relays.data?.length === 1 ? relays.data[0]!.id : null;
  const relayId = chosen ?? only;

  if (relayId) {
    return (
      <>
        {!only && (
          <p className="picklist-back">
            <button type="button" onClick={() => setChosen(null)}>
              ← {t('back')}
            </button>
          </p>
        )}
        <PickListView mode="volunteer" communityId={communityId} relayId={relayId} />
      </>
    );
  }
  return (
    <main data-page="volunteer-bags">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      {relays.isPending && (
        <p className="muted" role="status">
          …
        </p>
      )}
      {relays.isError && (
        <p className="card error" role="alert">
          {errorMessage(relays.error)}
        </p>
      )}
      {relays.data?.length === 0 && <p className="card">{t('empty')}</p>}
      <ul className="shell-cards">
        {relays.data?.map((r) => (
          <li key={r.id}>
            <button
              type="button"
              className="shell-card-link"
              style={{ width: '100%', textAlign: 'left' }}
              onClick={() => setChosen(r.id)}
            >
              <span>
                <strong>{r.title}</strong>
                <span className="muted shell-card-detail">
                  {t('item', { merchant: r.merchantName, date: r.deliveryDate, count: r.bags })}
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}
