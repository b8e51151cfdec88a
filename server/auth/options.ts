/**
 * next-auth (v4) configuration: phone + one-time code through the Credentials provider `phone-otp`,
 * JWT sessions. The session carries the user id, phone and name; getSessionUser() re-reads the
 * person from the database on each request.
 */
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getDatabase } from '@/db/client';
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
    user: { id: string; phone: string | null; name: string };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    uid?: string;
    phone?: string | null;
  }
}

export const PHONE_OTP_PROVIDER = 'phone-otp';
const THIRTY_DAYS = 30 * 24 * 60 * 60;

export const authOptions: NextAuthOptions = {
  secret: process.env.AUTH_SECRET || process.env.NEXTAUTH_SECRET,
  // A phone is personal and re-entering a code is a chore for an 80-year-old: stay signed in.
  session: { strategy: 'jwt', maxAge: THIRTY_DAYS },
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
        const database = await getDatabase();
        try {
          assertSafeText({ phone: credentials?.phone ?? '', code: credentials?.code ?? '' });
          const { user } = await verifyOtp({
            ctx: { database, db: database.db, user: null, now: () => new Date() },
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
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.phone = user.phone;
        token.name = user.name;
      }
      return token;
    },
    session({ session, token }) {
      session.user = { id: token.uid ?? '', phone: token.phone ?? null, name: token.name ?? '' };
      return session;
    },
  },
};
