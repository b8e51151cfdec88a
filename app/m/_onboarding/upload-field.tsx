'use client';
import { useTranslations } from 'next-intl';
import { useId, useRef, useState } from 'react';
import { useCodeMessage } from './field-label';

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

type UploadError = {
  code: string;
  message?: string;
  details?: { detected?: string; claimed?: string } | null;
};

/** POSTs a form with upload progress (fetch cannot report it; XMLHttpRequest can). */
function postWithProgress(
  url: string,
  form: FormData,
  onProgress: (fraction: number) => void,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.response as unknown });
    xhr.onerror = () => reject(new Error('network'));
    xhr.send(form);
  });
}

/**
 * One upload button for a form field: checks the size before sending (no point pushing 30 MB over
 * a weak connection to be told no), shows progress, and puts the server's refusal under the field —
 * what the file really is when its name lies.
 */
export function UploadField({
  url,
  fields,
  accept,
  imagesOnly,
  label,
  fieldName,
  onUploaded,
  disabled,
}: {
  url: string;
  fields: Record<string, string>;
  accept: string;
  imagesOnly?: boolean;
  label?: string;
  /** For the test ids and aria wiring, e.g. `documents.food_permit`. */
  fieldName: string;
  onUploaded: (body: unknown) => void;
  disabled?: boolean;
}) {
  const t = useTranslations('merchant.upload');
  const tTypes = useTranslations('merchant.fileTypes');
  const codeMessage = useCodeMessage();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const typeName = (x?: string) => (x && tTypes.has(x) ? tTypes(x) : (x ?? ''));
  const explain = (e: UploadError): string => {
    if (e.code === 'FILE_NAME_MISMATCH' && e.details?.detected && e.details.claimed) {
      return t('mismatch', { claimed: typeName(e.details.claimed), detected: typeName(e.details.detected) });
    }
    if (e.code === 'FILE_TYPE_NOT_ALLOWED' && e.details?.detected) {
      return t(imagesOnly ? 'notAllowedImage' : 'notAllowed', { detected: typeName(e.details.detected) });
    }
    return codeMessage(e.code, e.message);
  };

  const onChange = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    if (file.size > MAX_UPLOAD_BYTES) {
      setError(t('tooLarge', { size: (file.size / 1024 / 1024).toFixed(1) }));
      if (input.current) input.current.value = '';
      return;
    }
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    form.set('file', file, file.name);
    setProgress(0);
    try {
      const res = await postWithProgress(url, form, setProgress);
      if (res.status >= 200 && res.status < 300) onUploaded(res.body);
      else setError(explain((res.body as { error?: UploadError } | null)?.error ?? { code: 'INTERNAL' }));
    } catch {
      setError(codeMessage('UPLOAD_NETWORK'));
    } finally {
      setProgress(null);
      if (input.current) input.current.value = '';
    }
  };

  const busy = progress !== null;
  return (
    <div className="ob-upload" data-upload={fieldName}>
      <input
        ref={input}
        id={id}
        type="file"
        accept={accept}
        disabled={disabled || busy}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => void onChange(e.target.files?.[0])}
      />
      <label htmlFor={id} className="button" aria-disabled={disabled || busy}>
        {busy
          ? t('uploading', { percent: Math.round((progress ?? 0) * 100) })
          : (label ?? t(imagesOnly ? 'chooseImage' : 'choose'))}
      </label>
      {busy && (
        <div
          className="ob-progress"
          role="progressbar"
          aria-label={t('uploading', { percent: Math.round((progress ?? 0) * 100) })}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round((progress ?? 0) * 100)}
        >
          <div style={{ width: `${Math.round((progress ?? 0) * 100)}%` }} />
        </div>
      )}
      {error && (
        <p id={`${id}-error`} role="alert" className="ob-field-error" data-error-for={fieldName}>
          {error}
        </p>
      )}
    </div>
  );
}
