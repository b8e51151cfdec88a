'use client';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import type { ChainEntry, RelayView } from './use-relay-live';

type Props = {
  communityId: string;
  view: RelayView;
  live: { chain: ChainEntry[]; progress: RelayView['progress'] };
};

const loadRelayText = () => import('@/server/services/relay/relay-text');

/** Copies with the Clipboard API, or (older WebViews, http) through a selected textarea. */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

/**
 * 分享到群 and 复制接龙文字: the share card (a PNG made on the server) goes to the phone's share
 * sheet with the link where the phone can share files (Web Share API); otherwise the card is shown
 * to long-press and save, with the link to copy. The text is the classic 接龙 form, names masked.
 */
export function ShareRelay({ communityId, view, live }: Props) {
  const t = useTranslations('relay.share');
  const locale = useLocale() === 'en' ? 'en' : 'zh-CN';
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  const [fallback, setFallback] = useState(false);
  const [busy, setBusy] = useState(false);
  const path = `/r/${communityId}/relays/${view.id}`;
  const cardUrl = `${path}/share-card?v=${view.version}`;
  const url = () => new URL(path, window.location.href).toString();
  const [shown, setShown] = useState('');
  const section = useRef<HTMLElement>(null);
  // The 接龙 text (and the masking it needs) arrives when this card nears the screen, not with the
  // page (issue 18); fetched by then, the copy stays inside the tap, as some browsers require.
  useEffect(() => {
    const el = section.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const seen = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        seen.disconnect();
        void loadRelayText();
      },
      { rootMargin: '300px' },
    );
    seen.observe(el);
    return () => seen.disconnect();
  }, []);
  const text = async () => {
    const { relayText } = await loadRelayText();
    return relayText({ ...view, chain: live.chain, progress: live.progress }, url(), locale);
  };
  const copy = async () => {
    const body = await text();
    const ok = await copyText(body);
    setShown(ok ? '' : body);
    setCopied(ok ? 'ok' : 'failed');
  };

  const share = async () => {
    setBusy(true);
    try {
      const res = await fetch(cardUrl);
      const file = res.ok
        ? new File([await res.blob()], `linli-${view.id.slice(0, 8)}.png`, { type: 'image/png' })
        : null;
      const withFile = { title: view.title, text: view.title, url: url(), files: file ? [file] : [] };
      if (file && navigator.canShare?.(withFile)) await navigator.share(withFile);
      else if (navigator.share) await navigator.share({ title: view.title, text: view.title, url: url() });
      else setFallback(true);
    } catch (e) {
      // The person closed the share sheet: nothing to do. Anything else: show the card instead.
      if (!(e instanceof DOMException && e.name === 'AbortError')) setFallback(true);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section ref={section} className="card" aria-labelledby="share-h" data-testid="share">
      <h2 id="share-h">{t('title')}</h2>
      <div className="rl-share-actions">
        <button type="button" className="primary" onClick={share} disabled={busy} data-testid="share-card">
          {t('share')}
        </button>
        <button type="button" onClick={() => void copy()} data-testid="copy-text">
          {t('copy')}
        </button>
      </div>
      {copied === 'ok' && (
        <p className="rl-notice" data-tone="ok" role="status" data-testid="copied">
          {t('copied')}
        </p>
      )}
      {copied === 'failed' && (
        <>
          <p className="rl-notice" data-tone="warn" role="status">
            {t('copyFailed')}
          </p>
          <textarea className="rl-share-text" readOnly value={shown} aria-label={t('copy')} rows={8} />
        </>
      )}
      {fallback && (
        <div data-testid="share-fallback">
          <p className="rl-meta">{t('saveHint')}</p>
          <img className="rl-share-card" src={cardUrl} alt={t('cardAlt', { title: view.title })} />
          <a className="button" href={cardUrl} download={`linli-${view.id.slice(0, 8)}.png`}>
            {t('download')}
          </a>
        </div>
      )}
    </section>
  );
}
