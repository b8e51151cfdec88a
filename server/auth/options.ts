/**
 * next-auth (v4) configuration: phone + one-time code through the Credentials provider `phone-otp`,
 * JWT sessions. The session carries the user id, phone and name; getSessionUser() re-reads the
 * person from the database on each request.
 */
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getDatabase } from '@/db/client';
import { endSession, sessionConfig, startSession } from '@/server/services/auth/sessions';
import { verifyOtp } from '@/server/services/auth/verify-otp';
import { isServiceError } from '@/server/services/shared/errors';
import { assertSafeText } from '@/server/services/shared/zod';
import { encodeSignInError } from './sign-in-codec';

declare module 'next-auth' {
  interface User {
    id: string;
    phone: string | null;
    name: string;
  }
  interface Session {
    user: { id: string; phone: string | null; name: string; sid?: string };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    uid?: string;
    phone?: string | null;
    /** auth_sessions.id: the server-side session this token stands for (server/services/auth/sessions.ts). */
    sid?: string;
  }
}

export const PHONE_OTP_PROVIDER = 'phone-otp';

async function serviceCtx() {
  const database = await getDatabase();
  return { database, db: database.db, user: null, now: () => new Date() };
}

export const authOptions: NextAuthOptions = {
  secret: process.env.AUTH_SECRET || process.env.NEXTAUTH_SECRET,
  // Re-entering a code is a chore for an 80-year-old: stay signed in (30 days by default), but the
  // token names a server-side session that sign-out, "sign out everywhere" and the idle timeout end.
  session: { strategy: 'jwt', maxAge: sessionConfig().maxAgeSeconds },
  pages: { signIn: '/signin', error: '/signin' },
  providers: [
    CredentialsProvider({
      id: PHONE_OTP_PROVIDER,
      name: 'Phone',
      credentials: {
        phone: { label: 'Phone', type: 'tel' },
        code: { label: 'Code', type: 'text' },
      },
      async authorize(credentials) {
        try {
          assertSafeText({ phone: credentials?.phone ?? '', code: credentials?.code ?? '' });
          const { user } = await verifyOtp({
            ctx: await serviceCtx(),
            input: { phone: credentials?.phone ?? '', code: credentials?.code ?? '' },
          });
          return { id: user.id, phone: user.phone, name: user.name };
        } catch (e) {
          // The page translates the stable code; anything unexpected is logged and stays generic.
          if (isServiceError(e)) throw new Error(encodeSignInError(e.code, e.details));
          console.error('[auth] sign-in failed', e);
          throw new Error('INTERNAL');
        }
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.phone = user.phone;
        token.name = user.name;
        token.sid = (await startSession({ ctx: await serviceCtx(), input: { userId: user.id } })).sessionId;
      }
      return token;
    },
    session({ session, token }) {
      session.user = {
        id: token.uid ?? '',
        phone: token.phone ?? null,
        name: token.name ?? '',
        sid: token.sid,
      };
      return session;
    },
  },
  events: {
    // Sign-out ends this browser's session on the server too: the old cookie is refused from now on.
    async signOut({ token }) {
      await endSession({ ctx: await serviceCtx(), input: { sessionId: token?.sid } });
    },
  },
};
