'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { shrinkToBase64 } from '@/app/_lib/shrink-photo';

/** An optional photo (a medicine box, a poster, the bag at the door): taken or picked, shrunk, uploaded at once. */
export function CarePhotoField({
  communityId,
  value,
  onChange,
}: {
  communityId: string;
  value: string | null;
  onChange: (photoKey: string | null) => void;
}) {
  const t = useTranslations('care.photo');
  const trpc = useTRPC();
  const errorText = useErrorMessage('care');
  const [preview, setPreview] = useState<string | null>(null);
  const upload = useMutation(trpc.needs.uploadPhoto.mutationOptions());
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      const base64 = await shrinkToBase64(file);
      const { photoKey } = await upload.mutateAsync({ communityId, base64 });
      setPreview(`data:image/jpeg;base64,${base64}`);
      onChange(photoKey);
    } catch {
      /* shown below */
    }
  };
  return (
    <div className="care-photo">
      {value && preview ? (
        <div className="care-actions">
          <img src={preview} alt={t('taken')} className="care-photo-preview" />
          <button
            type="button"
            className="button"
            onClick={() => {
              onChange(null);
              setPreview(null);
            }}
          >
            {t('remove')}
          </button>
        </div>
      ) : (
        <label className="button care-file">
          {upload.isPending ? t('uploading') : t('add')}
          <input
            type="file"
            accept="image/*"
            capture="environment"
            onChange={(e) => {
              void onFile(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
        </label>
      )}
      {upload.error && (
        <p className="error" role="alert">
          {errorText(upload.error)}
        </p>
      )}
    </div>
  );
}

/** "查看照片": loads a stored care photo only when asked. */
export function CarePhotoView({ communityId, photoKey }: { communityId: string; photoKey: string }) {
  const t = useTranslations('care.photo');
  const trpc = useTRPC();
  const errorText = useErrorMessage('care');
  const [open, setOpen] = useState(false);
  const photo = useQuery({
    ...trpc.needs.photo.queryOptions({ communityId, photoKey }),
    enabled: open,
    staleTime: Infinity,
  });
  if (!open)
    return (
      <button type="button" className="button" onClick={() => setOpen(true)}>
        {t('view')}
      </button>
    );
  if (photo.isError) return <p className="error">{errorText(photo.error)}</p>;
  if (!photo.data)
    return (
      <p className="muted" role="status">
        {t('loading')}
      </p>
    );
  return <img src={photo.data.dataUrl} alt={t('alt')} className="care-photo-full" />;
}
