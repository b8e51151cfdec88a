'use client';
import { useTranslations } from 'next-intl';

/** The label of an application field, including `documents.<kind>` and `healthAttestations`. */
export function useFieldLabel() {
  const t = useTranslations('merchant.fields');
  return (field: string) => (t.has(field) ? t(field) : field);
}

/** A translated error for a stable code (`merchant.errors.<CODE>`), else the server's sentence. */
export function useCodeMessage() {
  const t = useTranslations('merchant.errors');
  return (code: string | null | undefined, fallback?: string) =>
    code && t.has(code) ? t(code) : (fallback ?? code ?? '');
}
