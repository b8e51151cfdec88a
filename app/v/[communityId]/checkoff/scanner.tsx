'use client';
import { useTranslations } from 'next-intl';
import { lazy, Suspense, useState } from 'react';

// The camera loop and the QR decoder are fetched when the volunteer turns the camera on or picks a
// photo; the page opens with the typed-code form ready (issue 18's first-load budget).
const CameraReader = lazy(() => import('./_kit/camera-reader').then((m) => ({ default: m.CameraReader })));

/** The buttons' icons, drawn on the server page (the icon set stays out of the scripts). */
export type ScanIcons = { camera: React.ReactNode; photo: React.ReactNode };

/**
 * Three ways to read a bag label: the phone camera (getUserMedia + jsQR on video frames), a photo
 * or picture of the label (an image file decoded the same way), or typing the 6-character 短码
 * printed large under the QR (the long signed code is accepted too). Each hands the text to `onCode`.
 */
export function Scanner({
  onCode,
  icons,
}: {
  onCode: (code: string, via: 'scan' | 'manual') => void;
  icons: ScanIcons;
}) {
  const t = useTranslations('distribution.checkoff.scanner');
  const [cameraOn, setCameraOn] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [manual, setManual] = useState('');
  const [reading, setReading] = useState(false);
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setReading(true);
    setMessage(null);
    try {
      const { decodeQrFromFile } = await import('./_kit/qr');
      const code = await decodeQrFromFile(file);
      if (code) onCode(code, 'scan');
      else setMessage(t('noCodeInImage'));
    } catch {
      setMessage(t('noCodeInImage'));
    } finally {
      setReading(false);
    }
  };

  return (
    <section className="card dist-scanner" aria-labelledby="scan-title">
      <h2 id="scan-title" style={{ marginTop: 0 }}>
        {t('title')}
      </h2>
      {cameraOn ? (
        <>
          <Suspense
            fallback={
              <p className="muted" role="status">
                {t('opening')}
              </p>
            }
          >
            <CameraReader
              onCode={(code) => {
                setCameraOn(false);
                onCode(code, 'scan');
              }}
              onUnavailable={() => {
                setMessage(t('cameraUnavailable'));
                setCameraOn(false);
              }}
            />
          </Suspense>
          {/* Outside the Suspense: it can stop the camera while the reader is still arriving. */}
          <button type="button" onClick={() => setCameraOn(false)} style={{ width: '100%' }}>
            {t('stopCamera')}
          </button>
        </>
      ) : (
        <div className="dist-grid2">
          <button
            type="button"
            className="primary"
            onClick={() => setCameraOn(true)}
            data-testid="scan-camera"
          >
            {icons.camera} {t('useCamera')}
          </button>
          <label className="button dist-file" style={{ margin: 0, fontWeight: 400 }}>
            {icons.photo} {reading ? t('reading') : t('fromPhoto')}
            <input
              type="file"
              accept="image/*"
              capture="environment"
              data-testid="scan-image-input"
              aria-label={t('fromPhoto')}
              onChange={(e) => {
                void onFile(e.target.files?.[0]);
                e.target.value = '';
              }}
            />
          </label>
        </div>
      )}
      <form
        className="dist-row"
        style={{ marginTop: 12 }}
        onSubmit={(e) => {
          e.preventDefault();
          if (manual.trim()) {
            onCode(manual.trim(), 'manual');
            setManual('');
          }
        }}
      >
        <label
          htmlFor="manual-code"
          className="muted"
          style={{ flexBasis: '100%', margin: 0, fontWeight: 400 }}
        >
          {t('manualLabel')}
        </label>
        <input
          id="manual-code"
          data-testid="manual-code"
          value={manual}
          onChange={(e) => setManual(e.target.value)}
          placeholder={t('manualPlaceholder')}
          autoCapitalize="characters"
          autoCorrect="off"
          autoComplete="off"
          spellCheck={false}
          style={{ flex: '1 1 60%', fontSize: '1.25rem', letterSpacing: '0.08em', minHeight: 48 }}
        />
        <button type="submit" data-testid="manual-submit" style={{ flex: '0 0 auto' }}>
          {t('manualSubmit')}
        </button>
      </form>
      {message && (
        <p className="error" role="alert">
          {message}
        </p>
      )}
    </section>
  );
}
