'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import type { AppRouter } from '@/server/api/root';
import { agentName, countdown, hhmm, useServerNow } from '@/app/v/[communityId]/checkoff/_kit/format';
import { PhotoField, PhotoView } from '@/app/v/[communityId]/checkoff/_kit/photo';
import { useDistributionLive } from '@/app/v/[communityId]/checkoff/_kit/use-live';
import '@/app/v/[communityId]/checkoff/_kit/distribution.css';

type Gate = inferRouterOutputs<AppRouter>['distribution']['gate'];
type Batch = Gate['batches'][number];
type EnRoute = Gate['enRoute'][number];

/** Agents volunteers used in 2022, with their usual strength; anything else can be typed. */
const AGENTS = [
  { agent: '含氯消毒剂', concentration: '500 mg/L' },
  { agent: '75% 酒精', concentration: '75%' },
  { agent: '过氧乙酸', concentration: '0.2%' },
];

/**
 * 门岗交接: the gate volunteer records each truck's arrival, the disinfection of its batch, waits out
 * the dwell (the countdown runs on the server's clock) and releases the bags to the stairwells.
 */
export function GatePage({ communityId }: { communityId: string }) {
  const t = useTranslations('distribution');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('distribution');
  const live = useDistributionLive(communityId);
  const query = useQuery(trpc.distribution.gate.queryOptions({ communityId }));
  const now = useServerNow(query.data?.serverNow);

  return (
    <main data-page="gate">
      <div className="dist-head">
        <h1>{t('gate.title')}</h1>
        <span className="dist-live" data-state={live}>
          {t(`live.${live}`)}
        </span>
      </div>
      {query.isPending && <p className="muted">{t('loading')}</p>}
      {query.isError && <p className="error">{errorMessage(query.error)}</p>}
      {query.data && (
        <>
          <section aria-labelledby="en-route">
            <h2 id="en-route">{t('gate.enRoute', { count: query.data.enRoute.length })}</h2>
            {query.data.enRoute.length === 0 && <p className="muted">{t('gate.noneEnRoute')}</p>}
            {query.data.enRoute.map((d) => (
              <ArrivalCard key={d.deliveryId} communityId={communityId} delivery={d} now={now} />
            ))}
          </section>
          <section aria-labelledby="at-gate">
            <h2 id="at-gate">{t('gate.atGate')}</h2>
            {query.data.batches.length === 0 && <p className="muted">{t('gate.noBatches')}</p>}
            {query.data.batches.map((b) => (
              <BatchCard
                key={b.batchId}
                communityId={communityId}
                batch={b}
                now={now}
                dwell={query.data.dwell}
              />
            ))}
          </section>
        </>
      )}
    </main>
  );
}

function ArrivalCard({ communityId, delivery, now }: { communityId: string; delivery: EnRoute; now: Date }) {
  const t = useTranslations('distribution');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('distribution');
  const [packages, setPackages] = useState('');
  const [receivedBy, setReceivedBy] = useState('');
  const [remarks, setRemarks] = useState('');
  const arrive = useMutation(
    trpc.distribution.recordArrival.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.distribution.pathKey() }),
    }),
  );
  const late = now.getTime() > new Date(delivery.eta).getTime();
  const count = Number(packages);
  const valid = packages.trim() !== '' && Number.isInteger(count) && count >= 0;
  return (
    <form
      className="card"
      data-testid="arrival-card"
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        arrive.mutate({
          communityId,
          deliveryId: delivery.deliveryId,
          packageCount: count,
          receivedByName: receivedBy.trim() || null,
          remarks: remarks.trim() || null,
        });
      }}
    >
      <div className="dist-head">
        <strong style={{ fontSize: '1.15rem' }}>{delivery.merchantName}</strong>
        <span className="dist-chip" data-tone={late ? 'warn' : 'info'}>
          {t('gate.eta', { time: hhmm(delivery.eta) })}
        </span>
      </div>
      <p style={{ margin: '6px 0' }}>
        {delivery.relays.map((r) => r.title).join('、')} · {t('gate.orders', { count: delivery.orders })}
      </p>
      <p className="muted" style={{ margin: '6px 0' }}>
        {[delivery.vehiclePlate, delivery.driverName].filter(Boolean).join(' · ')}
        {delivery.driverPhone && (
          <>
            {' · '}
            <a href={`tel:${delivery.driverPhone}`}>{t('gate.callDriver')}</a>
          </>
        )}
      </p>
      <div className="dist-grid2">
        <div>
          <label htmlFor={`pk-${delivery.deliveryId}`}>{t('gate.packages')}</label>
          <input
            id={`pk-${delivery.deliveryId}`}
            inputMode="numeric"
            pattern="[0-9]*"
            value={packages}
            onChange={(e) => setPackages(e.target.value.replace(/[^0-9]/g, ''))}
            required
            data-testid="package-count"
          />
        </div>
        <div>
          <label htmlFor={`rb-${delivery.deliveryId}`}>{t('gate.receivedBy')}</label>
          <input
            id={`rb-${delivery.deliveryId}`}
            value={receivedBy}
            onChange={(e) => setReceivedBy(e.target.value)}
            placeholder={t('gate.receivedByMe')}
            maxLength={40}
          />
        </div>
      </div>
      <label htmlFor={`rm-${delivery.deliveryId}`}>{t('gate.remarks')}</label>
      <input
        id={`rm-${delivery.deliveryId}`}
        value={remarks}
        onChange={(e) => setRemarks(e.target.value)}
        maxLength={500}
        placeholder={t('gate.remarksHint')}
      />
      {arrive.error && (
        <p className="error" role="alert">
          {errorMessage(arrive.error)}
        </p>
      )}
      <button
        type="submit"
        className="primary"
        disabled={!valid || arrive.isPending}
        style={{ width: '100%', marginTop: 12 }}
        data-testid="record-arrival"
      >
        {arrive.isPending ? t('saving') : t('gate.recordArrival')}
      </button>
    </form>
  );
}

