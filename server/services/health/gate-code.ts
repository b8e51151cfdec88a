import { createHmac } from 'node:crypto';
import { codeSecret } from '@/server/services/shared/bag-code';

/**
 * A household's gate code: 6 characters a gate volunteer can read out and type (Crockford base32,
 * no I, L, O or U), derived from the household and its compound with the server's secret, so it
 * needs no storage, cannot be guessed from the room number and is different in every compound.
 * The QR on the phone (and on the printed card) holds `LLG:<code>`.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GATE_QR_PREFIX = 'LLG:';

export function gateCode(communityId: string, householdId: string): string {
  const mac = createHmac('sha256', codeSecret()).update(`gate:${communityId}:${householdId}`).digest();
  let bits = 0n;
  for (let i = 0; i < 4; i++) bits = (bits << 8n) | BigInt(mac[i]!);
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = ALPHABET[Number(bits & 31n)]! + out;
    bits >>= 5n;
  }
  return out;
}

/** What the volunteer scanned or typed, as a code: QR text, lower case, spaces, O for 0, I/L for 1. */
export function normalizeGateCode(raw: string): string | null {
  let s = raw.trim().toUpperCase();
  if (s.startsWith(GATE_QR_PREFIX)) s = s.slice(GATE_QR_PREFIX.length);
  s = s.replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== 6 || [...s].some((c) => !ALPHABET.includes(c))) return null;
  return s;
}

export function gateQrText(code: string): string {
  return `${GATE_QR_PREFIX}${code}`;
}
