'use client';
/** The pieces every form of the relay talk shares (./relay-talk.tsx, ./relay-talk-staff.tsx). */
import { useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useId, type ReactNode } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';

type Viewer = 'member' | 'merchant' | 'coordinator';
export type Ctx = { communityId: string; relayId: string; merchantId?: string; viewer: Viewer };

/** Refetches the talk (every view of it) after the person's own action. */
export function useRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.relayTalk.list.pathKey() });
}

/** A text box with a visible label and a live count of characters left (counted as people count them). */
export function TextBox({
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

/** A form's send button: off while the text is blank or the last send is on its way. */
export function SendButton({
  label,
  pending,
  blank,
  testId,
}: {
  label: string;
  pending: boolean;
  blank: boolean;
  testId: string;
}) {
  const t = useTranslations('relay.talk');
  return (
    <button type="submit" className="primary" disabled={pending || blank} data-testid={testId}>
      {pending ? t('sending') : label}
    </button>
  );
}

export function Outcome({ error, ok }: { error: unknown; ok: ReactNode }) {
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
