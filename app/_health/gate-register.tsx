'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { decodeQrFromFile } from '@/app/v/[communityId]/checkoff/_kit/qr';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { hhmm, useHealthLive } from './use-health-live';
import './health.css';

/**
 * 一戴三查 at the gate: scan the household's QR (or type its code), check the mask and temperature,
 * register out or back in; who is out now and for how long. Volunteers on duty and coordinators.
 */
export function GateRegister({ communityId }: { communityId: string }) {
  const t = useTranslations('health.gate');
  const th = useTranslations('health');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('health');
  const live = useHealthLive(communityId, ['gate']);
  const q = useQuery(trpc.healthRounds.gateRegister.queryOptions({ communityId }));
  const [code, setCode] = useState('');
  const [maskOk, setMaskOk] = useState(true);
  const [temperature, setTemperature] = useState('');
  const [note, setNote] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const register = useMutation(
    trpc.healthRounds.registerGate.mutationOptions({
      onSuccess: (r, v) => {
        setDone(
          `${t(v.direction === 'out' ? 'registeredOut' : 'registeredIn', { label: r.label })}${r.already ? ` ${t('already')}` : ''}`,
        );
        setCode('');
        setTemperature('');
        setNote('');
        void queryClient.invalidateQueries({ queryKey: trpc.healthRounds.gateRegister.queryKey() });
      },
    }),
  );
  const send = (direction: 'out' | 'in') =>
    register.mutate({
      communityId,
      code,
      direction,
      maskOk,
      note,
      temperature: temperature.trim() ? Number(temperature) : null,
    });
  return (
    <main data-page="health-gate">
      <div className="health-row" style={{ justifyContent: 'space-between' }}>
        <h1>{t('title')}</h1>
        <span className="muted" data-live={live}>
          {th(`live.${live}`)}
        </span>
      </div>
      <p className="muted">{t('privacy')}</p>
      {q.isError && (
        <p className="error" role="alert">
          {errorMessage(q.error)}
        </p>
      )}
      {q.data && (
        <>
          {q.data.dutyEndsAt && <p className="muted">{t('dutyUntil', { time: hhmm(q.data.dutyEndsAt) })}</p>}
          <label className="button primary" style={{ margin: '12px 0', width: '100%', position: 'relative' }}>
            {t('scan')}
            <input
              type="file"
              accept="image/*"
              capture="environment"
              data-testid="gate-scan-input"
              aria-label={t('scan')}
              style={{ position: 'absolute', width: 1, height: 1, opacity: 0 }}
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (!file) return;
                void decodeQrFromFile(file).then((found) => {
                  if (found) setCode(found);
                  else setDone(t('noQr'));
                });
              }}
            />
          </label>
          <section className="card">
            <label htmlFor="gate-code">{t('code')}</label>
            <input
              id="gate-code"
              name="gateCode"
              autoCapitalize="characters"
              autoComplete="off"
              placeholder={t('codeHint')}
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            <label className="health-check">
              <input type="checkbox" checked={maskOk} onChange={(e) => setMaskOk(e.target.checked)} />
              {t('mask')}
            </label>
            <label htmlFor="gate-temp">{t('temperature')}</label>
            <input
              id="gate-temp"
              inputMode="decimal"
              value={temperature}
              onChange={(e) => setTemperature(e.target.value)}
            />
            <label htmlFor="gate-note">{t('note')}</label>
            <input id="gate-note" value={note} onChange={(e) => setNote(e.target.value)} />
            <div className="health-grid" style={{ marginTop: 12 }}>
              <button
                type="button"
                className="primary"
                disabled={!code || register.isPending}
                onClick={() => send('out')}
              >
                {t('out')}
              </button>
              <button
                type="button"
                className="primary"
                disabled={!code || register.isPending}
                onClick={() => send('in')}
              >
                {t('in')}
              </button>
            </div>
            {done && !register.error && (
              <p role="status" data-testid="gate-result">
                {done}
              </p>
            )}
            {register.error && (
              <p className="error" role="alert">
                {errorMessage(register.error)}
              </p>
            )}
          </section>
          <section aria-labelledby="out-now">
            <h2 id="out-now">
              {t('outNow')} ({q.data.outNow.length})
            </h2>
            {q.data.outNow.length === 0 && <p className="muted">{t('nobodyOut')}</p>}
            <ul className="health-list" data-testid="out-now">
              {q.data.outNow.map((e) => (
                <li key={e.entryId} data-household={e.label}>
                  {t('outFor', { label: e.label, minutes: e.minutesOut })} · {hhmm(e.outAt)}
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="recent">
            <h2 id="recent">{t('recent')}</h2>
            <ul className="health-list" data-testid="back-in">
              {q.data.recent.slice(0, 30).map((e) => (
                <li key={e.entryId} data-household={e.label}>
                  {e.label} · {hhmm(e.outAt)}–{hhmm(e.inAt)}
                  {e.temperature !== null && ` · ${e.temperature}℃`}
                  {!e.maskOk && ' · ⚠'}
                  {e.note && ` · ${e.note}`}
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </main>
  );
}
