'use client';
/**
 * What only the relay's merchant and the compound's coordinators do in the talk: post a notice,
 * answer a question, hide a message. Fetched when one of their views shows (./relay-talk.tsx),
 * so a resident's relay page does not download it (issue 18's first-load budget).
 */
import { useMutation } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { Outcome, SendButton, TextBox, useRefresh, type Ctx } from './relay-talk-form';

/** 发布公告: write, then confirm that it goes to every household in the relay. */
export function NoticeForm({ communityId, relayId, merchantId, max }: Ctx & { max: number }) {
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

export function AnswerForm({
  communityId,
  merchantId,
  questionId,
  max,
}: Ctx & { questionId: string; max: number }) {
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
      <SendButton
        label={t('answer')}
        pending={answer.isPending}
        blank={!body.trim()}
        testId="answer-submit"
      />
      <Outcome error={answer.error} ok={null} />
    </form>
  );
}

/** A coordinator hides a message, saying why (the merchant and residents stop seeing it). */
export function HideButton({ communityId, messageId }: { communityId: string; messageId: string }) {
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
        <SendButton
          label={t('hideConfirm')}
          pending={hide.isPending}
          blank={!reason.trim()}
          testId="hide-confirm"
        />
      </div>
      <Outcome error={hide.error} ok={null} />
    </form>
  );
}
