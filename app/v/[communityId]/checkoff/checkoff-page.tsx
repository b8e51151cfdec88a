'use client';
import { useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useMemo, useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import type { AppRouter } from '@/server/api/root';
import { dayTime, hhmm, placeLabel } from './_kit/format';
import { loadBagList, orderIdOfCode, saveBagList, setOutboxOwner, type QueuedCheckoff } from './_kit/outbox';
import { useDistributionLive } from './_kit/use-live';
import { PhotoField } from './_kit/photo';
import { Scanner, type ScanIcons } from './scanner';
import { useCheckoffOutbox } from './use-outbox';
import { formatShortCode, isShortCode, normalizeShortCode } from '@/server/services/distribution/short-code';
import { CHECKOFF_UNDO_MINUTES } from '@/server/services/distribution/rules';
import './_kit/distribution.css';

type BagList = inferRouterOutputs<AppRouter>['distribution']['checkoffBags'];
type Bag = BagList['bags'][number];
type ExceptionKind = NonNullable<QueuedCheckoff['exceptionKind']>;
const EXCEPTION_KINDS: ExceptionKind[] = ['nobody_home', 'damaged', 'item_missing', 'wrong_bag'];

/** `4:32`: minutes and seconds left (a countdown, not a clock time). */
function mmss(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** The phone's clock, re-read every second while `on` (for the undo countdowns). */
function useTick(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [on]);
  return now;
}

/** Units in the bag (what the volunteer counts when two bags of one merchant go to one flat). */
function itemCount(b: Bag): number {
  return b.items.reduce((n, i) => n + i.qty, 0);
}

function registerServiceWorker(userId: string) {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker
    .register('/sw.js', { scope: '/' })
    .then(async () => {
      const reg = await navigator.serviceWorker.ready;
      // Keep this page's own scripts and styles, so it opens again without network.
      const urls = performance
        .getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname)
        .filter((p) => p.startsWith('/_next/static/'));
      // userId: the worker keeps the copies as this person's (public/sw.js).
      reg.active?.postMessage({ type: 'precache', urls, page: location.pathname, userId });
    })
    .catch(() => {
      /* no offline shell on this browser; the outbox still works */
    });
}

/**
 * 楼道送达: the bags of my stairwells in route order, checked off by scanning the label or by a tap.
 * Works offline: check-offs wait in the phone (IndexedDB) with their own time and sync later.
 */
