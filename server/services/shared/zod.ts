/**
 * Text that PostgreSQL will accept. PostgreSQL refuses a NUL byte (`\u0000`) in text and a lone
 * UTF-16 surrogate (`\ud800` without its pair) cannot be encoded as UTF-8 at all; both used to reach
 * the database and come back as a 500. Every string input is refused at the edge instead, with a
 * 400 that names the field:
 * - `SafeString` / `safeText()` for schemas (verbs' `Input`s migrate to them);
 * - `findUnsafeText()` walks any raw input, so the tRPC base procedure and the route handlers
 *   check every string even where a schema still says `z.string()`.
 */
import { z } from 'zod';
import { badRequest } from './errors';

/** Stable app code of the refusal (the UI translates it). */
export const TEXT_INVALID = 'TEXT_INVALID';

type UnsafeTextReason = 'nul' | 'surrogate';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NUL = /\u0000/;
// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `s` cannot be stored as text, or null when it can. */
function unsafeTextReason(s: string): UnsafeTextReason | null {
  if (NUL.test(s)) return 'nul';
  if (LONE_SURROGATE.test(s)) return 'surrogate';
  return null;
}

function unsafeTextMessage(reason: UnsafeTextReason): string {
  return reason === 'nul'
    ? '文字中含有不允许的空字符 / The text contains a NUL character, which is not allowed.'
    : '文字中含有无效的字符（不成对的代理项） / The text contains an invalid character (a lone surrogate).';
}

function checkSafe(s: string, ctx: z.core.$RefinementCtx<string>) {
  const reason = unsafeTextReason(s);
  if (reason)
    ctx.addIssue({ code: 'custom', message: unsafeTextMessage(reason), params: { appCode: TEXT_INVALID } });
}

/** A row id. */
export const Id = z.uuid();

/** A row id, refused with a message that names what it identifies (`idOf('商家')`). */
export const idOf = (what: string) => z.uuid({ error: `${what}编号无效 / Invalid ${what} id` });

/** The compound every community-scoped verb names (checked again by `communityProcedure`). */
export const CommunityId = z.uuid({ error: '小区编号无效 / Invalid community id' });

/** A string PostgreSQL accepts, as given (no trimming): passwords, codes, free text kept verbatim. */
export const SafeString = z.string().superRefine(checkSafe);

/**
 * The usual text field: trimmed like the app's forms always were, then checked.
 * `safeText({ min: 1, max: 60 })`.
 */
export function safeText(
  opts: { min?: number; max?: number; minMessage?: string; maxMessage?: string; typeMessage?: string } = {},
) {
  let s = (opts.typeMessage ? z.string({ error: opts.typeMessage }) : z.string()).trim();
  if (opts.min !== undefined) s = s.min(opts.min, opts.minMessage ? { error: opts.minMessage } : undefined);
  if (opts.max !== undefined) s = s.max(opts.max, opts.maxMessage ? { error: opts.maxMessage } : undefined);
  return s.superRefine(checkSafe);
}

type UnsafeText = { path: string; reason: UnsafeTextReason };

/** Deep enough for any real input; a hostile, deeper one is simply not walked further. */
const MAX_DEPTH = 32;

/**
 * The first string (object key or value) in `value` that cannot be stored, with its path
 * (`items.2.name`), or null. Walks plain objects, arrays, Maps and Sets; skips binary data.
 */
export function findUnsafeText(value: unknown, path: readonly (string | number)[] = []): UnsafeText | null {
  return walk(value, path as (string | number)[], 0);
}

function walk(value: unknown, path: (string | number)[], depth: number): UnsafeText | null {
  if (typeof value === 'string') {
    const reason = unsafeTextReason(value);
    return reason ? { path: path.join('.') || '(input)', reason } : null;
  }
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return null;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date) return null;
  if (Array.isArray(value) || value instanceof Set) {
    let i = 0;
    for (const item of value) {
      const found = walk(item, [...path, i++], depth + 1);
      if (found) return found;
    }
    return null;
  }
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  for (const [key, item] of entries) {
    const k = String(key);
    const keyReason = unsafeTextReason(k);
    if (keyReason) return { path: [...path, '(key)'].join('.'), reason: keyReason };
    const found = walk(item, [...path, k], depth + 1);
    if (found) return found;
  }
  return null;
}

/** Throws the 400 (`TEXT_INVALID`, with the field) when any string in `value` cannot be stored. */
export function assertSafeText(value: unknown, path: readonly (string | number)[] = []): void {
  const found = findUnsafeText(value, path);
  if (found) {
    throw badRequest(TEXT_INVALID, unsafeTextMessage(found.reason), {
      field: found.path,
      details: { reason: found.reason },
    });
  }
}

/** Text a person typed: trimmed, `min` to `max` characters (notices, needs, tasks). */
export const PlainText = (min: number, max: number) => safeText({ min, max });
