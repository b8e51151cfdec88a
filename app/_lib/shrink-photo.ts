/**
 * Photos taken on a phone are several MB; the stairwell's network is weak. Every photo field
 * (distribution records: app/v/[communityId]/checkoff/_kit/photo-upload.tsx; care posts and needs:
 * app/_components/care/photo.tsx) shrinks before uploading with this one function.
 */

/** Shrinks a phone photo to a ~1280 px JPEG (a few hundred KB) before it crosses a weak network. */
export async function shrinkToBase64(file: File, maxSide = 1280): Promise<string> {
  const bitmap = await createImageBitmap(file);
  try {
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode failed'))), 'image/jpeg', 0.8),
    );
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  } finally {
    bitmap.close();
  }
}
