'use client';
import { useTranslations } from 'next-intl';

type MaybeTrpcError = {
  message?: string;
  data?: {
    appCode?: string | null;
    field?: string | null;
    zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null;
    /** Set on server errors: the id the operator finds in the log. */
    requestId?: string | null;
  } | null;
};

/**
 * Turns a tRPC error into a sentence the person can act on: the translation of its stable code
 * (`<namespace>.errors.<CODE>`, then `common.errors.<CODE>`) when there is one, else the server's message.
 */
export function useErrorMessage(namespace?: string) {
  const common = useTranslations('common.errors');
  const root = useTranslations('common');
  // A domain keeps its codes under `<namespace>.errors.<CODE>`; the common ones are the fallback.
  const domain = useTranslations(namespace ? `${namespace}.errors` : 'common.errors');
  return (error: unknown): string | null => {
    if (!error) return null;
    const e = error as MaybeTrpcError;
    const code = e.data?.appCode;
    let message: string;
    if (code && domain.has(code)) message = domain(code);
    else if (code && common.has(code)) message = common(code);
    else message = e.message ?? common('INTERNAL');
    // A server error names its request, so the person can quote it to whoever runs the app.
    const id = e.data?.requestId;
    return id ? root('errorWithRef', { message, id }) : message;
  };
}

/** The field an error is about (service `field`, or the first zod field), to show it next to the input. */
export function errorField(error: unknown): string | null {
  const e = error as MaybeTrpcError | null;
  return e?.data?.field ?? null;
}
