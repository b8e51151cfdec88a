'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useLocale, useTranslations } from 'next-intl';
import { lazy, Suspense, useState } from 'react';
import { dayTime } from '@/app/_lib/format';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import { Outcome, SendButton, TextBox, useRefresh, type Ctx } from './relay-talk-form';

// The merchant's and the coordinator's forms arrive only when their view shows (./relay-talk-staff.tsx).
const staff = () => import('./relay-talk-staff');
const NoticeForm = lazy(() => staff().then((m) => ({ default: m.NoticeForm })));
const AnswerForm = lazy(() => staff().then((m) => ({ default: m.AnswerForm })));
const HideButton = lazy(() => staff().then((m) => ({ default: m.HideButton })));

/**
 * The talk around a relay (issue 13 item 12), one component for the three who see it; the server
 * says who is looking (`viewer`) and what they may do:
 *   - a resident reads the 团长公告 and the 问答 and asks a question for their household;
 *   - the relay's merchant (pass `merchantId`) posts a notice, after a confirmation that it goes to
 *     every household in the relay, and answers each question once;
 *   - a coordinator sees everything, hidden messages marked with the reason, and hides a message
 *     with a reason.
 * No free chat: notices, questions and one answer per question. Refreshed every 30 s and after
 * each of the person's own actions; a new notice also arrives as a notification.
 */
export function RelayTalk({
  communityId,
  relayId,
  merchantId,
  part = 'all',
}: {
  communityId: string;
  relayId: string;
  merchantId?: string;
  /**
   * Where the page splits the talk (one query, fetched once): `notices` is the notices card and
   * renders only when there are notices (the resident's page puts it near the top, where a changed
   * delivery time is seen first); `questions` is the rest, with the empty notices card when there
   * are none.
   */
  part?: 'all' | 'notices' | 'questions';
}) {
  const t = useTranslations('relay.talk');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('relay');
  const input = { communityId, relayId, ...(merchantId ? { merchantId } : {}) };
  const talk = useQuery(trpc.relayTalk.list.queryOptions(input, { refetchInterval: 30_000 }));
  if (part === 'notices' && !talk.data?.notices.length) return null;
  if (talk.isPending) return <p className="muted">{t('loading')}</p>;
  if (talk.isError)
    return (
      <p className="error" role="alert">
        {errorMessage(talk.error)}
      </p>
    );
  const data = talk.data;
  const ctx = { communityId, relayId, merchantId, viewer: data.viewer };
  const showNotices = part === 'all' || (part === 'notices') === data.notices.length > 0;
  return (
    <>
      {showNotices && (
        <section className="card" aria-labelledby={`notices-h-${relayId}`} data-testid="relay-notices">
          <h2 id={`notices-h-${relayId}`}>{t('notices', { count: data.notices.length })}</h2>
          {data.canPostNotice && (
            <Suspense fallback={<p className="muted">{t('loading')}</p>}>
              <NoticeForm {...ctx} max={data.maxChars.notice} />
            </Suspense>
          )}
          {data.notices.length === 0 ? (
            <p className="muted">{t('noNotices')}</p>
          ) : (
            <ul className="rt-list">
              {data.notices.map((n) => (
                <li key={n.id} className="rt-notice" data-testid="relay-notice" data-hidden={!!n.hidden}>
                  <Message {...ctx} message={n} label={t('noticeLabel')} />
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {part !== 'notices' && (
        <section className="card" aria-labelledby={`qa-h-${relayId}`} data-testid="relay-questions">
          <h2 id={`qa-h-${relayId}`}>{t('questions', { count: data.questions.length })}</h2>
          {data.askFor && (
            <AskForm
              {...ctx}
              householdId={data.askFor}
              max={data.maxChars.question}
              left={data.questionsLeft}
            />
          )}
          {data.questions.length === 0 ? (
            <p className="muted">
              {data.viewer === 'merchant' ? t('noQuestionsMerchant') : t('noQuestions')}
            </p>
          ) : (
            <ul className="rt-list">
              {data.questions.map((q) => (
                <li key={q.id} className="rt-question" data-testid="relay-question" data-hidden={!!q.hidden}>
                  <Message {...ctx} message={q} label={q.mine ? t('myQuestion') : t('asker', q.asker)} />
                  {q.answer ? (
                    <div className="rt-answer" data-testid="relay-answer" data-hidden={!!q.answer.hidden}>
                      <Message {...ctx} message={q.answer} label={t('answerLabel')} />
                    </div>
                  ) : data.viewer === 'merchant' ? (
                    <Suspense fallback={<p className="muted">{t('loading')}</p>}>
                      <AnswerForm {...ctx} questionId={q.id} max={data.maxChars.answer} />
                    </Suspense>
                  ) : (
                    <p className="rl-meta">{t('notAnswered')}</p>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </>
  );
}

type Shown = {
  id: string;
  body: string;
  createdAt: Date | string;
  hidden: { at: Date | string; reason: string } | null;
};

function Message({ communityId, viewer, message, label }: Ctx & { message: Shown; label: string }) {
  const t = useTranslations('relay.talk');
  const locale = useLocale();
  return (
    <>
      <p className="rl-meta">
        <strong>{label}</strong> ·{' '}
        <time dateTime={new Date(message.createdAt).toISOString()}>{dayTime(message.createdAt, locale)}</time>
      </p>
      <p className="rt-body">{message.body}</p>
      {message.hidden && (
        <p className="rl-notice" data-tone="warn" data-testid="hidden-reason">
          {t('hiddenBecause', { reason: message.hidden.reason })}
        </p>
      )}
      {viewer === 'coordinator' && !message.hidden && (
        <Suspense fallback={null}>
          <HideButton communityId={communityId} messageId={message.id} />
        </Suspense>
      )}
    </>
  );
}

function AskForm({
  communityId,
  relayId,
  householdId,
  max,
  left,
}: Ctx & { householdId: string; max: number; left: number }) {
  const t = useTranslations('relay.talk');
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [body, setBody] = useState('');
  const ask = useMutation(
    trpc.relayTalk.ask.mutationOptions({
      onSuccess: () => setBody(''),
      onSettled: () => void refresh(),
    }),
  );
  return (
    <form
      className="rt-form"
      data-testid="ask-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (body.trim()) ask.mutate({ communityId, relayId, householdId, body });
      }}
    >
      <TextBox label={t('askField')} value={body} max={max} onChange={setBody} testId="ask-body" />
      <p className="rl-meta">{t('askHint', { left })}</p>
      <SendButton label={t('ask')} pending={ask.isPending} blank={!body.trim()} testId="ask-submit" />
      <Outcome error={ask.error} ok={ask.isSuccess && t('asked')} />
    </form>
  );
}
