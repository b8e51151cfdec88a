'use client';
/**
 * Photos on a record. The upload field (camera, shrinking, upload) is fetched when a form with a
 * photo first shows, not with the page: on check-off and the bag page that form opens on a tap
 * (issue 18's first-load budget). Until it arrives the same button shows, waiting.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { lazy, Suspense, useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import type { PhotoFieldProps } from './photo-upload';

const PhotoUpload = lazy(() => import('./photo-upload').then((m) => ({ default: m.PhotoUpload })));

/** An optional photo for a record: see ./photo-upload.tsx. */
export function PhotoField(props: PhotoFieldProps) {
  if (props.disabled) return <PhotoOffline />;
  return (
    <Suspense fallback={<PhotoFieldWaiting />}>
      <PhotoUpload {...props} />
    </Suspense>
  );
}

function PhotoOffline() {
  const t = useTranslations('distribution.photo');
  return <p className="muted">{t('offline')}</p>;
}

function PhotoFieldWaiting() {
  const t = useTranslations('distribution.photo');
  return (
    <div style={{ margin: '12px 0' }}>
      <span
        className="button dist-file"
        aria-disabled="true"
        style={{ margin: 0, fontWeight: 400, width: '100%' }}
      >
        📷 {t('add')}
      </span>
    </div>
  );
}

/** "查看照片": loads a stored photo only when asked (photos are the heaviest thing on these pages). */
export function PhotoView({ photoKey }: { photoKey: string }) {
  const t = useTranslations('distribution.photo');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('distribution');
  const [open, setOpen] = useState(false);
  const photo = useQuery({
    ...trpc.distribution.photo.queryOptions({ photoKey }),
    enabled: open,
    staleTime: Infinity,
  });
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} style={{ minHeight: 40 }}>
        📷 {t('view')}
      </button>
    );
  }
  if (photo.isError) return <p className="error">{errorMessage(photo.error)}</p>;
  if (!photo.data) return <p className="muted">{t('loading')}</p>;
  return (
    <img
      src={photo.data.dataUrl}
      alt={t('alt')}
      style={{ maxWidth: '100%', borderRadius: 10, marginTop: 8 }}
    />
  );
}
