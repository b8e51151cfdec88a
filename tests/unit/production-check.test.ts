import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { productionConfigProblems } from '@/server/config/production-check';

const root = path.resolve(import.meta.dirname, '../..');
const complete = {
  NODE_ENV: 'production',
  OTP_SENDER: 'aliyun',
  AUTH_SECRET: 'a'.repeat(32),
  BAG_CODE_SECRET: 'b'.repeat(32),
  STRIPE_WEBHOOK_SECRET: 'whsec_x',
};

/** The same check the server runs at start (instrumentation.ts), as its own process. */
function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/check-config.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env } as unknown as NodeJS.ProcessEnv,
    encoding: 'utf8',
  });
}

describe('production refuses to start half-configured', () => {
  it('a complete production configuration passes; development is never refused', () => {
    expect(productionConfigProblems(complete)).toEqual([]);
    expect(productionConfigProblems({ NODE_ENV: 'development' })).toEqual([]);
  });

  it('names each missing or unsafe setting', () => {
    expect(productionConfigProblems({ ...complete, OTP_SENDER: 'log' })).toEqual([
      'OTP_SENDER is `log` (set OTP_SENDER=aliyun)',
    ]);
    const { BAG_CODE_SECRET: _b, ...noBag } = complete;
    expect(productionConfigProblems(noBag)).toEqual(['BAG_CODE_SECRET is missing']);
    expect(productionConfigProblems({ ...complete, AUTH_TEST_OTPS: '+8613800000000:123456' })).toHaveLength(
      1,
    );
    expect(productionConfigProblems({ ...complete, LINLI_DEV_OUTBOX: '1' })).toHaveLength(1);
  });

  it('a production start with a missing secret or the log sender exits non-zero with one line', () => {
    const { STRIPE_WEBHOOK_SECRET: _s, ...noWebhook } = complete;
    const bad = start({ ...noWebhook, OTP_SENDER: 'log' });
    expect(bad.status).not.toBe(0);
    const lines = bad.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('STRIPE_WEBHOOK_SECRET is missing');
    expect(lines[0]).toContain('OTP_SENDER is `log`');
    expect(start(complete).status).toBe(0);
  }, 60_000);
});

describe('the bag-code secret (issue 11 item 12)', () => {
  it('is never a constant: production without BAG_CODE_SECRET refuses, even as a demo or in CI', async () => {
    const { codeSecret } = await import('@/server/services/shared/bag-code');
    expect(() => codeSecret({ NODE_ENV: 'production' })).toThrow(/BAG_CODE_SECRET/);
    expect(() =>
      codeSecret({ NODE_ENV: 'production', CI: 'true', LINLI_DEMO: '1', AUTH_SECRET: 'x' }),
    ).toThrow(/BAG_CODE_SECRET/);
    expect(codeSecret({ NODE_ENV: 'production', BAG_CODE_SECRET: 'b'.repeat(32) })).toBe('b'.repeat(32));
    // Development derives it from the sign-in secret: two machines with their own secrets differ.
    const one = codeSecret({ NODE_ENV: 'development', AUTH_SECRET: 'one' });
    expect(one).not.toBe(codeSecret({ NODE_ENV: 'development', AUTH_SECRET: 'two' }));
    expect(one).not.toMatch(/linli/);
  });

  it('a production server without it does not start', async () => {
    const { boot } = await import('@/server/ops/boot');
    const { vi } = await import('vitest');
    vi.stubEnv('NODE_ENV', 'production');
    vi.stubEnv('BAG_CODE_SECRET', '');
    vi.stubEnv('LINLI_JOBS', '0');
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('exit');
    });
    try {
      expect(() => boot()).toThrow('exit');
      expect(exit).toHaveBeenCalledWith(78);
    } finally {
      exit.mockRestore();
      vi.unstubAllEnvs();
    }
  }, 60_000);
});
