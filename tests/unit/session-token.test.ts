/**
 * The join's lean path reads next-auth's session cookie with jose's `jwtDecrypt` and a key derived
 * once (server/api/join-route.ts `decodeSessionToken`): what next-auth's `encode` writes decodes;
 * a tampered token, one under another secret and an expired one are refused, as next-auth's
 * `decode` refuses them (with its 15 s clock tolerance).
 */
import { decode, encode } from 'next-auth/jwt';
import { describe, expect, it } from 'vitest';
import { decodeSessionToken } from '@/server/api/join-route';

const SECRET = 'session-token-unit-secret-0123456789';
const claims = { uid: 'user-1', sid: 'session-1', name: '张三' };

/** Flips one character of the JWE part `index` (0 header … 4 tag). */
function tamper(token: string, index: number): string {
  const parts = token.split('.');
  const p = parts[index]!;
  parts[index] = (p.startsWith('A') ? 'B' : 'A') + p.slice(1);
  return parts.join('.');
}

describe('decodeSessionToken', () => {
  it("decodes next-auth's token to the same payload next-auth's decode reads", async () => {
    const token = await encode({ token: claims, secret: SECRET });
    const payload = await decodeSessionToken(token, SECRET);
    expect(payload).toMatchObject(claims);
    expect(payload).toEqual(await decode({ token, secret: SECRET }));
  });

  it('keeps decoding after the secret changes and back (the derived key follows the secret)', async () => {
    const other = `${SECRET}-other`;
    const a = await encode({ token: claims, secret: SECRET });
    const b = await encode({ token: claims, secret: other });
    expect(await decodeSessionToken(a, SECRET)).toMatchObject(claims);
    expect(await decodeSessionToken(b, other)).toMatchObject(claims);
    expect(await decodeSessionToken(a, SECRET)).toMatchObject(claims);
  });

  it('refuses a tampered token (header, iv, ciphertext or tag) and one that is not a JWE', async () => {
    const token = await encode({ token: claims, secret: SECRET });
    for (const index of [0, 2, 3, 4])
      expect(await decodeSessionToken(tamper(token, index), SECRET)).toBeNull();
    expect(await decodeSessionToken('not.a.token', SECRET)).toBeNull();
    expect(await decodeSessionToken('', SECRET)).toBeNull();
  });

  it('refuses a token made under another secret', async () => {
    const token = await encode({ token: claims, secret: `${SECRET}-other` });
    expect(await decodeSessionToken(token, SECRET)).toBeNull();
  });

  it('refuses an expired token beyond the 15 s clock tolerance, and accepts one within it', async () => {
    const expired = await encode({ token: claims, secret: SECRET, maxAge: -60 });
    expect(await decodeSessionToken(expired, SECRET)).toBeNull();
    await expect(decode({ token: expired, secret: SECRET })).rejects.toThrow();
    const justExpired = await encode({ token: claims, secret: SECRET, maxAge: -5 });
    expect(await decodeSessionToken(justExpired, SECRET)).toMatchObject(claims);
  });
});
