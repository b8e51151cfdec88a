/**
 * Production refuses to start half-configured (issue 10 item 8). With NODE_ENV=production the
 * server exits with ONE line naming everything that is missing or unsafe:
 *   - OTP_SENDER unset or `log` (codes would only reach the server log);
 *   - fixed test codes (AUTH_TEST_OTPS / ALLOW_TEST_OTPS=1);
 *   - the /dev/outbox page (LINLI_DEV_OUTBOX=1);
 *   - AUTH_SECRET, BAG_CODE_SECRET or STRIPE_WEBHOOK_SECRET missing.
 * The demo (`npm start`, LINLI_DEMO not 0) is not production in this sense: it sets what it needs.
 */
export function productionConfigProblems(env: Record<string, string | undefined>): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (!env.OTP_SENDER || env.OTP_SENDER === 'log')
    problems.push('OTP_SENDER is `log` (set OTP_SENDER=aliyun)');
  if (env.AUTH_TEST_OTPS || env.ALLOW_TEST_OTPS === '1')
    problems.push('fixed test codes are on (AUTH_TEST_OTPS/ALLOW_TEST_OTPS)');
  if (env.LINLI_DEV_OUTBOX === '1') problems.push('/dev/outbox is on (LINLI_DEV_OUTBOX=1)');
  for (const k of ['AUTH_SECRET', 'BAG_CODE_SECRET', 'STRIPE_WEBHOOK_SECRET'])
    if (!env[k]) problems.push(`${k} is missing`);
  return problems;
}

/** One line for the operator, or null when the configuration is complete. */
export function productionConfigLine(env: Record<string, string | undefined>): string | null {
  const p = productionConfigProblems(env);
  return p.length ? `[linli] refusing to start in production: ${p.join('; ')}` : null;
}
