'use client';
/**
 * When even the root layout fails there are no messages loaded: both languages, plain HTML, and
 * the references a resident can quote (request id when the page got that far, Next's digest).
 */
import { useRequestId } from './_components/request-ref';

export default function GlobalError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  const requestId = useRequestId();
  const ref = requestId ?? error.digest;
  return (
    <html lang="zh-CN">
      <body style={{ fontSize: 18, lineHeight: 1.6, padding: 24, fontFamily: 'sans-serif' }}>
        <main role="alert" data-page="global-error">
          <h1>出错了 · Something went wrong</h1>
          <p>请稍后重试；如果一直这样，请把下面的编号告诉志愿者或管理员。</p>
          <p>
            Please try again; if it keeps happening, tell a volunteer or the administrator this reference.
          </p>
          {ref ? (
            <p>
              编号 Reference: <strong data-request-id={ref}>{ref}</strong>
            </p>
          ) : null}
          <button
            type="button"
            onClick={() => reset()}
            style={{ minHeight: 48, minWidth: 120, fontSize: 18 }}
          >
            重试 · Try again
          </button>
        </main>
      </body>
    </html>
  );
}
