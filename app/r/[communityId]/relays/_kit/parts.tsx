'use client';
import { useLocale, useTranslations } from 'next-intl';
import { clock, dayTime, useServerNow } from './format';
import type { ChainEntry, RelayView } from './use-relay-live';

type Status = RelayView['status'];

const TONE: Partial<Record<Status, string>> = {
  open: 'ok',
  draft: 'info',
  closed: 'warn',
  formed: 'ok',
  failed: 'bad',
  cancelled: 'bad',
};

export function RelayStatusChip({ status }: { status: Status }) {
  const t = useTranslations('relay.status');
  return (
    <span className="rl-chip" data-tone={TONE[status] ?? 'info'} data-testid="relay-status">
      {t(status)}
    </span>
  );
}

/** 距截单 1:02:03 (open), 距开始 (upcoming), or when it closed. Counts on the server's clock. */
export function Countdown({
  relay,
  serverNow,
}: {
  relay: Pick<RelayView, 'status' | 'opensAt' | 'closesAt' | 'closedAt'>;
  serverNow: Date;
}) {
  const t = useTranslations('relay.countdown');
  const locale = useLocale();
  const now = useServerNow(serverNow);
  const opens = new Date(relay.opensAt).getTime();
  const closes = new Date(relay.closesAt).getTime();
  if (relay.status === 'draft' || (relay.status === 'open' && now < opens)) {
    return (
      <p className="rl-meta">
        {t('opensIn')} <span className="rl-countdown">{clock(opens - now)}</span> ·{' '}
        {dayTime(relay.opensAt, locale)}
      </p>
    );
  }
  if (relay.status === 'open' && now < closes) {
    return (
      <p className="rl-meta" aria-live="off">
        {t('closesIn')}{' '}
        <span className="rl-countdown" data-testid="countdown">
          {clock(closes - now)}
        </span>{' '}
        · {dayTime(relay.closesAt, locale)}
      </p>
    );
  }
  return (
    <p className="rl-meta">{t('closedAt', { time: dayTime(relay.closedAt ?? relay.closesAt, locale) })}</p>
  );
}

/** Past 成团: the relay formed and went on; "付款后即成团" no longer applies. */
const FORMED = new Set(['formed', 'dispatched', 'arrived', 'distributing', 'completed']);

/** Toward 成团: households or units in live orders, and how many of them paid. */
export function Progress({ progress, status }: { progress: RelayView['progress']; status?: string }) {
  const t = useTranslations('relay.progress');
  if (progress.kind === 'none') {
    return <p className="rl-meta">{t('none', { count: progress.current })}</p>;
  }
  const pct = Math.round(Math.min(1, progress.ratio) * 100);
  return (
    <div>
      <p style={{ margin: '4px 0' }}>
        <strong>{t(progress.kind, { current: progress.current, target: progress.target })}</strong>{' '}
        <span className="muted">{t('paid', { paid: progress.paid })}</span>
      </p>
      <div
        className="rl-bar"
        data-met={String(progress.current >= progress.target)}
        role="progressbar"
        aria-label={`${t('label')} ${t(progress.kind, { current: progress.current, target: progress.target })}`}
        aria-valuemin={0}
        aria-valuemax={progress.target}
        aria-valuenow={progress.current}
      >
        <span style={{ width: `${pct}%` }} />
      </div>
      <p className="rl-meta">
        {status && FORMED.has(status)
          ? t('formed')
          : status === 'failed' || status === 'cancelled'
            ? null
            : progress.current >= progress.target
              ? t('reached')
              : t('missing', { missing: progress.target - progress.current })}
      </p>
    </div>
  );
}

/** `#23 3号楼 2单元 2**室 张* — 鸡蛋×2 大米×1`, newest first; withdrawn entries struck out. */
export function ChainList({
  chain,
  fresh,
  merchant,
}: {
  chain: ChainEntry[];
  fresh?: ReadonlySet<number>;
  /** The merchant's own page: no "be the first" invitation meant for residents. */
  merchant?: boolean;
}) {
  const t = useTranslations('relay.chain');
  if (chain.length === 0) return <p className="muted">{t(merchant ? 'emptyMerchant' : 'empty')}</p>;
  return (
    <ol className="rl-chain" data-testid="chain" reversed>
      {chain.map((e) => (
        <li
          key={e.seq}
          data-active={String(e.active)}
          data-mine={String(e.mine)}
          data-new={String(!!fresh?.has(e.seq))}
          data-seq={e.seq}
        >
          <span className="rl-seq">#{e.seq}</span>
          {t('who', { building: e.building, stairwell: e.stairwell, room: e.roomMasked, name: e.nameMasked })}
          {' — '}
          {e.lines.map((l) => `${l.name}×${l.qty}`).join(' ')}
          {e.mine && (
            <span className="rl-chip" data-tone="info" style={{ marginLeft: 6 }}>
              {t('mine')}
            </span>
          )}
          {e.active && e.paid && (
            <span className="rl-chip" data-tone="ok" style={{ marginLeft: 6 }}>
              {t('paid')}
            </span>
          )}
          {!e.active && <span className="visually-hidden"> {t('withdrawn')}</span>}
        </li>
      ))}
    </ol>
  );
}

export function LiveDot({ state }: { state: 'live' | 'connecting' | 'off' }) {
  const t = useTranslations('relay.live');
  return (
    <span className="rl-live" data-state={state} data-testid="live-state">
      {t(state)}
    </span>
  );
}

/** Big − / + buttons: thumbs, not styluses. */
export function Stepper({
  value,
  min = 0,
  max,
  onChange,
  label,
  disabled,
}: {
  value: number;
  min?: number;
  max: number | null;
  onChange: (v: number) => void;
  label: string;
  disabled?: boolean;
}) {
  const t = useTranslations('relay.stepper');
  return (
    <div className="rl-stepper" role="group" aria-label={label}>
      <button
        type="button"
        aria-label={t('less', { item: label })}
        disabled={disabled || value <= min}
        onClick={() => onChange(value - 1)}
      >
        −
      </button>
      <output aria-live="polite">{value}</output>
      <button
        type="button"
        aria-label={t('more', { item: label })}
        disabled={disabled || (max !== null && value >= max)}
        onClick={() => onChange(value + 1)}
      >
        +
      </button>
    </div>
  );
}
