'use client';
import { useMutation } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import { shrinkToBase64 } from '@/app/_lib/shrink-photo';

export type PhotoFieldProps = {
  communityId: string;
  purpose: 'disinfection' | 'exception' | 'problem';
  value: string | null;
  onChange: (photoKey: string | null) => void;
  disabled?: boolean;
};

/**
 * An optional photo for a record (disinfection, exception, problem): taken with the camera or
 * picked, shrunk, uploaded at once; `onChange` gets the stored key (or null when removed).
 * Loaded when a form with a photo first shows (./photo.tsx), not with the page.
 */
export function PhotoUpload({ communityId, purpose, value, onChange }: PhotoFieldProps) {
  const t = useTranslations('distribution.photo');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('distribution');
  const [preview, setPreview] = useState<string | null>(null);
  const upload = useMutation(trpc.distribution.uploadPhoto.mutationOptions());
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      const base64 = await shrinkToBase64(file);
      const { photoKey } = await upload.mutateAsync({ communityId, purpose, base64 });
      setPreview(`data:image/jpeg;base64,${base64}`);
      onChange(photoKey);
    } catch {
      /* the error is shown below */
    }
  };
  return (
    <div style={{ margin: '12px 0' }}>
      {value && preview ? (
        <div className="dist-row">
          <img
            src={preview}
            alt={t('taken')}
            style={{ maxWidth: 120, maxHeight: 120, borderRadius: 8, flex: '0 0 auto' }}
          />
          <button
            type="button"
            onClick={() => {
              onChange(null);
              setPreview(null);
            }}
            style={{ flex: '0 0 auto' }}
          >
            {t('remove')}
          </button>
        </div>
      ) : (
        <label className="button dist-file" style={{ margin: 0, fontWeight: 400, width: '100%' }}>
          📷 {upload.isPending ? t('uploading') : t('add')}
          <input
            type="file"
            accept="image/*"
            capture="environment"
            aria-label={t('add')}
            onChange={(e) => {
              void onFile(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
        </label>
      )}
      {upload.error && (
        <p className="error" role="alert">
          {errorMessage(upload.error)}
        </p>
      )}
    </div>
  );
}