const STEPS = ['received', 'disinfecting', 'released', 'distributing', 'completed'] as const;

function BatchCard({
  communityId,
  batch,
  now,
  dwell,
}: {
  communityId: string;
  batch: Batch;
  now: Date;
  dwell: Gate['dwell'];
}) {
  const t = useTranslations('distribution');
  const reached = STEPS.indexOf(batch.status);
  const times: Record<(typeof STEPS)[number], Date | null> = {
    received: batch.receivedAt,
    disinfecting: batch.startedAt,
    released: batch.releasedAt,
    distributing: null,
    completed: batch.completedAt,
  };
  return (
    <article className="card" data-testid="batch-card" data-status={batch.status}>
      <div className="dist-head">
        <strong style={{ fontSize: '1.15rem' }}>{batch.merchantName}</strong>
        <span
          className="dist-chip"
          data-tone={batch.status === 'disinfecting' ? 'warn' : batch.status === 'received' ? 'bad' : 'ok'}
        >
          {t(`batchStatus.${batch.status}`)}
        </span>
      </div>
      <p className="muted" style={{ margin: '4px 0' }}>
        {t('gate.arrivedLine', {
          time: hhmm(batch.receivedAt),
          packages: batch.packageCount ?? 0,
          name: batch.receivedByName,
        })}
      </p>
      <ol className="dist-steps">
        {STEPS.map((s, i) => (
          <li
            key={s}
            data-done={i < reached || (i === reached && s !== 'disinfecting')}
            data-current={i === reached && s === 'disinfecting'}
          >
            {t(`batchSteps.${s}`)}
            {times[s] && <time>{hhmm(times[s])}</time>}
          </li>
        ))}
      </ol>
      {batch.status === 'received' && (
        <DisinfectionForm communityId={communityId} batchId={batch.batchId} dwell={dwell} />
      )}
      {batch.status === 'disinfecting' && <Release communityId={communityId} batch={batch} now={now} />}
      {(batch.status === 'released' || batch.status === 'distributing' || batch.status === 'completed') && (
        <>
          <p style={{ margin: '4px 0' }}>
            {t('gate.bagsProgress', {
              delivered: batch.bags.delivered,
              total: batch.bags.total,
              exceptions: batch.bags.exception,
            })}
          </p>
          <div className="dist-bar" aria-hidden>
            <span
              style={{
                width: `${batch.bags.total ? (100 * (batch.bags.delivered + batch.bags.refunded)) / batch.bags.total : 100}%`,
              }}
            />
          </div>
          {batch.photoKey && <PhotoView photoKey={batch.photoKey} />}
          {batch.agent && (
            <p className="muted" style={{ margin: '8px 0 0' }}>
              {t('gate.disinfectedWith', {
                agent: agentName(t, batch.agent),
                concentration: batch.concentration ?? '',
                method: batch.method ? t(`methods.${batch.method}`) : '',
              })}
            </p>
          )}
        </>
      )}
    </article>
  );
}

