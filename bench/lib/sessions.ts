/**
 * Real signed-in sessions for the bench's households, made over HTTP exactly as a phone makes them:
 * auth.requestOtp → the code → next-auth's CSRF token → POST /api/auth/callback/phone-otp → the
 * session cookie. The code is random and goes through the server's configured sender (`log`, the
 * default until an SMS gateway is configured), so the bench reads it from the server's output, the
 * way the demo's /dev/outbox does. AUTH_TEST_OTPS (fixed codes) is not used for the bench's 1,000
 * phones: loadAuthConfig re-parses that list with libphonenumber on every sign-in (~0.1 s of CPU
 * per call for 1,000 entries), which would measure the list, not sign-in.
 */
import { Phone } from './http';
import type { BenchServer } from './server';
import { pool } from './stats';
import type { Household } from './world';

const CODE_LINE = /one-time code for (\+\d+): (\d{6})/;

/** Codes as the server prints them, handed to whoever waits for that phone. */
export class CodeInbox {
  private codes = new Map<string, string>();
  private waiters = new Map<string, (code: string) => void>();
  private off: () => void;

  constructor(server: BenchServer) {
    this.off = server.onLine((line) => {
      const m = CODE_LINE.exec(line);
      if (!m) return;
      const [, phone, code] = m as unknown as [string, string, string];
      const w = this.waiters.get(phone);
      if (w) {
        this.waiters.delete(phone);
        w(code);
      } else this.codes.set(phone, code);
    });
  }

  next(phone: string, timeoutMs = 30_000): Promise<string> {
    const have = this.codes.get(phone);
    if (have) {
      this.codes.delete(phone);
      return Promise.resolve(have);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(phone);
        reject(new Error(`no code for ${phone} in the server output within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(phone, (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  close(): void {
    this.off();
  }
}

export type Resident = Household & { phoneClient: Phone };

export async function signInAll(
  server: BenchServer,
  households: Household[],
  concurrency = 16,
): Promise<Resident[]> {
  const inbox = new CodeInbox(server);
  try {
    return await pool(households.length, concurrency, async (i) => {
      const h = households[i]!;
      const phone = new Phone(server.url);
      await phone.signIn(h.phone, (p) => inbox.next(p));
      return { ...h, phoneClient: phone };
    });
  } finally {
    inbox.close();
  }
}
