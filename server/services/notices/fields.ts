import { z } from 'zod';

/** Text a person typed: trimmed, bounded, and free of what PostgreSQL refuses (NUL, lone surrogates). */
/** PostgreSQL refuses NUL and lone UTF-16 surrogates in text. */
function isStorable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u === 0) return false;
    if (u >= 0xd800 && u <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (u >= 0xdc00 && u <= 0xdfff) return false;
  }
  return true;
}

export const PlainText = (min: number, max: number) =>
  z.string().trim().min(min).max(max).refine(isStorable, { message: '含有无效字符 / Invalid characters' });

export const CommunityId = z.uuid({ error: '小区编号无效 / Invalid community id' });
export const Id = z.uuid();
