'use client';
/**
 * What a resident sees when a page fails: a plain apology, a retry, and the request id (and Next's
 * error digest) to quote to a volunteer or the operator, who finds the request in the JSON log by
 * either (docs/OPERATIONS.md, "Logs").
 */
import { useTranslations } from 'next-intl';
import { useRequestId } from './_components/request-ref';

export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  const t = useTranslations('common.errorPage');
  const requestId = useRequestId();
  return (
    <main className="shell-center" data-page="error" role="alert">
      <h1>{t('title')}</h1>
      <p>{t('body')}</p>
      {requestId ? (
        <p>
          {t('requestId')}: <strong data-request-id={requestId}>{requestId}</strong>
        </p>
      ) : null}
      {error.digest ? (
        <p className="muted">
          {t('digest')}: <span data-error-digest={error.digest}>{error.digest}</span>
        </p>
      ) : null}
      <button type="button" className="button primary" onClick={() => reset()}>
        {t('retry')}
      </button>
      {/* A full load, not a client navigation: it starts the app afresh after a failure, and it
          keeps next/link out of this boundary, which every page loads up front (issue 18). */}
      <a className="button" href="/">
        {t('home')}
      </a>
    </main>
  );
}