function DisinfectionForm({
  communityId,
  batchId,
  dwell,
}: {
  communityId: string;
  batchId: string;
  dwell: Gate['dwell'];
}) {
  const t = useTranslations('distribution');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('distribution');
  const [agent, setAgent] = useState(AGENTS[0]!.agent);
  const [custom, setCustom] = useState('');
  const [concentration, setConcentration] = useState(AGENTS[0]!.concentration);
  const [method, setMethod] = useState<'spray' | 'wipe' | 'uv' | null>(null);
  const [minutes, setMinutes] = useState(String(dwell.minimumMinutes));
  const [operator, setOperator] = useState('');
  const [photoKey, setPhotoKey] = useState<string | null>(null);
  const record = useMutation(
    trpc.distribution.recordDisinfection.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.distribution.pathKey() }),
    }),
  );
  const chosenAgent = agent === 'other' ? custom.trim() : agent;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!method || !chosenAgent) return;
        record.mutate({
          communityId,
          batchId,
          agent: chosenAgent,
          concentration: concentration.trim(),
          method,
          dwellMinutes: dwell.testSetting ? null : Number(minutes) || null,
          operatorName: operator.trim() || null,
          photoKey,
        });
      }}
      data-testid="disinfection-form"
    >
      <h3 style={{ margin: '8px 0' }}>{t('gate.disinfection')}</h3>
      <label htmlFor={`agent-${batchId}`}>{t('gate.agent')}</label>
      <select
        id={`agent-${batchId}`}
        value={agent}
        onChange={(e) => {
          setAgent(e.target.value);
          const preset = AGENTS.find((a) => a.agent === e.target.value);
          if (preset) setConcentration(preset.concentration);
        }}
      >
        {AGENTS.map((a) => (
          <option key={a.agent} value={a.agent}>
            {agentName(t, a.agent)}
          </option>
        ))}
        <option value="other">{t('gate.otherAgent')}</option>
      </select>
      {agent === 'other' && (
        <input
          aria-label={t('gate.otherAgent')}
          value={custom}
          onChange={(e) => setCustom(e.target.value)}
          style={{ marginTop: 8 }}
          maxLength={60}
          required
        />
      )}
      <label htmlFor={`conc-${batchId}`}>{t('gate.concentration')}</label>
      <input
        id={`conc-${batchId}`}
        value={concentration}
        onChange={(e) => setConcentration(e.target.value)}
        maxLength={40}
      />
      <p style={{ fontWeight: 600, margin: '12px 0 4px' }}>{t('gate.method')}</p>
      <div className="dist-choice" role="group" aria-label={t('gate.method')}>
        {(['spray', 'wipe', 'uv'] as const).map((m) => (
          <button
            key={m}
            type="button"
            aria-pressed={method === m}
            onClick={() => setMethod(m)}
            data-testid={`method-${m}`}
          >
            {t(`methods.${m}`)}
          </button>
        ))}
      </div>
      {dwell.testSetting ? (
        <p className="muted">{t('gate.testDwell', { seconds: dwell.seconds })}</p>
      ) : (
        <>
          <label htmlFor={`dwell-${batchId}`}>{t('gate.dwellMinutes', { min: dwell.minimumMinutes })}</label>
          <input
            id={`dwell-${batchId}`}
            inputMode="numeric"
            value={minutes}
            onChange={(e) => setMinutes(e.target.value.replace(/[^0-9]/g, ''))}
          />
        </>
      )}
      <label htmlFor={`op-${batchId}`}>{t('gate.operator')}</label>
      <input
        id={`op-${batchId}`}
        value={operator}
        onChange={(e) => setOperator(e.target.value)}
        placeholder={t('gate.receivedByMe')}
        maxLength={40}
      />
      <PhotoField communityId={communityId} purpose="disinfection" value={photoKey} onChange={setPhotoKey} />
      {record.error && (
        <p className="error" role="alert">
          {errorMessage(record.error)}
        </p>
      )}
      <button
        type="submit"
        className="primary"
        disabled={!method || !chosenAgent || record.isPending}
        style={{ width: '100%', marginTop: 12 }}
        data-testid="record-disinfection"
      >
        {record.isPending ? t('saving') : t('gate.startDisinfection')}
      </button>
    </form>
  );
}

function Release({ communityId, batch, now }: { communityId: string; batch: Batch; now: Date }) {
  const t = useTranslations('distribution');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('distribution');
  const release = useMutation(
    trpc.distribution.release.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.distribution.pathKey() }),
    }),
  );
  const left = batch.releasableAt ? new Date(batch.releasableAt).getTime() - now.getTime() : 0;
  const ready = left <= 0;
  return (
    <div>
      <p style={{ margin: '4px 0' }}>
        {t('gate.disinfectingSince', {
          time: hhmm(batch.startedAt),
          agent: agentName(t, batch.agent),
          method: batch.method ? t(`methods.${batch.method}`) : '',
        })}
      </p>
      <p className="dist-big" aria-live="off" data-testid="countdown">
        {ready ? t('gate.ready') : countdown(left)}
      </p>
      <p className="muted" style={{ marginTop: 0 }}>
        {t('gate.releasableAt', { time: hhmm(batch.releasableAt) })}
      </p>
      {release.error && (
        <p className="error" role="alert">
          {errorMessage(release.error)}
        </p>
      )}
      <button
        type="button"
        className="primary"
        style={{ width: '100%' }}
        disabled={!ready || release.isPending}
        onClick={() => release.mutate({ communityId, batchId: batch.batchId })}
        data-testid="release-batch"
      >
        {release.isPending ? t('saving') : ready ? t('gate.release') : t('gate.releaseWait')}
      </button>
    </div>
  );
}
