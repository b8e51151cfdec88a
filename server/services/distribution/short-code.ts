/**
 * 短码: the 6-character code printed large on a bag label, for a volunteer to type when the QR
 * cannot be read. Pure (no database, no Node APIs): the check-off page uses the same rules offline.
 *
 * The alphabet leaves out characters that are misread on a crumpled label or typed wrong on a
 * phone keyboard: 0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, U/V. 21 characters, 6 places: 85.8 million codes,
 * so a compound's ~1,500 bags of a day collide rarely, and a collision is simply drawn again.
 */
export const SHORT_CODE_ALPHABET = '34679ACEFGHJKMNPRTWXY';
export const SHORT_CODE_LENGTH = 6;

const SHAPE = new RegExp(`^[${SHORT_CODE_ALPHABET}]{${SHORT_CODE_LENGTH}}$`);

/** What a person typed, as a code: upper case, without spaces or dashes (`k7m-4xp` → `K7M4XP`). */
export function normalizeShortCode(typed: string): string {
  return typed.replace(/[\s\-_.·]/g, '').toUpperCase();
}

/** True when `code` (normalized) is made of the alphabet and has the right length. */
export function isShortCode(code: string): boolean {
  return SHAPE.test(code);
}

/** A uniformly random code (rejection sampling on crypto random bytes, so no character is favoured). */
export function randomShortCode(): string {
  const n = SHORT_CODE_ALPHABET.length;
  const limit = 256 - (256 % n);
  let out = '';
  while (out.length < SHORT_CODE_LENGTH) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    for (const b of bytes) {
      if (b >= limit) continue;
      out += SHORT_CODE_ALPHABET[b % n];
      if (out.length === SHORT_CODE_LENGTH) break;
    }
  }
  return out;
}

/** `K7M 4XP`: printed and shown in two groups of three, which people read and type more easily. */
export function formatShortCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}
