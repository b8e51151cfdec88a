'use client';

/** A failed export, shaped like a tRPC error so `useErrorMessage` translates its code. */
export class ExportError extends Error {
  constructor(
    message: string,
    readonly data: { appCode: string | null },
  ) {
    super(message);
  }
}

/** `filename*=UTF-8''…` first (Chinese names), then the plain `filename="…"`. */
export function filenameFrom(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      /* fall through to the ASCII name */
    }
  }
  const plain = /filename="([^"]+)"/i.exec(disposition);
  return plain?.[1] ?? fallback;
}

/**
 * Downloads a streamed export, reporting bytes as they arrive (the size is not known up front:
 * the server writes while it reads), then hands the file to the browser's save dialog.
 */
export async function downloadExport(
  url: string,
  opts: { signal: AbortSignal; onProgress: (bytes: number) => void; fallbackName: string },
): Promise<string> {
  const res = await fetch(url, { signal: opts.signal, credentials: 'same-origin' });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as {
      error?: { code?: string; message?: string };
    } | null;
    throw new ExportError(body?.error?.message ?? res.statusText, {
      appCode: body?.error?.code ?? 'DOWNLOAD_FAILED',
    });
  }
  const chunks: BlobPart[] = [];
  let received = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.byteLength;
      opts.onProgress(received);
    }
  }
  const blob = new Blob(chunks, { type: res.headers.get('content-type') ?? 'application/octet-stream' });
  const name = filenameFrom(res.headers.get('content-disposition'), opts.fallbackName);
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return name;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
