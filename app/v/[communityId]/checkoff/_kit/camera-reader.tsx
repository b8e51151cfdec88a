'use client';
import { useTranslations } from 'next-intl';
import { useEffect, useRef } from 'react';
import { decodeQrFromVideo } from './qr';

/**
 * The phone camera reading a bag label: getUserMedia, then jsQR on about six frames a second until
 * a code is found (`onCode`, after a short vibration) or the camera cannot be used
 * (`onUnavailable`). Fetched when the volunteer turns the camera on (../scanner.tsx).
 */
export function CameraReader({
  onCode,
  onUnavailable,
}: {
  onCode: (code: string) => void;
  onUnavailable: () => void;
}) {
  const t = useTranslations('distribution.checkoff.scanner');
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const handlers = useRef({ onCode, onUnavailable });
  useEffect(() => {
    handlers.current = { onCode, onUnavailable };
  }, [onCode, onUnavailable]);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let frame = 0;
    let stopped = false;
    let last = 0;
    const canvas = document.createElement('canvas');
    const loop = (ts: number) => {
      if (stopped) return;
      const video = videoRef.current;
      // ~6 decodes a second is plenty and spares an old phone's battery.
      if (video && video.readyState >= 2 && ts - last > 160) {
        last = ts;
        const code = decodeQrFromVideo(video, canvas);
        if (code) {
          if (navigator.vibrate) navigator.vibrate(80);
          handlers.current.onCode(code);
          return;
        }
      }
      frame = requestAnimationFrame(loop);
    };
    void (async () => {
      try {
        if (!navigator.mediaDevices?.getUserMedia) throw new Error('unsupported');
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: { ideal: 'environment' } },
          audio: false,
        });
        if (stopped) return;
        const video = videoRef.current!;
        video.srcObject = stream;
        await video.play();
        frame = requestAnimationFrame(loop);
      } catch {
        if (!stopped) handlers.current.onUnavailable();
      }
    })();
    return () => {
      stopped = true;
      cancelAnimationFrame(frame);
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, []);

  return (
    <>
      <video ref={videoRef} playsInline muted aria-label={t('cameraView')} />
      <p className="muted">{t('pointAtLabel')}</p>
    </>
  );
}
