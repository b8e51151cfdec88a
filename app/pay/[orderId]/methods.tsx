'use client';
import { useMutation } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import { yuan } from '@/app/r/[communityId]/relays/_kit/format';

type Method = 'wechat_pay' | 'alipay' | 'card' | 'cash';

/** Stripe.js loads from Stripe's servers: only fetched when a publishable key is configured. */
const CardElement = dynamic(() => import('./card-element').then((m) => m.CardElement), { ssr: false });

/**
 * The methods the merchant accepts. Choosing one makes (or reuses) the order's PaymentIntent for
 * it on the server; WeChat Pay shows the QR code (and the link on a phone), Alipay redirects, the
 * card uses Stripe's Payment Element — or, in test mode, the test cards rendered by `testCards`.
 */
export function PaymentMethods({
  communityId,
  orderId,
  totalFen,
  methods,
  current,
  publishableKey,
  testCards,
  onChosen,
}: {
  communityId: string;
  orderId: string;
  totalFen: number;
  methods: Method[];
  current: Exclude<Method, 'cash'> | null;
  publishableKey: string | null;
  testCards: React.ReactNode;
  onChosen: () => void;
}) {
  const t = useTranslations('payment');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('payment');
  const choose = useMutation(trpc.payment.choose.mutationOptions({ onSuccess: () => onChosen() }));
  const [picked, setPicked] = useState<Method | null>(current);
  const action = choose.data?.action;
  const redirectUrl = action?.kind === 'redirect' ? action.url : null;
  useEffect(() => {
    if (redirectUrl) window.location.assign(redirectUrl);
  }, [redirectUrl]);
  // Coming back to a page whose wallet was chosen earlier: show its QR again (the same intent).
  const { mutate } = choose;
  useEffect(() => {
    if (current === 'wechat_pay') mutate({ communityId, orderId, method: current });
  }, [current, communityId, orderId, mutate]);

  if (methods.length === 0) return <p className="rl-notice">{t('noMethods')}</p>;
  const pick = (method: Method) => {
    setPicked(method);
    if (choose.isPending && choose.variables?.method === method) return;
    choose.mutate({ communityId, orderId, method });
  };
  return (
    <section className="card" aria-labelledby="methods-h" aria-busy={choose.isPending}>
      <h2 id="methods-h">{t('methodsTitle')}</h2>
      <div className="pay-methods" role="group" aria-label={t('methodsTitle')}>
        {methods.map((m) => (
          <button
            key={m}
            type="button"
            className={picked === m ? 'primary' : undefined}
            aria-pressed={picked === m}
            onClick={() => pick(m)}
            data-testid={`pay-method-${m}`}
          >
            {t(`method.${m}`)}
            <small>{t(`methodHint.${m}`)}</small>
          </button>
        ))}
      </div>
      {methods.length > 1 && <p className="rl-meta">{t('switchNote')}</p>}
      {choose.isError && (
        <p className="rl-notice" data-tone="bad" role="alert" data-testid="pay-method-error">
          {errorMessage(choose.error)}
        </p>
      )}
      {action?.kind === 'wechat_qr' && picked === 'wechat_pay' && (
        <div className="pay-qr" data-testid="wechat-qr">
          <p>{t('wechatScan')}</p>
          <img
            src={action.imageDataUrl}
            alt={t('wechatQrAlt', { amount: yuan(totalFen) })}
            width={240}
            height={240}
          />
          <p>
            <a className="button" href={action.hostedUrl} data-testid="wechat-open">
              {t('wechatOpen')}
            </a>
          </p>
          <p className="rl-meta" role="status">
            {t('wechatWaiting')}
          </p>
        </div>
      )}
      {action?.kind === 'redirect' && picked === 'alipay' && (
        <p role="status">
          {t('redirecting')}{' '}
          <a href={action.url} data-testid="alipay-go">
            {t('alipayGo')}
          </a>
        </p>
      )}
      {picked === 'card' &&
        (testCards ??
          (action?.kind === 'card' && publishableKey && action.clientSecret ? (
            <CardElement
              publishableKey={publishableKey}
              clientSecret={action.clientSecret}
              returnUrl={choose.data?.returnUrl ?? ''}
              label={t('cardPay', { amount: yuan(totalFen) })}
            />
          ) : !publishableKey ? (
            <p className="rl-notice">{t('cardLiveOff')}</p>
          ) : (
            <p className="muted">{t('cardLoading')}</p>
          )))}
    </section>
  );
}
