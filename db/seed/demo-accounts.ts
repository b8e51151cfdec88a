/**
 * One demo account per role. Their phones get fixed one-time codes through AUTH_TEST_OTPS
 * (see README); the seed creates them. Keep this list and the README's table in step.
 */
export const DEMO_ACCOUNTS = {
  owner: { phone: '+8613800000001', name: '何红霞', code: '111111' },
  admin: { phone: '+8613800000002', name: '孙钦', code: '222222' },
  volunteer: { phone: '+8613800000003', name: '王建国', code: '333333' },
  resident: { phone: '+8613800000004', name: '张桂英', code: '444444' },
  merchant: { phone: '+8613800000005', name: '陈老板', code: '555555' },
  resident2: { phone: '+8613800000006', name: '李秀兰', code: '666666' },
} as const;

/** `phone=code,phone=code`, the AUTH_TEST_OTPS format. */
export const DEMO_TEST_OTPS = Object.values(DEMO_ACCOUNTS)
  .map((a) => `${a.phone}=${a.code}`)
  .join(',');
