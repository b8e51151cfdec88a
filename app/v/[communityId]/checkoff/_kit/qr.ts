'use client';
/**
 * Reading bag-label QR codes in the browser with jsQR: from a camera frame or from a photo. jsQR
 * (the largest part of the check-off page's script) is fetched only when a scan starts.
 */
type Decoder = typeof import('jsqr').default;
let decoder: Decoder | null = null;
let loading: Promise<Decoder> | null = null;

function loadDecoder(): Promise<Decoder> {
  loading ??= import('jsqr').then((m) => (decoder = m.default));
  return loading;
}

/** Decodes a QR code in an image (a photo of a label, a screenshot); null when none is found. */
export async function decodeQrFromFile(file: Blob): Promise<string | null> {
  await loadDecoder();
  const bitmap = await createImageBitmap(file);
  try {
    // Try the photo at a readable size first, then larger: phone photos are big, labels small.
    for (const maxSide of [1024, 2048, 640]) {
      const found = decodeBitmap(bitmap, maxSide);
      if (found) return found;
    }
    return null;
  } finally {
    bitmap.close();
  }
}

function decodeBitmap(bitmap: ImageBitmap, maxSide: number): string | null {
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const h = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(bitmap, 0, 0, w, h);
  const img = ctx.getImageData(0, 0, w, h);
  return decoder!(img.data, w, h, { inversionAttempts: 'attemptBoth' })?.data ?? null;
}

/**
 * Decodes the current frame of a playing video, reusing one canvas. Null while jsQR is still on its
 * way (the first frames of the first scan): the scanner simply tries the next frame.
 */
export function decodeQrFromVideo(video: HTMLVideoElement, canvas: HTMLCanvasElement): string | null {
  if (!decoder) {
    void loadDecoder();
    return null;
  }
  const w = video.videoWidth;
  const h = video.videoHeight;
  if (!w || !h) return null;
  const scale = Math.min(1, 800 / Math.max(w, h));
  canvas.width = Math.round(w * scale);
  canvas.height = Math.round(h * scale);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
  const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return decoder(img.data, canvas.width, canvas.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
}
