import { createHmac, timingSafeEqual } from 'node:crypto';
import { authSecret } from './secret';

/**
 * Signed bag codes, printed as QR codes on bag labels and accepted by check-off.
 * A bag is one paid order (one bag per paid order), so the id inside the code is the ORDER id:
 * labels can be printed with the pick list, before any delivery or batch exists.
 * Format: `LL1.<orderId>.<sig>` where sig = first 16 bytes of HMAC-SHA256(secret, "<communityId>:<orderId>"),
 * base64url. The community is part of what is signed, so a bag of another compound never verifies.
 */
const PREFIX = 'LL1';

/**
 * The server's secret for printed codes (bag labels, household gate codes): BAG_CODE_SECRET. A
 * production server without it does not start (server/ops/boot.ts) and never signs with a
 * constant; in development and tests it is derived from the sign-in secret.
 */
export function codeSecret(env: Record<string, string | undefined> = process.env): string {
  const s = env.BAG_CODE_SECRET;
  if (s) return s;
  if (env.NODE_ENV === 'production') {
    throw new Error('[linli] BAG_CODE_SECRET is not set: bag labels and gate codes cannot be signed');
  }
  return createHmac('sha256', authSecret(env)).update('linli bag codes').digest('hex');
}

function sign(communityId: string, orderId: string): string {
  return createHmac('sha256', codeSecret())
    .update(`${communityId}:${orderId}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

export function encodeBagCode(communityId: string, orderId: string): string {
  return `${PREFIX}.${orderId}.${sign(communityId, orderId)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The bag id a code names, if it is well-formed; says nothing about the signature. */
export function parseBagCode(code: string): { orderId: string; sig: string } | null {
  const parts = code.trim().split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX || !UUID.test(parts[1]!) || !parts[2]) return null;
  return { orderId: parts[1]!.toLowerCase(), sig: parts[2] };
}

/** True when `code` is a genuine code for `orderId` in `communityId`. Constant-time compare. */
export function verifyBagCode(communityId: string, code: string): { orderId: string } | null {
  const parsed = parseBagCode(code);
  if (!parsed) return null;
  const expected = Buffer.from(sign(communityId, parsed.orderId));
  const given = Buffer.from(parsed.sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { orderId: parsed.orderId };
}
