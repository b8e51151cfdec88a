import { describe, expect, it } from 'vitest';
import {
  formatShortCode,
  isShortCode,
  normalizeShortCode,
  randomShortCode,
  SHORT_CODE_ALPHABET,
  SHORT_CODE_LENGTH,
} from '@/server/services/distribution/short-code';

describe('短码 (issue 13 item 3)', () => {
  it('uses no look-alike characters', () => {
    for (const ch of '0OQD1IL2Z5S8BUV') expect(SHORT_CODE_ALPHABET).not.toContain(ch);
    expect(new Set(SHORT_CODE_ALPHABET).size).toBe(SHORT_CODE_ALPHABET.length);
    expect(SHORT_CODE_ALPHABET.length ** SHORT_CODE_LENGTH).toBeGreaterThan(50_000_000);
  });

  it('draws 6 characters of the alphabet, every character about equally often', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3_000; i++) {
      const code = randomShortCode();
      expect(code).toHaveLength(6);
      expect(isShortCode(code)).toBe(true);
      for (const ch of code) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(counts.size).toBe(SHORT_CODE_ALPHABET.length);
    const expected = (3_000 * 6) / SHORT_CODE_ALPHABET.length;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.2);
  });

  it('reads what a person typed: lower case, spaces and dashes are fine; wrong characters are not', () => {
    expect(normalizeShortCode(' k7m-4xp ')).toBe('K7M4XP');
    expect(isShortCode(normalizeShortCode('k7m 4xp'))).toBe(true);
    expect(isShortCode('K7M4X')).toBe(false);
    expect(isShortCode('K7M4XP9')).toBe(false);
    expect(isShortCode('K0M4XP')).toBe(false); // 0 is not in the alphabet
    expect(isShortCode(normalizeShortCode('LL1.00000000-0000-4000-8000-000000000000.AAAA'))).toBe(false);
    expect(formatShortCode('K7M4XP')).toBe('K7M 4XP');
  });
});
