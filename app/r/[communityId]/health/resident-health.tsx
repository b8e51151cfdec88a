'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { hhmm } from '@/app/_health/use-health-live';
import '@/app/_health/health.css';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';

/** 防疫 for residents: testing sessions ("now calling"), my household's self-test, my gate code. */
export function ResidentHealth({ communityId }: { communityId: string }) {
  const t = useTranslations('health');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('health');
  const rounds = useQuery(trpc.healthRounds.rounds.queryOptions({ communityId }));
  return (
    <main data-page="health-resident">
      <h1>{t('title')}</h1>
      {rounds.isError && <p className="error">{errorMessage(rounds.error)}</p>}
      <ul className="health-list" data-testid="rounds">
        {rounds.data
          ?.filter((r) => r.status === 'open')
          .map((r) =>
            r.kind === 'testing' ? (
              <li key={r.id}>
                <span>{r.title}</span>
                <Link className="button primary" href={`/r/${communityId}/health/testing/${r.id}`}>
                  {t('testing.nowCalling')} · {r.title}
                </Link>
              </li>
            ) : (
              <li key={r.id}>
                <HouseholdReport communityId={communityId} round={r} />
              </li>
            ),
          )}
      </ul>
      <GateCode communityId={communityId} />
    </main>
  );
}

function HouseholdReport({
  communityId,
  round,
}: {
  communityId: string;
  round: {
    id: string;
    title: string;
    deadlineAt: string | null;
    editable: boolean;
    myReport: { negative: number; abnormal: number; invalid: number } | null;
  };
}) {
  const t = useTranslations('health');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('health');
  const [v, setV] = useState(round.myReport ?? { negative: 1, abnormal: 0, invalid: 0 });
  const report = useMutation(
    trpc.healthRounds.reportHousehold.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.healthRounds.rounds.queryKey() }),
    }),
  );
  return (
    <form
      style={{ width: '100%' }}
      onSubmit={(e) => {
        e.preventDefault();
        report.mutate({ communityId, roundId: round.id, ...v });
      }}
    >
      <h2 style={{ marginTop: 0 }}>
        {round.title} · {t('household.title')}
      </h2>
      {round.deadlineAt && <p className="muted">{t('rounds.deadline', { time: hhmm(round.deadlineAt) })}</p>}
      <div className="health-grid">
        {(['negative', 'abnormal', 'invalid'] as const).map((k) => (
          <div key={k}>
            <label htmlFor={`hh-${round.id}-${k}`}>{t(`form.${k}`)}</label>
            <input
              id={`hh-${round.id}-${k}`}
              type="number"
              inputMode="numeric"
              min={0}
              disabled={!round.editable}
              value={v[k]}
              onChange={(e) => setV({ ...v, [k]: e.target.valueAsNumber })}
            />
          </div>
        ))}
      </div>
      {round.editable && (
        <button type="submit" className="primary" style={{ width: '100%', marginTop: 12 }}>
          {t('household.submit')}
        </button>
      )}
      {round.myReport && (
        <p className="muted" role="status">
          {t('household.saved')}
        </p>
      )}
      {report.error && <p className="error">{errorMessage(report.error)}</p>}
    </form>
  );
}

function GateCode({ communityId }: { communityId: string }) {
  const t = useTranslations('health.gate');
  const trpc = useTRPC();
  const q = useQuery(trpc.healthRounds.myGateCode.queryOptions({ communityId }));
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    if (!q.data) return;
    void QRCode.toString(q.data.qrText, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }).then(setSvg);
  }, [q.data]);
  if (!q.data) return null;
  return (
    <section className="card" aria-labelledby="gate-code">
      <h2 id="gate-code" style={{ marginTop: 0 }}>
        {t('myCode')}
      </h2>
      <p className="muted">{t('myCodeHint')}</p>
      {svg && (
        <div
          role="img"
          aria-label={`${t('myCode')} ${q.data.code}`}
          style={{ width: 220, maxWidth: '100%' }}
          dangerouslySetInnerHTML={{ __html: svg }}
        />
      )}
      <p className="health-big" data-testid="gate-code" style={{ letterSpacing: '0.2em' }}>
        {q.data.code}
      </p>
      <p className="muted">{t('privacy')}</p>
    </section>
  );
}