export function CheckoffPage({
  communityId,
  userId,
  scanIcons,
}: {
  communityId: string;
  userId: string;
  /** The scanner's button icons, drawn on the server (the icon set stays out of the scripts). */
  scanIcons: ScanIcons;
}) {
  // Before any hook below opens the outbox: this person's own (a shared phone keeps one each).
  setOutboxOwner(userId);
  const t = useTranslations('distribution');
  const locale = useLocale();
  const errorMessage = useErrorMessage('distribution');
  const trpc = useTRPC();
  const live = useDistributionLive(communityId);
  const outbox = useCheckoffOutbox(communityId);
  const [stairwellId, setStairwellId] = useState<string | null>(null);
  const [showAll, setShowAll] = useState(false);
  const [sheet, setSheet] = useState<{
    bag: Bag;
    via: 'scan' | 'tap' | 'manual';
    code: string | null;
    mode: 'choose' | 'exception';
  } | null>(null);
  const [notice, setNotice] = useState<{
    tone: 'ok' | 'bad' | 'info';
    text: string;
    /** ✓ 送达 just made: its bag, offered an undo in the notice. */
    undoBagId?: string;
  } | null>(null);
  /**
   * ✓ 送达 made on this phone while on this list, per bag: each may be undone for
   * CHECKOFF_UNDO_MINUTES by the phone's clock (the server checks the same), and until the
   * volunteer leaves the list (this state is not kept).
   */
  const [recent, setRecent] = useState<Record<string, { checkoffId: string; at: number }>>({});
  const clockNow = useTick(Object.keys(recent).length > 0);
  const undoLeft = (bagId: string): number => {
    const r = recent[bagId];
    return r ? r.at + CHECKOFF_UNDO_MINUTES * 60_000 - clockNow : 0;
  };
  /** 货到付款: what the volunteer typed as collected, per bag (yuan); the amount due until changed. */
  const [cashTyped, setCashTyped] = useState<Record<string, string>>({});
  const cashOf = (b: Bag): string =>
    cashTyped[b.bagId] ?? (b.cashToCollect != null ? (b.cashToCollect / 100).toFixed(2) : '');
  const cashFen = (b: Bag): number | null => {
    if (b.cashToCollect == null) return null;
    const v = Number(cashOf(b).trim());
    return Number.isFinite(v) && v >= 0 ? Math.round(v * 100) : null;
  };
  const cacheKey = `${communityId}:${stairwellId ?? 'mine'}`;
  const [cached, setCached] = useState<{ savedAt: string; data: BagList } | null>(null);

  useEffect(() => registerServiceWorker(userId), [userId]);
  useEffect(() => {
    let alive = true;
    void loadBagList<BagList>(cacheKey).then((c) => alive && setCached(c));
    return () => {
      alive = false;
    };
  }, [cacheKey]);

  const query = useQuery({
    ...trpc.distribution.checkoffBags.queryOptions({ communityId, stairwellId }),
    networkMode: 'offlineFirst',
  });
  useEffect(() => {
    if (query.data) void saveBagList(cacheKey, query.data);
  }, [query.data, cacheKey]);
  const data = query.data ?? cached?.data ?? null;
  const fromCache = !query.data && !!cached;

  // What the phone has done but the server has not confirmed yet, shown on the bags at once.
  const pendingByBag = useMemo(() => {
    const m = new Map<string, QueuedCheckoff>();
    for (const i of outbox.items) {
      const key = i.bagId ?? (i.code ? orderIdOfCode(i.code) : null);
      if (key) m.set(key, i);
    }
    return m;
  }, [outbox.items]);

  const bags = useMemo(() => data?.bags ?? [], [data]);
  const viewStatus = (b: Bag): Bag['status'] => {
    const q = pendingByBag.get(b.bagId) ?? pendingByBag.get(b.orderId);
    if (q && q.state === 'queued' && q.kind === 'undo') return 'pending';
    if (q && q.state === 'queued') return q.outcome === 'delivered' ? 'delivered' : 'exception';
    return b.status;
  };
  // A bag delivered a moment ago stays in view while it may be undone.
  const visible = bags.filter(
    (b) =>
      showAll ||
      viewStatus(b) === 'pending' ||
      viewStatus(b) === 'exception' ||
      (viewStatus(b) === 'delivered' && undoLeft(b.bagId) > 0),
  );
  const groups = useMemo(() => {
    const out: { stairwellId: string; building: string; stairwell: string; bags: Bag[] }[] = [];
    for (const b of visible) {
      let g = out.find((x) => x.stairwellId === b.stairwellId);
      if (!g)
        out.push(
          (g = { stairwellId: b.stairwellId, building: b.building, stairwell: b.stairwell, bags: [] }),
        );
      g.bags.push(b);
    }
    return out;
  }, [visible]);

  const label = (b: Bag) => placeLabel(t, { building: b.building, stairwell: b.stairwell, room: b.room });

  const submit = async (
    bag: Bag,
    outcome: 'delivered' | 'exception',
    via: 'scan' | 'tap' | 'manual',
    code: string | null,
    exceptionKind: ExceptionKind | null = null,
    note: string | null = null,
    photoKey: string | null = null,
  ) => {
    const cash = outcome === 'delivered' ? cashFen(bag) : null;
    if (outcome === 'delivered' && bag.cashToCollect != null && cash == null) {
      setNotice({ tone: 'bad', text: t('checkoff.cashInvalid') });
      return;
    }
    setSheet(null);
    const queued = await outbox.add({
      bagId: bag.bagId,
      code,
      outcome,
      exceptionKind,
      note,
      photoKey,
      via,
      label: label(bag),
      cashCollectedFen: cash,
    });
    if (outcome === 'delivered') {
      setRecent((r) => ({
        ...r,
        [bag.bagId]: { checkoffId: queued.checkoffId, at: Date.parse(queued.clientAt) },
      }));
    }
    setNotice({
      tone: outcome === 'delivered' ? 'ok' : 'info',
      text:
        outcome === 'delivered'
          ? t('checkoff.doneDelivered', { place: label(bag) })
          : t('checkoff.doneException', { place: label(bag), reason: t(`exceptionKinds.${exceptionKind}`) }),
      undoBagId: outcome === 'delivered' ? bag.bagId : undefined,
    });
  };

  /** 撤销送达: queued like a check-off (after it), so it works offline too. */
  const undo = async (bag: Bag) => {
    const r = recent[bag.bagId];
    if (!r) return;
    setRecent(({ [bag.bagId]: _gone, ...rest }) => rest);
    await outbox.add({
      kind: 'undo',
      undoOf: r.checkoffId,
      bagId: bag.bagId,
      code: null,
      outcome: 'delivered',
      exceptionKind: null,
      note: null,
      via: 'tap',
      label: label(bag),
    });
    setNotice({ tone: 'info', text: t('checkoff.undoneDelivered', { place: label(bag) }) });
  };
  const undoButton = (b: Bag, testId: string) =>
    undoLeft(b.bagId) > 0 ? (
      <button type="button" className="dist-undo" onClick={() => void undo(b)} data-testid={testId}>
        ↶ {t('checkoff.undoDelivered', { time: mmss(undoLeft(b.bagId)) })}
      </button>
    ) : null;

  const onCode = (code: string, via: 'scan' | 'manual') => {
    setNotice(null);
    // A typed 短码 is matched against the bags of my stairwells (the cached list works offline); a
    // code of another stairwell is not in it, and is refused as its QR would be.
    const short = normalizeShortCode(code);
    const orderId = isShortCode(short) ? null : orderIdOfCode(code);
    if (!orderId && !isShortCode(short)) {
      setNotice({
        tone: 'bad',
        text: t(via === 'manual' ? 'checkoff.codeNotRecognized' : 'errors.BAG_CODE_INVALID'),
      });
      return;
    }
    const bag = orderId ? bags.find((b) => b.orderId === orderId) : bags.find((b) => b.shortCode === short);
    if (!bag) {
      setNotice({ tone: 'bad', text: t('checkoff.notMine') });
      return;
    }
    setSheet({ bag, via, code: orderId ? code : short, mode: 'choose' });
  };

  const released = (b: Bag) => b.batchStatus !== 'received' && b.batchStatus !== 'disinfecting';
  const stairwells = data?.stairwells ?? [];
  const needsChoice = !!data?.scopeAll && !stairwellId;
  const counts = { total: bags.length, done: bags.filter((b) => viewStatus(b) === 'delivered').length };

  return (
    <main data-page="checkoff">
      <div className="dist-head">
        <h1>{t('checkoff.title')}</h1>
        <span className="dist-live" data-state={outbox.online ? live : 'off'}>
          {outbox.online ? t(`live.${live}`) : t('checkoff.offline')}
        </span>
      </div>

      <div className="dist-sync" data-offline={!outbox.online} role="status" aria-live="polite">
        <span>
          {outbox.waiting.length > 0 ? (
            <>
              {t.rich('checkoff.waiting', {
                count: outbox.waiting.length,
                n: (chunks) => <strong data-testid="pending-sync">{chunks}</strong>,
              })}
            </>
          ) : (
            <span data-testid="all-synced">
              {t('checkoff.allSynced')}
              <strong data-testid="pending-sync" hidden>
                0
              </strong>
            </span>
          )}
          {!outbox.online && <> · {t('checkoff.savedOnPhone')}</>}
        </span>
        {outbox.waiting.length > 0 && outbox.online && (
          <button
            type="button"
            onClick={() => void outbox.sync()}
            disabled={outbox.syncing}
            style={{ minHeight: 40 }}
          >
            {outbox.syncing ? t('checkoff.syncing') : t('checkoff.syncNow')}
          </button>
        )}
      </div>

      {outbox.failed.length > 0 && (
        <section className="card" style={{ borderColor: 'var(--accent)' }}>
          <h2 style={{ marginTop: 0 }}>{t('checkoff.failedTitle', { count: outbox.failed.length })}</h2>
          <ul style={{ paddingLeft: '1.2em' }}>
            {outbox.failed.map((f) => (
              <li key={f.checkoffId} style={{ marginBottom: 8 }}>
                <strong>{f.label}</strong> ·{' '}
                {f.kind === 'undo' ? t('outcomes.undo') : t(`outcomes.${f.outcome}`)} —{' '}
                {errorMessage({ message: f.error, data: { appCode: f.errorCode } })}{' '}
                <button
                  type="button"
                  onClick={() => void outbox.dismiss(f.checkoffId)}
                  style={{ minHeight: 40 }}
                >
                  {t('checkoff.dismiss')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}

      {notice && (
        <div className="dist-notice" data-tone={notice.tone} role="alert" data-testid="checkoff-notice">
          <p style={{ margin: 0 }}>{notice.text}</p>
          {notice.undoBagId &&
            (() => {
              const b = bags.find((x) => x.bagId === notice.undoBagId);
              return b && viewStatus(b) === 'delivered' ? undoButton(b, 'notice-undo') : null;
            })()}
        </div>
      )}

      <Scanner onCode={onCode} icons={scanIcons} />

      {stairwells.length > 1 && (
        <nav aria-label={t('checkoff.stairwells')} className="dist-row" style={{ margin: '12px 0' }}>
          {data?.scopeAll ? (
            <select
              value={stairwellId ?? ''}
              onChange={(e) => setStairwellId(e.target.value || null)}
              aria-label={t('checkoff.chooseStairwell')}
            >
              <option value="">{t('checkoff.chooseStairwell')}</option>
              {stairwells.map((s) => (
                <option key={s.id} value={s.id}>
                  {placeLabel(t, { building: s.building, stairwell: s.number })}
                </option>
              ))}
            </select>
          ) : null}
        </nav>
      )}

      {query.isPending && !data && <p className="muted">{t('loading')}</p>}
      {query.isError && !data && <p className="error">{errorMessage(query.error)}</p>}
      {fromCache && cached && (
        <p className="muted">{t('checkoff.fromCache', { time: dayTime(cached.savedAt, locale) })}</p>
      )}
      {needsChoice && <p className="muted">{t('checkoff.coordinatorHint')}</p>}

      {data && !needsChoice && (
        <>
          <div className="dist-head" style={{ marginTop: 16 }}>
            <p style={{ margin: 0 }}>{t('checkoff.progress', { done: counts.done, total: counts.total })}</p>
            <div className="dist-choice" style={{ flex: '0 0 auto', gridTemplateColumns: 'auto auto' }}>
              <button type="button" aria-pressed={!showAll} onClick={() => setShowAll(false)}>
                {t('checkoff.toDo')}
              </button>
              <button type="button" aria-pressed={showAll} onClick={() => setShowAll(true)}>
                {t('checkoff.all')}
              </button>
            </div>
          </div>
          {bags.length === 0 && <p className="card muted">{t('checkoff.noBags')}</p>}
          {bags.length > 0 && visible.length === 0 && (
            <p className="card dist-notice">{t('checkoff.allDone')}</p>
          )}
          {groups.map((g) => (
            <section key={g.stairwellId} aria-label={placeLabel(t, g)}>
              <h2>{placeLabel(t, g)}</h2>
              {g.bags.map((b) => {
                const status = viewStatus(b);
                const queued = pendingByBag.get(b.bagId) ?? pendingByBag.get(b.orderId);
                const canAct = released(b) && (status === 'pending' || status === 'exception');
                return (
                  <article
                    key={b.bagId}
                    className="card dist-bag"
                    data-testid="bag-card"
                    data-order-id={b.orderId}
                    data-status={status}
                    data-care={!!b.care}
                    data-focus={sheet?.bag.bagId === b.bagId}
                  >
                    <div className="dist-head">
                      <span className="dist-room">{t('checkoff.room', { room: b.room })}</span>
                      <span
                        className="dist-chip"
                        data-tone={
                          status === 'delivered'
                            ? 'ok'
                            : status === 'exception'
                              ? 'warn'
                              : status === 'refunded'
                                ? undefined
                                : 'info'
                        }
                      >
                        {t(`bagStatus.${status}`)}
                        {queued?.state === 'queued' ? ` · ${t('checkoff.notSynced')}` : ''}
                      </span>
                    </div>
                    <p className="dist-relay" data-testid="bag-relay">
                      <strong>
                        {t('checkoff.whichRelay', { merchant: b.merchantName, relay: b.relayTitle })}
                      </strong>{' '}
                      · {t('checkoff.itemCount', { count: itemCount(b) })}
                    </p>
                    <p style={{ margin: '4px 0' }}>
                      {t('checkoff.floor', { floor: b.floor })} · #{b.seq} · {b.residentName}
                      {b.shortCode && (
                        <>
                          {' · '}
                          <span className="dist-code">
                            {t('checkoff.shortCode', { code: formatShortCode(b.shortCode) })}
                          </span>
                        </>
                      )}
                    </p>
                    {b.care && (
                      <p className="dist-care" style={{ margin: '4px 0' }}>
                        ♥ {b.care.categories.map((c) => t(`care.${c}`)).join('、')}
                        {b.care.doorDelivery ? ` · ${t('checkoff.toTheDoor')}` : ''}
                      </p>
                    )}
                    <ul className="dist-items">
                      {b.items.map((i) => (
                        <li key={i.name}>
                          {i.name} {i.spec && <span className="muted">{i.spec}</span>} × {i.qty}
                          {i.unit}
                        </li>
                      ))}
                    </ul>
                    {b.cashToCollect != null && canAct && queued?.state !== 'queued' && (
                      <CashField
                        id={`cash-${b.bagId}`}
                        dueFen={b.cashToCollect}
                        value={cashOf(b)}
                        onChange={(v) => setCashTyped((c) => ({ ...c, [b.bagId]: v }))}
                      />
                    )}
                    {status === 'delivered' && undoButton(b, 'undo-delivered')}
                    {status === 'delivered' && b.deliveredAt && (
                      <p className="muted" style={{ margin: '6px 0 0' }}>
                        {t('checkoff.deliveredAt', {
                          time: hhmm(b.deliveredAt),
                          by: b.deliveredByName ?? '',
                        })}
                      </p>
                    )}
                    {status === 'exception' && b.exceptionKind && !queued && (
                      <p style={{ margin: '6px 0 0' }}>
                        {t(`exceptionKinds.${b.exceptionKind}`)}
                        {b.exceptionNote ? ` · ${b.exceptionNote}` : ''}
                      </p>
                    )}
                    {!released(b) && (
                      <p className="muted" style={{ margin: '6px 0 0' }}>
                        {t('checkoff.waitRelease')}
                      </p>
                    )}
                    {canAct && queued?.state !== 'queued' && (
                      <div className="dist-actions">
                        <button
                          type="button"
                          className="dist-ok"
                          onClick={() => void submit(b, 'delivered', 'tap', null)}
                          data-testid="tap-delivered"
                        >
                          ✓ {status === 'exception' ? t('checkoff.deliverNow') : t('checkoff.delivered')}
                        </button>
                        {status === 'pending' ? (
                          <button
                            type="button"
                            className="dist-warn"
                            onClick={() => setSheet({ bag: b, via: 'tap', code: null, mode: 'exception' })}
                            data-testid="tap-exception"
                          >
                            {t('checkoff.exception')}
                          </button>
                        ) : (
                          <span />
                        )}
                      </div>
                    )}
                  </article>
                );
              })}
            </section>
          ))}
        </>
      )}

      {sheet && (
        <BagSheet
          bag={sheet.bag}
          mode={sheet.mode}
          status={viewStatus(sheet.bag)}
          released={released(sheet.bag)}
          label={label(sheet.bag)}
          cash={
            sheet.bag.cashToCollect != null ? (
              <CashField
                id={`sheet-cash-${sheet.bag.bagId}`}
                dueFen={sheet.bag.cashToCollect}
                value={cashOf(sheet.bag)}
                onChange={(v) => setCashTyped((c) => ({ ...c, [sheet.bag.bagId]: v }))}
              />
            ) : null
          }
          onClose={() => setSheet(null)}
          onDelivered={() => void submit(sheet.bag, 'delivered', sheet.via, sheet.code)}
          onException={(kind, note, photoKey) =>
            void submit(sheet.bag, 'exception', sheet.via, sheet.code, kind, note, photoKey)
          }
          communityId={communityId}
          online={outbox.online}
        />
      )}
    </main>
  );
}

function BagSheet({
  communityId,
  online,
  bag,
  mode,
  status,
  released,
  label,
  cash,
  onClose,
  onDelivered,
  onException,
}: {
  communityId: string;
  online: boolean;
  bag: Bag;
  mode: 'choose' | 'exception';
  status: Bag['status'];
  released: boolean;
  label: string;
  cash: React.ReactNode;
  onClose: () => void;
  onDelivered: () => void;
  onException: (kind: ExceptionKind, note: string | null, photoKey: string | null) => void;
}) {
  const t = useTranslations('distribution');
  const [kind, setKind] = useState<ExceptionKind | null>(null);
  const [note, setNote] = useState('');
  const [photoKey, setPhotoKey] = useState<string | null>(null);
  const [asking, setAsking] = useState(mode === 'exception');
  const open = status === 'pending' || status === 'exception';
  return (
    <>
      <div className="dist-sheet-backdrop" onClick={onClose} aria-hidden />
      <div
        className="dist-sheet"
        role="dialog"
        aria-modal="true"
        aria-labelledby="sheet-title"
        data-testid="bag-sheet"
      >
        <div>
          <h2 id="sheet-title" style={{ marginTop: 0 }}>
            {label}
          </h2>
          <p className="dist-relay">
            <strong>{t('checkoff.whichRelay', { merchant: bag.merchantName, relay: bag.relayTitle })}</strong>{' '}
            · {t('checkoff.itemCount', { count: itemCount(bag) })}
          </p>
          <p>
            #{bag.seq} · {bag.residentName} · {bag.items.map((i) => `${i.name}×${i.qty}`).join('、')}
          </p>
          {bag.care && <p className="dist-care">♥ {t('checkoff.toTheDoor')}</p>}
          {!released ? (
            <p className="dist-notice" data-tone="bad">
              {t('errors.BATCH_NOT_RELEASED')}
            </p>
          ) : !open ? (
            <p className="dist-notice" data-tone="info">
              {t(`bagStatus.${status}`)}
            </p>
          ) : !asking ? (
            <>
              {cash}
              <div className="dist-actions">
                <button
                  type="button"
                  className="dist-ok"
                  onClick={onDelivered}
                  data-testid="sheet-delivered"
                  autoFocus
                >
                  ✓ {t('checkoff.delivered')}
                </button>
                {status === 'pending' && (
                  <button
                    type="button"
                    className="dist-warn"
                    onClick={() => setAsking(true)}
                    data-testid="sheet-exception"
                  >
                    {t('checkoff.exception')}
                  </button>
                )}
              </div>
            </>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                if (kind) onException(kind, note.trim() || null, photoKey);
              }}
            >
              <p style={{ fontWeight: 600 }}>{t('checkoff.whatHappened')}</p>
              <div className="dist-choice" role="group" aria-label={t('checkoff.whatHappened')}>
                {EXCEPTION_KINDS.map((k) => (
                  <button
                    key={k}
                    type="button"
                    aria-pressed={kind === k}
                    onClick={() => setKind(k)}
                    data-testid={`reason-${k}`}
                  >
                    {t(`exceptionKinds.${k}`)}
                  </button>
                ))}
              </div>
              <label htmlFor="exception-note">{t('checkoff.noteLabel')}</label>
              <input
                id="exception-note"
                value={note}
                onChange={(e) => setNote(e.target.value)}
                maxLength={300}
              />
              <PhotoField
                communityId={communityId}
                purpose="exception"
                value={photoKey}
                onChange={setPhotoKey}
                disabled={!online}
              />
              <button
                type="submit"
                className="primary"
                disabled={!kind}
                style={{ width: '100%', marginTop: 12 }}
                data-testid="confirm-exception"
              >
                {t('checkoff.recordException')}
              </button>
            </form>
          )}
          <button type="button" onClick={onClose} style={{ width: '100%', marginTop: 12 }}>
            {t('cancel')}
          </button>
        </div>
      </div>
    </>
  );
}

/** 货到付款: the cash collected at the door, prefilled with what is due; a different amount is recorded as an exception. */
function CashField({
  id,
  dueFen,
  value,
  onChange,
}: {
  id: string;
  dueFen: number;
  value: string;
  onChange: (v: string) => void;
}) {
  const t = useTranslations('distribution');
  const typed = Number(value);
  const differs = value.trim() !== '' && Number.isFinite(typed) && Math.round(typed * 100) !== dueFen;
  return (
    <div className="dist-cash" data-testid="cash-field">
      <label htmlFor={id}>
        {t('checkoff.cashDue', { amount: (dueFen / 100).toFixed(2) })}
        <br />
        {t('checkoff.cashCollected')}
      </label>
      <input
        id={id}
        inputMode="decimal"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-testid="cash-collected"
        style={{ fontSize: '1.2rem', minHeight: 48, width: '10em' }}
      />
      {differs && (
        <p className="dist-notice" data-tone="bad" role="alert">
          {t('checkoff.cashMismatch')}
        </p>
      )}
    </div>
  );
}
