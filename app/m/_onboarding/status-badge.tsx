'use client';
import { useTranslations } from 'next-intl';

export type AdmissionStatus =
  'draft' | 'submitted' | 'changes_requested' | 'approved' | 'rejected' | 'suspended' | 'expired';

/** The status of an admission as a coloured word (never colour alone). */
export function StatusBadge({ status }: { status: AdmissionStatus }) {
  const t = useTranslations('merchant.status');
  return (
    <span className={`ob-badge ob-badge-${status}`} data-status={status}>
      {t(status)}
    </span>
  );
}
