'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useLocale, useTranslations } from 'next-intl';
import { useId, useState, type ReactNode } from 'react';
import { dayTime } from '@/app/_lib/format';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';

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
          {data.canPostNotice && <NoticeForm {...ctx} max={data.maxChars.notice} />}
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
                    <AnswerForm {...ctx} questionId={q.id} max={data.maxChars.answer} />
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

type Viewer = 'member' | 'merchant' | 'coordinator';
type Ctx = { communityId: string; relayId: string; merchantId?: string; viewer: Viewer };
type Shown = {
  id: string;
  body: string;
  createdAt: Date | string;
  hidden: { at: Date | string; reason: string } | null;
};

/** Refetches the talk (every view of it) after the person's own action. */
function useRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.relayTalk.list.pathKey() });
}

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
        <HideButton communityId={communityId} messageId={message.id} />
      )}
    </>
  );
}

/** A text box with a visible label and a live count of characters left (counted as people count them). */
function TextBox({
  label,
  value,
  max,
  onChange,
  testId,
  rows = 3,
}: {
  label: string;
  value: string;
  max: number;
  onChange: (v: string) => void;
  testId: string;
  rows?: number;
}) {
  const t = useTranslations('relay.talk');
  const id = useId();
  const used = Array.from(value.trim()).length;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={rows}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={`${id}-count`}
        data-testid={testId}
      />
      <p id={`${id}-count`} className="rl-meta" data-over={used > max}>
        {used > max ? t('tooLong', { over: used - max, max }) : t('charsLeft', { left: max - used, max })}
      </p>
    </>
  );
}

type TalkError = { data?: { appCode?: string | null; details?: Record<string, unknown> | null } | null };

/**
 * The talk's own refusals in the person's language, with the figures the server sends (a limit,
 * minutes to wait, the length allowed); anything else as every relay error is shown.
 */
function useTalkError() {
  const t = useTranslations('relay.talk.errors');
  const fallback = useErrorMessage('relay');
  return (error: unknown): string | null => {
    const data = (error as TalkError | null)?.data;
    const code = data?.appCode;
    if (!code || !t.has(code)) return fallback(error);
    const d = data?.details ?? {};
    const wait = Number(d.retryAfterSeconds ?? 0);
    return t(code, {
      limit: Number(d.limit ?? 0),
      max: Number(d.max ?? 0),
      minutes: Math.max(1, Math.ceil(wait / 60)),
      hours: Math.max(1, Math.ceil(wait / 3600)),
    });
  };
}

function Outcome({ error, ok }: { error: unknown; ok: ReactNode }) {
  const errorMessage = useTalkError();
  if (error)
    return (
      <p className="rl-notice" data-tone="bad" role="alert">
        {errorMessage(error)}
      </p>
    );
  if (!ok) return null;
  return (
    <p className="rl-notice" data-tone="ok" role="status">
      {ok}
    </p>
  );
}

/** 发布公告: write, then confirm that it goes to every household in the relay. */
function NoticeForm({ communityId, relayId, merchantId, max }: Ctx & { max: number }) {
  const t = useTranslations('relay.talk');
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [body, setBody] = useState('');
  const [confirming, setConfirming] = useState(false);
  const post = useMutation(
    trpc.relayTalk.postNotice.mutationOptions({
      onSuccess: () => {
        setBody('');
        setConfirming(false);
      },
      onSettled: () => void refresh(),
    }),
  );
  const blank = body.trim().length === 0;
  return (
    <form
      className="rt-form"
      data-testid="notice-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (blank) return;
        if (!confirming) return setConfirming(true);
        post.mutate({ communityId, relayId, merchantId: merchantId!, body });
      }}
    >
      <TextBox
        label={t('noticeField')}
        value={body}
        max={max}
        onChange={setBody}
        testId="notice-body"
        rows={4}
      />
      <p className="rl-meta">{t('noticeHint')}</p>
      {confirming ? (
        <div
          className="rl-notice"
          data-tone="warn"
          role="alertdialog"
          aria-labelledby={`notice-ask-${relayId}`}
        >
          <p id={`notice-ask-${relayId}`} style={{ marginTop: 0 }}>
            {t('noticeConfirm')}
          </p>
          <div className="rl-actions">
            <button type="button" onClick={() => setConfirming(false)} disabled={post.isPending}>
              {t('noticeEdit')}
            </button>
            <button type="submit" className="primary" disabled={post.isPending} data-testid="notice-confirm">
              {post.isPending ? t('sending') : t('noticeSend')}
            </button>
          </div>
        </div>
      ) : (
        <button type="submit" className="primary" disabled={blank} data-testid="notice-post">
          {t('noticePost')}
        </button>
      )}
      <Outcome
        error={post.error}
        ok={post.data && t('noticePosted', { households: post.data.householdCount })}
      />
    </form>
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
      <button
        type="submit"
        className="primary"
        disabled={ask.isPending || !body.trim()}
        data-testid="ask-submit"
      >
        {ask.isPending ? t('sending') : t('ask')}
      </button>
      <Outcome error={ask.error} ok={ask.isSuccess && t('asked')} />
    </form>
  );
}

function AnswerForm({ communityId, merchantId, questionId, max }: Ctx & { questionId: string; max: number }) {
  const t = useTranslations('relay.talk');
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [body, setBody] = useState('');
  const answer = useMutation(trpc.relayTalk.answer.mutationOptions({ onSettled: () => void refresh() }));
  return (
    <form
      className="rt-form rt-answer"
      data-testid="answer-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (body.trim()) answer.mutate({ communityId, merchantId: merchantId!, questionId, body });
      }}
    >
      <TextBox label={t('answerField')} value={body} max={max} onChange={setBody} testId="answer-body" />
      <button
        type="submit"
        className="primary"
        disabled={answer.isPending || !body.trim()}
        data-testid="answer-submit"
      >
        {answer.isPending ? t('sending') : t('answer')}
      </button>
      <Outcome error={answer.error} ok={null} />
    </form>
  );
}

/** A coordinator hides a message, saying why (the merchant and residents stop seeing it). */
function HideButton({ communityId, messageId }: { communityId: string; messageId: string }) {
  const t = useTranslations('relay.talk');
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const hide = useMutation(trpc.relayTalk.hide.mutationOptions({ onSettled: () => void refresh() }));
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)} data-testid="hide-open">
        {t('hide')}
      </button>
    );
  return (
    <form
      className="rt-form"
      data-testid="hide-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim()) hide.mutate({ communityId, messageId, reason });
      }}
    >
      <TextBox
        label={t('hideReason')}
        value={reason}
        max={200}
        onChange={setReason}
        testId="hide-reason"
        rows={2}
      />
      <div className="rl-actions">
        <button type="button" onClick={() => setOpen(false)} disabled={hide.isPending}>
          {t('hideCancel')}
        </button>
        <button
          type="submit"
          className="primary"
          disabled={hide.isPending || !reason.trim()}
          data-testid="hide-confirm"
        >
          {hide.isPending ? t('sending') : t('hideConfirm')}
        </button>
      </div>
      <Outcome error={hide.error} ok={null} />
    </form>
  );
}
