/**
 * Reading uploads without trusting the client: the declared size is checked before a byte is read,
 * and the body is counted while it streams in, so a 30 MB upload (or one that lies about its
 * length, or sends no length at all) is cut off at the limit instead of being buffered whole.
 */
import { createHash } from 'node:crypto';
import { assertSafeText } from '@/server/services/shared/zod';

/** Documents and photos: 10 MB (a phone photo of a licence is 2-5 MB; a scanned PDF rarely more). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Room for the multipart boundaries and the small text fields next to the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export class UploadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`upload larger than ${limit} bytes`);
    this.name = 'UploadTooLargeError';
  }
}

export class UploadMalformedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadMalformedError';
  }
}

/** A stream that errors as soon as more than `limit` bytes have passed through it. */
function limitStream(body: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) controller.error(new UploadTooLargeError(limit));
        else controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * Parses a multipart/form-data request whose file part may hold at most `fileLimit` bytes.
 * Throws UploadTooLargeError (→ 413) or UploadMalformedError (→ 400).
 */
export async function readMultipart(req: Request, fileLimit = MAX_FILE_BYTES): Promise<FormData> {
  const type = req.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    throw new UploadMalformedError('expected multipart/form-data');
  }
  const limit = fileLimit + MULTIPART_OVERHEAD_BYTES;
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new UploadTooLargeError(fileLimit);
  if (!req.body) throw new UploadMalformedError('empty body');
  const counted = limitStream(req.body, limit);
  const reader = new Request(req.url, {
    method: 'POST',
    headers: { 'content-type': type },
    body: counted,
    // Node's fetch needs this to accept a stream body.
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
  try {
    return await reader.formData();
  } catch (e) {
    // undici wraps the stream's error in a TypeError; look one level down.
    const cause = (e as { cause?: unknown })?.cause;
    if (e instanceof UploadTooLargeError || cause instanceof UploadTooLargeError)
      throw new UploadTooLargeError(fileLimit);
    throw new UploadMalformedError('could not read the form');
  }
}

/** The file part of a form, as bytes, with its client-given name; checks the exact size limit. */
export async function fileFromForm(
  form: FormData,
  name = 'file',
  fileLimit = MAX_FILE_BYTES,
): Promise<{ bytes: Uint8Array; fileName: string }> {
  const part = form.get(name);
  if (!part || typeof part === 'string') throw new UploadMalformedError(`missing file part "${name}"`);
  if (part.size > fileLimit) throw new UploadTooLargeError(fileLimit);
  return { bytes: new Uint8Array(await part.arrayBuffer()), fileName: sanitizeFileName(part.name) };
}

/** Bidi controls (U+202A-202E, U+2066-2069, LRM/RLM/ALM) make `gpj.exe` read as `exe.jpg`. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// C0/C1 controls (NUL included) and lone surrogates, which PostgreSQL refuses or a header cannot carry.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The client's file name as we store and echo it: only its last path segment (no `/` or `\`, so
 * `../../etc/passwd` becomes `passwd`), without bidi or control characters, at most 200 characters,
 * never empty or a dot name. The name is only ever shown; storage paths never come from it.
 */
export function sanitizeFileName(raw: string | null | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const clean = base.replace(LONE_SURROGATES, '').replace(BIDI_CONTROLS, '').replace(CONTROLS, '').trim();
  const short = Array.from(clean).slice(-200).join('');
  return short === '' || /^\.+$/.test(short) ? 'file' : short;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A text field of a form ('' when missing or when a file was sent in its place). A NUL byte or a
 * lone surrogate is refused with a 400 naming the field, as for every tRPC input.
 */
export function textField(form: FormData, name: string): string {
  const v = form.get(name);
  if (typeof v !== 'string') return '';
  assertSafeText(v, [name]);
  return v;
}
