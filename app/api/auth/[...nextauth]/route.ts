import NextAuth from 'next-auth';
import { withSessionGuards } from '@/server/auth/http';
import { authOptions } from '@/server/auth/options';

export const dynamic = 'force-dynamic';

const handler = withSessionGuards(
  NextAuth(authOptions) as (
    req: Request,
    ctx: { params: Promise<{ nextauth: string[] }> },
  ) => Promise<Response>,
);

export { handler as GET, handler as POST };
