import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sanitizeFileName } from '@/server/files/upload';
import { isServiceError } from '@/server/services/shared/errors';
import { assertSafeText, findUnsafeText, SafeString, safeText } from '@/server/services/shared/zod';

describe('the shared safe text type', () => {
  it('refuses a NUL byte and a lone surrogate with a message that says which', () => {
    const nul = SafeString.safeParse('3\u0000号楼');
    expect(nul.success).toBe(false);
    expect(nul.error!.issues[0]!.message).toMatch(/NUL/);
    const lone = SafeString.safeParse('苹果\ud800');
    expect(lone.success).toBe(false);
    expect(lone.error!.issues[0]!.message).toMatch(/surrogate/);
    expect(SafeString.safeParse('\udc00x').success).toBe(false);
  });

  it('accepts Chinese, emoji (a proper surrogate pair) and ordinary punctuation', () => {
    expect(SafeString.parse('欧阳娜娜 🍎 3-2-201')).toBe('欧阳娜娜 🍎 3-2-201');
  });

  it('safeText trims like the forms always did, then applies min and max', () => {
    const Room = safeText({ min: 1, max: 4 });
    expect(Room.parse('  201 ')).toBe('201');
    expect(Room.safeParse('   ').success).toBe(false);
    expect(Room.safeParse('20101').success).toBe(false);
    expect(Room.safeParse(' 2\u00001 ').success).toBe(false);
  });

  it('finds the first bad string anywhere in a raw input, with its path', () => {
    expect(findUnsafeText({ a: 'ok', items: [{ name: 'x' }, { name: 'y\u0000' }] })).toEqual({
      path: 'items.1.name',
      reason: 'nul',
    });
    expect(findUnsafeText({ ['k\ud800']: 1 })).toEqual({ path: '(key)', reason: 'surrogate' });
    expect(findUnsafeText('\u0000')).toEqual({ path: '(input)', reason: 'nul' });
    expect(findUnsafeText({ a: [1, true, null, new Date(), 'fine'] })).toBeNull();
  });

  it('assertSafeText throws the 400 service error naming the field', () => {
    try {
      assertSafeText({ room: '2\u00001' });
      expect.unreachable();
    } catch (e) {
      expect(isServiceError(e) && e.kind).toBe('BAD_REQUEST');
      expect(isServiceError(e) && e.code).toBe('TEXT_INVALID');
      expect(isServiceError(e) && e.field).toBe('room');
    }
  });

  it('composes into object schemas', () => {
    const Input = z.object({ title: safeText({ min: 1, max: 10 }) });
    const r = Input.safeParse({ title: 'a\u0000' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['title']);
  });
});

describe('upload file names', () => {
  it('keep only the last path segment', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\Users\\me\\营业执照.jpg')).toBe('营业执照.jpg');
  });
  it('lose bidi controls, control characters and lone surrogates', () => {
    expect(sanitizeFileName('invoice\u202egpj.exe')).toBe('invoicegpj.exe');
    expect(sanitizeFileName('a\u0000b\u0007c\ud800.png')).toBe('abc.png');
  });
  it('are never empty or a dot name, and at most 200 characters', () => {
    expect(sanitizeFileName('')).toBe('file');
    expect(sanitizeFileName('..')).toBe('file');
    expect(sanitizeFileName('/')).toBe('file');
    expect(Array.from(sanitizeFileName('长'.repeat(300) + '.pdf')).length).toBe(200);
    expect(sanitizeFileName('长'.repeat(300) + '.pdf').endsWith('.pdf')).toBe(true);
  });
});
