'use client';
import { useQuery } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import '@/app/_health/health.css';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';

/** Printable gate cards of one building (QR + 6-character code) for households without a phone. */
export function GateCards({ communityId }: { communityId: string }) {
  const t = useTranslations('health.gate');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('health');
  const overview = useQuery(trpc.roster.overview.queryOptions({ communityId }));
  const [buildingId, setBuildingId] = useState('');
  const cards = useQuery(
    trpc.healthRounds.gateCodes.queryOptions({ communityId, buildingId }, { enabled: !!buildingId }),
  );
  return (
    <main data-page="health-gate-cards">
      <h1>{t('printCodes')}</h1>
      <label htmlFor="card-building">{t('building')}</label>
      <select id="card-building" value={buildingId} onChange={(e) => setBuildingId(e.target.value)}>
        <option value="" />
        {overview.data?.buildings.map((b) => (
          <option key={b.id} value={b.id}>
            {b.number}
          </option>
        ))}
      </select>
      {cards.isError && <p className="error">{errorMessage(cards.error)}</p>}
      {cards.data && (
        <>
          <button
            type="button"
            className="primary"
            style={{ margin: '12px 0' }}
            onClick={() => window.print()}
          >
            {t('print')}
          </button>
          <div className="health-grid">
            {cards.data.map((c) => (
              <Card key={c.householdId} label={c.label} code={c.code} qrText={c.qrText} />
            ))}
          </div>
        </>
      )}
    </main>
  );
}

function Card({ label, code, qrText }: { label: string; code: string; qrText: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    void QRCode.toString(qrText, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then(setSvg);
  }, [qrText]);
  return (
    <div className="card" style={{ breakInside: 'avoid', textAlign: 'center' }}>
      <strong>{label}</strong>
      {svg && <div role="img" aria-label={`${label} ${code}`} dangerouslySetInnerHTML={{ __html: svg }} />}
      <div className="health-big" style={{ letterSpacing: '0.2em' }}>
        {code}
      </div>
    </div>
  );
}
