'use client';
import { useMutation } from '@tanstack/react-query';
import { signIn } from 'next-auth/react';
import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { decodeSignInError, type SignInError } from '@/server/auth/sign-in-codec';

type TrpcLikeError = {
  message?: string;
  data?: { appCode?: string | null; details?: Record<string, unknown> | null } | null;
};

/** A tRPC error as `{ code, values }`, the shape next-auth's errors are decoded to. */
function fromTrpcError(e: unknown): SignInError {
  const err = e as TrpcLikeError;
  const code = err?.data?.appCode ?? (err?.data ? 'INTERNAL' : 'NETWORK');
  const values: Record<string, number> = {};
  for (const [k, v] of Object.entries(err?.data?.details ?? {})) if (typeof v === 'number') values[k] = v;
  return { code, values };
}

/** `+8613800138000` → `+86 138 0013 8000`, so a person can check the number at a glance. */
function formatPhone(e164: string): string {
  const m = /^\+86(\d{3})(\d{4})(\d{4})$/.exec(e164);
  return m ? `+86 ${m[1]} ${m[2]} ${m[3]}` : e164;
}

/** Full-width digits (some Chinese keyboards) → ASCII. */
function toAsciiDigits(s: string): string {
  return s.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

const CODE_ERRORS = new Set([
  'OTP_WRONG',
  'OTP_CODE_FORMAT',
  'OTP_EXPIRED',
  'OTP_LOCKED',
  'OTP_USED',
  'OTP_NOT_REQUESTED',
  'CredentialsSignin',
]);
/** After these the current code is dead: clear the field so nobody retypes it. */
const DEAD_CODE = new Set(['OTP_EXPIRED', 'OTP_LOCKED', 'OTP_USED']);

export function SignInForm({
  callbackUrl,
  initialError,
  devOutbox,
}: {
  callbackUrl: string;
  initialError: string | null;
  devOutbox: boolean;
}) {
  const t = useTranslations('auth');
  const trpc = useTRPC();
  const [phone, setPhone] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [resendAt, setResendAt] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [error, setError] = useState<SignInError | null>(() => decodeSignInError(initialError));
  const [submitting, setSubmitting] = useState(false);
  const [done, setDone] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const phoneRef = useRef<HTMLInputElement>(null);

  const request = useMutation(trpc.auth.requestOtp.mutationOptions());
  const secondsLeft = Math.max(0, Math.ceil((resendAt - now) / 1000));

  useEffect(() => {
    if (resendAt <= Date.now()) return;
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= resendAt) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [resendAt]);

  useEffect(() => {
    if (sentTo) codeRef.current?.focus();
  }, [sentTo]);

  function message(e: SignInError): string {
    const values: Record<string, number> = { ...e.values };
    if (e.code === 'OTP_HOURLY_LIMIT') values.minutes = Math.ceil((values.retryAfterSeconds ?? 3600) / 60);
    if (e.code === 'RATE_LIMITED')
      values.minutes = Math.max(1, Math.ceil((values.retryAfterSeconds ?? 60) / 60));
    const key = `errors.${e.code}`;
    return t.has(key) ? t(key, values) : t('errors.INTERNAL');
  }

  async function requestCode(target: string) {
    setError(null);
    try {
      const res = await request.mutateAsync({ phone: target });
      setSentTo(res.phone);
      setCode('');
      setResendAt(Date.now() + res.resendAfterSeconds * 1000);
      setNow(Date.now());
    } catch (e) {
      const err = fromTrpcError(e);
      setError(err);
      if (err.code === 'OTP_RESEND_TOO_SOON' && err.values.retryAfterSeconds) {
        // A code is already on its way to this number: let the person type it.
        setResendAt(Date.now() + err.values.retryAfterSeconds * 1000);
        setNow(Date.now());
        setSentTo((prev) => prev ?? target);
      } else if (!sentTo) {
        phoneRef.current?.focus();
      }
    }
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!sentTo) {
      await requestCode(phone);
      return;
    }
    setError(null);
    setSubmitting(true);
    try {
      const res = await signIn('phone-otp', { phone: sentTo, code, redirect: false, callbackUrl });
      if (res?.ok && !res.error) {
        setDone(true);
        // A full load, so every server component renders for the signed-in person.
        window.location.assign(callbackUrl);
        return;
      }
      const err = decodeSignInError(res?.error) ?? { code: 'INTERNAL', values: {} };
      setError(err);
      if (DEAD_CODE.has(err.code)) setCode('');
      codeRef.current?.focus();
    } catch {
      setError({ code: 'NETWORK', values: {} });
    } finally {
      setSubmitting(false);
    }
  }

  const codeError = error && CODE_ERRORS.has(error.code) && sentTo ? error : null;
  const otherError = error && !codeError ? error : null;
  const showPrefix = !/^\s*(\+|00)/.test(phone);

  return (
    <form
      onSubmit={submit}
      noValidate
      className="card signin-card"
      aria-busy={submitting || request.isPending}
    >
      {!sentTo ? (
        <>
          <label htmlFor="signin-phone">{t('signIn.phoneLabel')}</label>
          <div className="signin-phone-row">
            {showPrefix && (
              <span className="signin-prefix" aria-hidden="true">
                +86
              </span>
            )}
            <input
              id="signin-phone"
              ref={phoneRef}
              name="phone"
              type="tel"
              inputMode="tel"
              autoComplete="tel-national"
              placeholder={t('signIn.phonePlaceholder')}
              value={phone}
              onChange={(e) => setPhone(e.target.value)}
              aria-invalid={otherError ? true : undefined}
              aria-describedby={otherError ? 'signin-error' : undefined}
              className="signin-big"
              maxLength={24}
              autoFocus
            />
          </div>
          {otherError && (
            <p id="signin-error" role="alert" className="error">
              {message(otherError)}
            </p>
          )}
          <button
            type="submit"
            className="primary signin-wide"
            data-action="request-code"
            disabled={request.isPending || phone.trim().length === 0}
          >
            {request.isPending ? t('signIn.requesting') : t('signIn.requestCode')}
          </button>
        </>
      ) : (
        <>
          <p className="muted" data-testid="code-sent">
            {t('signIn.codeSent', { phone: formatPhone(sentTo) })}
          </p>
          <label htmlFor="signin-code">{t('signIn.codeLabel')}</label>
          <input
            id="signin-code"
            ref={codeRef}
            name="code"
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            maxLength={6}
            placeholder="••••••"
            value={code}
            onChange={(e) => setCode(toAsciiDigits(e.target.value).replace(/\D/g, '').slice(0, 6))}
            aria-invalid={codeError ? true : undefined}
            aria-describedby={codeError ? 'signin-error' : 'signin-code-hint'}
            className="signin-big signin-code"
          />
          <p id="signin-code-hint" className="muted signin-small">
            {t('signIn.codeHint')}
          </p>
          {error && (
            <p id="signin-error" role="alert" className="error">
              {message(error)}
            </p>
          )}
          <button
            type="submit"
            className="primary signin-wide"
            disabled={submitting || done || code.length !== 6}
          >
            {done ? t('signIn.signedIn') : submitting ? t('signIn.submitting') : t('signIn.submit')}
          </button>
          <div className="signin-actions">
            <button
              type="button"
              data-action="resend-code"
              onClick={() => void requestCode(sentTo)}
              disabled={secondsLeft > 0 || request.isPending || submitting}
            >
              {secondsLeft > 0 ? t('signIn.resendIn', { seconds: secondsLeft }) : t('signIn.resend')}
            </button>
            <button
              type="button"
              data-action="change-phone"
              onClick={() => {
                setSentTo(null);
                setCode('');
                setError(null);
              }}
            >
              {t('signIn.changePhone')}
            </button>
          </div>
        </>
      )}
      {devOutbox && (
        <p className="muted signin-small" data-testid="dev-outbox-hint">
          {t.rich('signIn.demoHint', { link: (chunks) => <a href="/dev/outbox">{chunks}</a> })}
        </p>
      )}
    </form>
  );
}
