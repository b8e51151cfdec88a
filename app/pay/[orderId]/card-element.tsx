'use client';
import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import { loadStripe, type Stripe } from '@stripe/stripe-js';
import { useState } from 'react';

const loaders = new Map<string, Promise<Stripe | null>>();

/**
 * Stripe's Payment Element for cards (test and live mode), confirmed in the browser with the
 * intent's client secret; Stripe sends the payer back to `returnUrl` (made on the server from the
 * app's own origin), where the pay page reconciles. Loaded only when a publishable key is set.
 */
export function CardElement({
  publishableKey,
  clientSecret,
  returnUrl,
  label,
}: {
  publishableKey: string;
  clientSecret: string;
  returnUrl: string;
  label: string;
}) {
  let stripe = loaders.get(publishableKey);
  if (!stripe) {
    stripe = loadStripe(publishableKey);
    loaders.set(publishableKey, stripe);
  }
  return (
    <Elements stripe={stripe} options={{ clientSecret }}>
      <CardForm returnUrl={returnUrl} label={label} />
    </Elements>
  );
}

function CardForm({ returnUrl, label }: { returnUrl: string; label: string }) {
  const stripe = useStripe();
  const elements = useElements();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!stripe || !elements || busy) return;
        setBusy(true);
        void stripe.confirmPayment({ elements, confirmParams: { return_url: returnUrl } }).then((r) => {
          setBusy(false);
          if (r.error) setError(r.error.message ?? null);
        });
      }}
    >
      <PaymentElement />
      {error && (
        <p className="rl-notice" data-tone="bad" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={!stripe || busy}>
        {label}
      </button>
    </form>
  );
}
